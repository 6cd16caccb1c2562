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

const PREFIX = 'pickingatonce';
const AGENTS = 16;
const CALLS = 8;
const QUEUES = TeamQueues.parse({
  defaultQueue: 'desk',
  repeatCallerMinutes: 0,
  queues: [{ id: 'desk', name: 'Desk', ringSeconds: 60, agents: '*' }],
});

let redisServer: TestRedis;
let graph: GraphApiSim;
let relays: Relay[];
let probe: Redis;

beforeAll(async () => {
  redisServer = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const options = { ...SECRETS, redisUrl: redisServer.url, graphBaseUrl: graph.baseUrl, prefix: PREFIX };
  relays = await Promise.all(
    [0, 1].map(() => startRelay({ ...options, logger: createMemoryLogger(), queues: QUEUES })),
  );
  probe = new Redis(redisServer.url);
}, 60_000);
afterAll(async () => {
  await Promise.all((relays ?? []).map((r) => r.close()));
  probe?.disconnect();
  await graph?.close();
  await redisServer?.stop();
});

/**
 * How many agents each call asked the team model to reserve, read from the commands Redis receives: a reservation
 * reads the agent's record and the call's together, in one MGET of exactly those two keys.
 */
async function watchReservations(prefix: string) {
  const monitor = await probe.monitor();
  const asked = new Map<string, string[]>();
  const [agentKey, callKey] = [`${prefix}:team:agent:`, `${prefix}:team:call:`];
  monitor.on('monitor', (_time: string, args: string[]) => {
    const [command, first = '', second = ''] = args;
    if (command?.toLowerCase() !== 'mget' || args.length !== 3) return;
    if (!first.startsWith(agentKey) || !second.startsWith(callKey)) return;
    const callId = second.slice(callKey.length);
    asked.set(callId, [...(asked.get(callId) ?? []), first.slice(agentKey.length)]);
  });
  return { asked, stop: () => monitor.disconnect() };
}

describe('calls of a queue routed at the same moment (real Redis, two relay instances)', () => {
  it('ring different agents among the longest idle, each asking for one agent, not all the same one', async () => {
    const agents: Array<Awaited<ReturnType<typeof connectTestAgent>>> = [];
    // Signed in one after another: agent0 is the longest idle.
    for (let i = 0; i < AGENTS; i += 1) {
      const agent = await connectTestAgent(`agent${i}`, [relays[i % 2]!.agentUrl]);
      await expect.poll(() => agent.state()?.state).toBe('available');
      agents.push(agent);
      await new Promise((r) => setTimeout(r, 5));
    }
    const watch = await watchReservations(deploymentKeyPrefix(PREFIX));
    try {
      const callIds = Array.from({ length: CALLS }, (_, i) => `wacid.pickingatonce.${i}`);
      await Promise.all(
        callIds.map(async (callId, i) => {
          graph.offerCall(callId);
          const from = `44770091000${i}`;
          const body = connectWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' });
          expect((await postSignedWebhook(relays[i % 2]!.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
        }),
      );
      const rungAt = () => agents.filter((a) => a.events.some((e) => e.type === 'call_offered')).map((a) => a.id);
      await expect.poll(rungAt, { timeout: 10_000 }).toHaveLength(CALLS);
      const asks = [...watch.asked.values()].reduce((sum, ids) => sum + ids.length, 0);
      console.log(`reservations asked for ${CALLS} calls at once: ${asks}; rang ${rungAt().join(' ')}`);
      // All asking for agent0 first, then agent1 ... is about CALLS * (CALLS + 1) / 2 = 36 asks (31-34 measured
      // before); each call starting at its own place, 8-17 (a call reading just as an older one reserves collides).
      expect(asks).toBeLessThan(3 * CALLS);
      // Near longest-idle-first: the calls rang among the longest idle, none further down than CALLS places more.
      const places = rungAt().map((id) => Number(id.slice('agent'.length)));
      expect(Math.max(...places)).toBeLessThan(2 * CALLS);
    } finally {
      watch.stop();
      for (const agent of agents) agent.client.close();
    }
  }, 60_000);
});
