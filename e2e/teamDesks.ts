import type { Browser } from '@playwright/test';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startRelay, type RelayOptions } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { startWhatsAppSim } from '../sim/whatsappSim';
import { giveVoiceAndEars } from '../sim/pageVoice';
import { AGENT_SECRET, openDesk } from '../sim/teamDesk';

export { AGENT_SECRET, openDesk };

/** Two desks (asha, ben) on two relay instances sharing one redis-server, and WhatsApp's simulator. */
export async function startTeam(
  browser: Browser,
  extra: Pick<
    RelayOptions,
    | 'queues'
    | 'databaseUrl'
    | 'janusUrls'
    | 'janusAccess'
    | 'janusHoldMusic'
    | 'janusRecordingDir'
    | 'janusConsentNotice'
    | 'afterCallSeconds'
    | 'turn'
    | 'routingClock'
  > & {
    /** Each desk speaks its own steady tone and the test can read which tones it hears (sim/pageVoice.ts). */
    voices?: { asha: number; ben: number };
    /** More of Asha's desk's environment (relay-only ICE, a shorter media timeout). */
    ashaEnv?: Record<string, string>;
    /** Both desks in one browser context (one cookie jar), as one person opening both printed addresses. */
    oneBrowserContext?: boolean;
  } = {},
) {
  const { voices, ashaEnv, oneBrowserContext, ...relayOptions } = extra;
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
  const contextA = await browser.newContext();
  const pageA = await contextA.newPage();
  const pageB = await (oneBrowserContext ? contextA : await browser.newContext()).newPage();
  if (voices) {
    await giveVoiceAndEars(pageA, voices.asha);
    await giveVoiceAndEars(pageB, voices.ben);
  }
  const deskA = await openDesk(pageA, 'asha', [relays[0]!.agentUrl], ashaEnv);
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
