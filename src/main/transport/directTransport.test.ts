import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import type { CallSignal } from '../../shared/callSignals';
import { createLogger } from '../../whatsapp/logger';
import { openCallHistory } from '../callHistory';
import type { ConnectionSettings } from '../settingsStore';
import { OFFLINE_ENVIRONMENT } from '../testDesk';
import type { CallTransport } from './callTransport';
import { openDirectTransport } from './directTransport';

const CONNECTION: ConnectionSettings = {
  accessToken: 'EAAGdirectTransportToken123',
  phoneNumberId: '100200300',
  appSecret: '0123456789abcdef0123456789abcdef',
  verifyToken: 'verify-direct',
  webhookPort: 8787,
  tunnel: 'none',
  publicUrl: '',
  ngrokAuthtoken: '',
  permissionTemplate: '',
  permissionTemplateLanguage: 'en',
  mode: 'direct',
  relayUrls: [],
  agentToken: '',
};
const ENVIRONMENT = OFFLINE_ENVIRONMENT;
const open: CallTransport[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

async function transport(seenEvents?: ReturnType<typeof openCallHistory>['seenEvents']) {
  const signals: CallSignal[] = [];
  const t = await openDirectTransport(
    {
      connection: CONNECTION,
      environment: ENVIRONMENT,
      tunnels: { open: () => Promise.reject(new Error('none')) },
      seenEvents,
    },
    {
      logger: createLogger({ destination: { write: () => undefined } }),
      onSignal: (s) => signals.push(s),
      onChange: () => undefined,
      onActivity: () => undefined,
      agentStatus: () => 'available',
      pendingMissedCustomers: () => [],
    },
  );
  open.push(t);
  return { t, signals, url: t.status().webhook!.localUrl! };
}

const connect = (callId: string, phoneNumberId = CONNECTION.phoneNumberId) =>
  connectWebhook({ callId, from: '447700900123', phoneNumberId, sdpOffer: 'v=0\r\n' });

describe('direct transport', () => {
  it('ignores and counts webhooks for another phone number, and rings for its own', async () => {
    const { t, signals, url } = await transport();
    expect((await postSignedWebhook(url, connect('other', '999888777'), CONNECTION.appSecret)).status).toBe(200);
    expect((await postSignedWebhook(url, connect('mine'), CONNECTION.appSecret)).status).toBe(200);
    await expect.poll(() => signals.map((s) => ('callId' in s ? s.callId : s.type))).toEqual(['mine']);
    expect(t.status().webhook?.otherNumberCount).toBe(1);
  });

  it('does not ring again for a connect Meta replays after the desk restarted', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'seen-')), 'history.sqlite');
    const first = openCallHistory(path);
    const before = await transport(first.seenEvents);
    await postSignedWebhook(before.url, connect('replayed'), CONNECTION.appSecret);
    await expect.poll(() => before.signals.length).toBe(1);
    await before.t.close();
    first.close();

    const again = openCallHistory(path);
    const after = await transport(again.seenEvents);
    expect((await postSignedWebhook(after.url, connect('replayed'), CONNECTION.appSecret)).status).toBe(200);
    await postSignedWebhook(after.url, connect('new-one'), CONNECTION.appSecret);
    await expect.poll(() => after.signals.map((s) => ('callId' in s ? s.callId : s.type))).toEqual(['new-one']);
    again.close();
  });
});
