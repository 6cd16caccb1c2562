import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../sim/webhookSender';
import { TeamQueues } from '../shared/teamQueues';
import { createMemoryLogger } from '../whatsapp/logger';
import { deploymentKeyPrefix } from './relayKeys';
import { startRelay, type Relay } from './relayServer';
import { connectTestAgent } from './testAgent';
import { startTestRedis, type TestRedis } from './testRedis';
import { RELAY_TEST_SECRETS as SECRETS } from './testSecrets';

const PREFIX = 'stepsatonce';
/** One agent, not ready: every call waits, and waiting calls are due together on the shared one-second grid. */
const QUEUES = TeamQueues.parse({
  defaultQueue: 'support',
  repeatCallerMinutes: 0,
  queues: [{ id: 'support', name: 'Support', agents: { zed: 5 } }],
});
const CALLS = 10;

let redisServer: TestRedis;
let graph: GraphApiSim;
let relay: Relay;
let probe: Redis;

beforeAll(async () => {
  redisServer = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const options = { ...SECRETS, redisUrl: redisServer.url, graphBaseUrl: graph.baseUrl, prefix: PREFIX };
  relay = await startRelay({ ...options, logger: createMemoryLogger(), queues: QUEUES });
  probe = new Redis(redisServer.url);
}, 60_000);
afterAll(async () => {
  await relay?.close();
  probe?.disconnect();
  await graph?.close();
  await redisServer?.stop();
});

/**
 * The most routing steps in flight at once over `ms`, read from the order Redis gets commands in (not from timing):
 * a step begins by asking whether its call has ended (EXISTS of the call's terminate mark; nothing else asks while
 * nobody calls) and ends by writing its route back.
 */
async function mostStepsAtOnce(ms: number): Promise<{ most: number; steps: number }> {
  const monitor = await probe.monitor();
  const prefix = deploymentKeyPrefix(PREFIX);
  const inFlight = new Set<string>();
  let most = 0;
  let steps = 0;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const [command, key] = [args[0]?.toLowerCase(), args[1] ?? ''];
    if (source === 'lua') return;
    if (command === 'exists' && key.startsWith(`${prefix}:seen:terminate:`))
      inFlight.add(key.slice(`${prefix}:seen:terminate:`.length));
    if (
      command === 'set' &&
      key.startsWith(`${prefix}:route:`) &&
      inFlight.delete(key.slice(`${prefix}:route:`.length))
    )
      steps += 1;
    most = Math.max(most, inFlight.size);
  });
  await new Promise((r) => setTimeout(r, ms));
  monitor.disconnect();
  return { most, steps };
}

describe('routing steps of different calls due together run at once (real Redis)', () => {
  it('steps up to 8 waiting calls at once, each call read then written', async () => {
    const zed = await connectTestAgent('zed', [relay.agentUrl]);
    try {
      zed.client.setStatus('away');
      await expect.poll(() => zed.state()?.state).toBe('not_ready');
      for (let i = 0; i < CALLS; i += 1) {
        const callId = `wacid.stepsatonce.${i}`;
        graph.offerCall(callId);
        const from = `4477009005${String(i).padStart(2, '0')}`;
        const body = connectWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' });
        expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
      }
      // Every waiting call is due at each second of the grid: three of them are watched.
      const { most, steps } = await mostStepsAtOnce(3000);
      console.log(`routing steps in flight at once: ${most} (of ${CALLS} due together; ${steps} steps watched)`);
      expect(steps).toBeGreaterThanOrEqual(2 * CALLS);
      // One after another, a call's step began only once the one before it had written its route: 1.
      expect(most).toBeGreaterThanOrEqual(5);
      expect(most).toBeLessThanOrEqual(8);
    } finally {
      zed.client.close();
    }
  }, 60_000);
});
