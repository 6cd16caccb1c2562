import type { Browser, Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDesk } from '../src/main/deskStartup';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { issueAgentToken } from '../src/relay/agentTokens';
import { startRelay, type RelayOptions } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { startWhatsAppSim } from '../sim/whatsappSim';
import { giveVoiceAndEars } from './toneProbe';

export const AGENT_SECRET = 'team-agent-secret-0123';

export async function openDesk(page: Page, agentId: string, relayUrls: string[]) {
  const desk = prepareDesk({
    dataDir: mkdtempSync(join(tmpdir(), `desk-${agentId}-`)),
    cipher: plainCipher,
    logger: createMemoryLogger(),
    env: { WA_GRAPH_BASE_URL: 'http://127.0.0.1:9', WA_WEBHOOK_PORT: '0' },
  });
  const host = await hostRenderer({ desk });
  await page.goto(host.url);
  await page.getByTestId('mode-relay').check();
  await page.getByTestId('setting-relayUrls').fill(relayUrls.join(', '));
  await page.getByTestId('setting-agentToken').fill(await issueAgentToken(agentId, AGENT_SECRET));
  await page.getByTestId('settings-save').click();
  // Waits without Playwright's test expect, so benchmarks open desks the same way.
  await page.getByTestId('ready').filter({ hasText: 'Ready for calls from the team relay' }).waitFor();
  await page.getByTestId('settings-section-team').click();
  await page.getByTestId('relay-state').filter({ hasText: 'Connected to the team relay at ws://127.0.0.1:' }).waitFor();
  await page.getByTestId('tab-phone').click();
  return host;
}

/** Two desks (asha, ben) on two relay instances sharing one redis-server, and WhatsApp's simulator. */
export async function startTeam(
  browser: Browser,
  extra: Pick<RelayOptions, 'queues' | 'databaseUrl' | 'janusUrls' | 'janusHoldMusic'> & {
    /** Each desk speaks its own steady tone and the test can read which tones it hears (e2e/toneProbe.ts). */
    voices?: { asha: number; ben: number };
  } = {},
) {
  const { voices, ...relayOptions } = extra;
  const redis = await startTestRedis();
  const sim = await startWhatsAppSim({ ...SIM_SECRETS });
  const relays = await Promise.all(
    [0, 1].map(() =>
      startRelay({
        ...SIM_SECRETS,
        agentSecret: AGENT_SECRET,
        redisUrl: redis.url,
        graphBaseUrl: sim.graphBaseUrl,
        logger: createMemoryLogger(),
        prefix: 'e2e',
        ...relayOptions,
      }),
    ),
  );
  sim.setWebhookUrl(relays[0]!.webhookUrl);
  const pageA = await (await browser.newContext()).newPage();
  const pageB = await (await browser.newContext()).newPage();
  if (voices) {
    await giveVoiceAndEars(pageA, voices.asha);
    await giveVoiceAndEars(pageB, voices.ben);
  }
  const deskA = await openDesk(pageA, 'asha', [relays[0]!.agentUrl]);
  const deskB = await openDesk(pageB, 'ben', [relays[1]!.agentUrl]);
  return {
    sim,
    relays,
    pageA,
    pageB,
    redisUrl: redis.url,
    async close() {
      await deskA.close();
      await deskB.close();
      for (const relay of relays) await relay.close();
      await sim.close();
      await redis.stop();
    },
  };
}
