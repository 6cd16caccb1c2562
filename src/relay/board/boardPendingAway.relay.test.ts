import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { TeamQueues } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueSupervisorToken } from '../agentTokens';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from '../testSecrets';
import { signInTestBoard } from './testBoard';

const SECRETS = RELAY_TEST_SECRETS;
let redis: TestRedis;
let graph: GraphApiSim;
let relay: Relay;
const desks: Array<{ close(): void }> = [];

beforeAll(async () => {
  [redis, graph] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'pending',
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: { ben: 1 } }],
    }),
  });
}, 60_000);
afterAll(async () => {
  for (const d of desks) d.close();
  await relay?.close();
  await graph?.close();
  await redis?.stop();
});

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a supervisor sets an agent on a call Away', () => {
  it('the board’s snapshot carries the change pending, with its reason, while the agent stays on the call', async () => {
    const desk = await connectTestAgent('ben', [relay.agentUrl]);
    desks.push(desk.client);
    graph.offerCall('wacid.pending.1');
    const webhook = connectWebhook({
      callId: 'wacid.pending.1',
      from: '447700900611',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
    });
    await postSignedWebhook(relay.webhookUrl, webhook, SECRETS.appSecret);
    await until(() => desk.events.some((e) => e.type === 'call_offered'), 'the call rings ben');
    await desk.client.request('pre_accept', { callId: 'wacid.pending.1', sdp: TEST_ANSWER_SDP });
    await desk.client.request('accept', { callId: 'wacid.pending.1', sdp: TEST_ANSWER_SDP });

    const board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    const ben = () => board.snapshot()?.agents.find((a) => a.id === 'ben');
    await until(() => ben()?.state === 'on_call', 'ben on the call');
    board.ws.send(JSON.stringify({ type: 'set_status', agentId: 'ben', status: 'away', reason: 'training' }));
    await until(() => ben()?.chosen === 'not_ready', 'the Away pending');
    expect(ben()).toMatchObject({ state: 'on_call', chosen: 'not_ready', chosenReason: 'training' });

    // Set Available again before the call ends: nothing is pending any more.
    board.ws.send(JSON.stringify({ type: 'set_status', agentId: 'ben', status: 'available' }));
    await until(() => ben()?.chosen === 'available', 'the Away withdrawn');
    expect(ben()).not.toHaveProperty('chosenReason');
    expect(ben()?.state).toBe('on_call');
  });
});
