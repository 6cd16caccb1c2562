import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionForm } from '../shared/settingsSchemas';
import type { Logger } from '../whatsapp/logger';
import { openAppStorage } from './appStorage';
import { startBrowserHost } from './browserHost';
import type { Environment } from './config';
import { plainCipher } from './settingsStore';

/** An environment whose Graph API address answers nothing, for tests that never reach Meta. */
export const OFFLINE_ENVIRONMENT: Environment = {
  graphBaseUrl: 'http://127.0.0.1:9',
  graphApiVersion: 'v23.0',
  webhookHost: '127.0.0.1',
  webhookPortOverride: 0,
  iceServers: [],
  iceTransportPolicy: 'all',
  mediaTimeoutMs: 10_000,
};

/** A browser host over a stub page and a fresh data folder, for tests of the host itself. */
export function startTestBrowserHost(logger: Logger, options: { windowAwayGraceMs?: number } = {}) {
  const rendererDir = mkdtempSync(join(tmpdir(), 'renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>phone</title>');
  return startBrowserHost({
    ...openAppStorage(mkdtempSync(join(tmpdir(), 'data-')), plainCipher),
    environment: OFFLINE_ENVIRONMENT,
    logger,
    tunnels: { open: async () => Promise.reject(new Error('no tunnels in this test')) },
    rendererDir,
    ...options,
  });
}

/** The connection form for joining a relay, everything else left empty. */
export function relayForm(relayUrls: string, agentToken: string): ConnectionForm {
  return {
    accessToken: '',
    phoneNumberId: '',
    appSecret: '',
    verifyToken: '',
    webhookPort: 8787,
    tunnel: 'none',
    publicUrl: '',
    ngrokAuthtoken: '',
    mode: 'relay',
    relayUrls,
    agentToken,
  };
}
