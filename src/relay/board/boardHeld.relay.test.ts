import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
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
    prefix: 'held',
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

describe('a call on hold on the board', () => {
  it('is marked held while the agent holds a call whose media their desk carries, and not once they take it back', async () => {
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    desks.push(asha.client);
    const callId = 'wacid.held.1';
    graph.offerCall(callId);
    const body = connectWebhook({
      callId,
      from: '447700900611',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
    });
    await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret);
    await until(() => asha.events.some((e) => e.type === 'call_offered' && e.callId === callId), 'the call rings');
    await asha.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
    await asha.client.request('accept', { callId, sdp: TEST_ANSWER_SDP });

    const board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    const shown = () => board.snapshot()?.inProgress.find((c) => c.callId === callId);
    await until(() => shown() !== undefined, 'the call in progress on the board');
    expect(shown()?.held).toBeUndefined();

    // Held a while into the call: the board counts the hold from when it began, not from the call's start.
    await new Promise((r) => setTimeout(r, 1200));
    const heldAtMs = Date.now();
    await asha.client.request('call_held', { callId, held: true });
    await until(() => shown()?.held === true, 'the call marked on hold');
    const since = shown()!.heldSinceMs!;
    expect(since).toBeGreaterThanOrEqual(heldAtMs - 50);
    expect(since - shown()!.sinceMs).toBeGreaterThanOrEqual(1000);
    await asha.client.request('call_held', { callId, held: false });
    await until(() => shown() !== undefined && shown()?.held === undefined, 'the hold gone');
    expect(shown()?.heldSinceMs).toBeUndefined();

    // Only the agent who has the call says it is held.
    const ben = await connectTestAgent('ben', [relay.agentUrl]);
    desks.push(ben.client);
    await expect(ben.client.request('call_held', { callId, held: true })).rejects.toThrow();
  });
});
