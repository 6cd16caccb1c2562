import type { Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDesk } from '../src/main/deskStartup';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { issueAgentToken } from '../src/relay/agentTokens';

/** A desk in a Chromium page signed in to the team relay: end-to-end tests and benchmarks open desks this way. */
export const AGENT_SECRET = 'team-agent-secret-0123';

export async function openDesk(
  page: Page,
  agentId: string,
  relayUrls: string[],
  /** More of the desk's environment (WA_ICE_TRANSPORT_POLICY, WA_MEDIA_TIMEOUT_MS…). */
  env: Record<string, string> = {},
) {
  const desk = prepareDesk({
    dataDir: mkdtempSync(join(tmpdir(), `desk-${agentId}-`)),
    cipher: plainCipher,
    logger: createMemoryLogger(),
    env: { WA_GRAPH_BASE_URL: 'http://127.0.0.1:9', WA_WEBHOOK_PORT: '0', ...env },
  });
  const host = await hostRenderer({ desk });
  await page.goto(host.url);
  await page.getByTestId('mode-relay').check();
  await page.getByTestId('setting-relayUrls').fill(relayUrls.join(', '));
  await page.getByTestId('setting-agentToken').fill(await issueAgentToken(agentId, AGENT_SECRET));
  await page.getByTestId('settings-save').click();
  // Waits without Playwright's test expect, so benchmarks open desks the same way. An agent in no queue is signed
  // in too: their line says so instead.
  await page
    .getByTestId('ready')
    .filter({ hasText: 'Ready for calls from the team relay' })
    .or(page.getByTestId('not-ready').filter({ hasText: 'You are in no queue' }))
    .waitFor();
  await page.getByTestId('settings-section-team').click();
  await page.getByTestId('relay-state').filter({ hasText: 'Connected to the team relay at ws://127.0.0.1:' }).waitFor();
  await page.getByTestId('tab-phone').click();
  return host;
}
