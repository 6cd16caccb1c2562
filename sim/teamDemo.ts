import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDesk } from '../src/main/deskStartup';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { issueAgentToken, issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger, type Logger } from '../src/whatsapp/logger';
import { freshDemoSecrets } from './demoSecrets';
import { startWhatsAppSim } from './whatsappSim';

/** How long a Sales caller waits before the callback offer, unless the demo is told (DEMO_SALES_WAIT_SECONDS). */
const SALES_MAX_WAIT_SECONDS = Number(process.env.DEMO_SALES_WAIT_SECONDS ?? 45);

/** The demo team: Support rings Asha and Ben together, Sales rings Ben (calls from the "sales" call button). */
function demoQueues(salesWaitSeconds: number) {
  return TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [
      { id: 'support', name: 'Support', routing: 'ring_all', ringSeconds: 30, agents: { asha: 5, ben: 5 } },
      // A Sales caller nobody takes within its wait is offered a callback on WhatsApp ("c" + Enter taps it).
      {
        id: 'sales',
        name: 'Sales',
        ringSeconds: 30,
        agents: { ben: 5 },
        payloads: ['sales'],
        maxWait: { seconds: salesWaitSeconds, action: 'callback' },
      },
    ],
  });
}
const AGENTS = ['asha', 'ben'] as const;

/** Demo customer n (1 to 999) and their one number, in Ofcom's range for drama (+44 7700 900000 to 900999). */
function demoCustomer(call: number): { name: string; from: string } {
  const n = ((call - 1) % 999) + 1;
  return { name: `Demo Customer ${n}`, from: `447700900${String(n).padStart(3, '0')}` };
}

/**
 * `npm run demo -- --team`: a team on this machine without a Meta account. A relay with Redis and PostgreSQL
 * (started here, as the tests do), two agents' desks (Asha, Ben), the supervisor's board with a supervisor's and an
 * admin's token, and a simulated WhatsApp that calls the team when asked.
 */
export async function startTeamDemo(options: {
  say: (line: string) => void;
  uiPort?: number;
  logger?: Logger;
  /** The relay's after-call limit (RELAY_AFTER_CALL_SECONDS for `npm run demo -- --team`); unset: until saved. */
  afterCallSeconds?: number;
  /** How long a Sales caller waits before the callback offer (DEMO_SALES_WAIT_SECONDS, 45 s unset). */
  salesWaitSeconds?: number;
}) {
  const salesWait = options.salesWaitSeconds ?? SALES_MAX_WAIT_SECONDS;
  const { agentSecret, accessToken, appSecret, verifyToken, phoneNumberId } = freshDemoSecrets();
  const meta = { accessToken, appSecret, verifyToken, phoneNumberId };
  const [redis, postgres, sim] = await Promise.all([startTestRedis(), startTestPostgres(), startWhatsAppSim(meta)]);
  const relay = await startRelay({
    ...meta,
    agentSecret,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger: options.logger ?? createMemoryLogger(),
    prefix: 'team-demo',
    databaseUrl: postgres.url,
    queues: demoQueues(salesWait),
    afterCallSeconds: options.afterCallSeconds,
  });
  sim.setWebhookUrl(relay.webhookUrl);
  // The simulated customers answer a call-permission request as a person can, with Meta's permission reply webhook.
  sim.answerPermissionRequests('accept');
  sim.graph.onPermissionRequest((customer) =>
    options.say(`The customer (+${customer}) was asked for permission to be called, and allows it.`),
  );
  sim.graph.onMessage((message) => {
    if (message.kind !== 'buttons') return;
    options.say(
      `Nobody in Sales took the call of +${message.customer} within ${salesWait} s: WhatsApp offers them a callback ("c" + Enter taps "Call me back").`,
    );
  });

  const dataDirs: string[] = [];
  const desks: Record<string, Awaited<ReturnType<typeof hostRenderer>>> = {};
  for (const [i, agentId] of AGENTS.entries()) {
    const dataDir = mkdtempSync(join(tmpdir(), `team-demo-${agentId}-`));
    dataDirs.push(dataDir);
    const desk = prepareDesk({
      dataDir,
      cipher: plainCipher,
      logger: createMemoryLogger(),
      env: { WA_GRAPH_BASE_URL: 'http://127.0.0.1:9', WA_WEBHOOK_PORT: '0' },
    });
    desk.storage.settings.saveRelaySession([relay.agentUrl], await issueAgentToken(agentId, agentSecret));
    // Side by side: the first desk on the port asked for, the next one above it (0: any free port).
    desks[agentId] = await hostRenderer({ desk, port: options.uiPort ? options.uiPort + i : options.uiPort });
  }
  const board = `${relay.agentUrl.replace(/^ws/, 'http')}board`;
  const supervisorToken = await issueSupervisorToken('sam', agentSecret);
  const adminToken = await issueSupervisorToken('ada', agentSecret, { role: 'admin' });
  let calls = 0;

  return {
    /** Where the demo's Redis is and the relay's key prefix there (for `npm run relay -- revoke`). */
    redisUrl: redis.url,
    prefix: 'team-demo',
    desks: { asha: desks.asha!.url, ben: desks.ben!.url },
    board,
    supervisorToken,
    adminToken,
    relay,
    sim,
    /** A customer calls Support (both desks ring), or Sales (Ben's desk) as if from the "sales" call button. */
    async place(queue: 'support' | 'sales' = 'support') {
      calls += 1;
      // This call's customer, fixed before the wait: another Enter meanwhile is the next customer's call.
      const { name, from } = demoCustomer(calls);
      const call = await sim.placeCall({ from, name, ...(queue === 'sales' && { ctaPayload: 'sales' }) });
      options.say(`${name} (+${from}) calls ${queue === 'sales' ? 'Sales' : 'Support'}.`);
      return call;
    },
    async close(): Promise<void> {
      for (const desk of Object.values(desks)) await desk.close();
      await relay.close();
      await sim.close();
      await Promise.all([redis.stop(), postgres.stop()]);
      for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type TeamDemo = Awaited<ReturnType<typeof startTeamDemo>>;
