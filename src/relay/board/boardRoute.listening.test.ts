import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import type { TeamQueuesInput } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import { createTonePeer } from '../media/testTonePeer';
import type { Relay } from '../relayServer';
import { createRevocations } from '../revocations';
import { connectTestAgent } from '../testAgent';
import type { TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { answerAnchoredCall } from './testAnchoredCall';
import { closedWithin, signInTestBoard, type TestBoard } from './testBoard';
import { deploymentKeyPrefix } from '../relayKeys';

const SECRETS = RELAY_TEST_SECRETS;
const QUEUES: TeamQueuesInput = {
  defaultQueue: 'support',
  queues: [
    { id: 'sales', name: 'Sales', media: 'anchored', payloads: ['sales'], agents: '*' },
    { id: 'support', name: 'Support', media: 'anchored', agents: '*' },
  ],
};
let redis: TestRedis;
let graph: GraphApiSim;
let testbed: AnchoredRelayTestbed;
let relay: Relay;
let call: Awaited<ReturnType<typeof answerAnchoredCall>> | undefined;
let desk: Awaited<ReturnType<typeof connectTestAgent>>;
const CALL = 'wacid.board.support';

beforeAll(async () => {
  testbed = await startAnchoredRelay('board-listen', QUEUES);
  ({ redis, graph, relay } = testbed);
  desk = await connectTestAgent('asha', [relay.agentUrl]);
  call = await answerAnchoredCall({ relay, graph, desk, callId: CALL, from: '447700900710' });
}, 60_000);
afterAll(async () => {
  call?.close();
  desk?.client.close();
  await testbed?.stop();
});

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const has = (board: TestBoard, type: string) => board.messages.some((m) => m.type === type);

describe('supervisor listening on an anchored call', () => {
  it('a supervisor limited to sales does not see a support call and is refused listening to it', async () => {
    const sally = await issueSupervisorToken('sally', SECRETS.agentSecret, { queues: ['sales'] });
    const board = await signInTestBoard(relay.agentUrl, sally);
    expect(board.snapshot()!.inProgress).toEqual([]);
    board.ws.send(JSON.stringify({ type: 'listen', callId: CALL }));
    await until(() => has(board, 'listen_ended'), 'listening refused');
    expect(board.messages.find((m) => m.type === 'listen_ended')).toEqual({
      type: 'listen_ended',
      callId: CALL,
      reason: 'That call is in a queue outside your board, so you cannot listen to it.',
    });
    expect(has(board, 'listen_offer')).toBe(false);
    board.ws.close();
  });

  it('after revoke, the supervisor’s barge and a new listen are refused at once and their boards close', async () => {
    const sam = await issueSupervisorToken('sam', SECRETS.agentSecret);
    const listening = await signInTestBoard(relay.agentUrl, sam);
    const other = await signInTestBoard(relay.agentUrl, sam);
    expect(listening.snapshot()!.inProgress).toEqual([expect.objectContaining({ callId: CALL, listenable: true })]);
    const supervisorPeer = createTonePeer(1100);
    try {
      listening.ws.send(JSON.stringify({ type: 'listen', callId: CALL }));
      await until(() => has(listening, 'listen_offer'), 'listening offer', 10_000);
      const offer = listening.messages.find((m) => m.type === 'listen_offer');
      const sdp = await supervisorPeer.answer(offer?.type === 'listen_offer' ? offer.sdp : '');
      listening.ws.send(JSON.stringify({ type: 'listen_answer', callId: CALL, sdp }));
      await until(() => has(listening, 'listening'), 'listening line up', 10_000);

      const redisClient = new Redis(redis.url);
      await createRevocations(redisClient, deploymentKeyPrefix('board-listen')).revoke('sam');
      redisClient.disconnect();
      const revokedAt = Date.now();
      listening.ws.send(JSON.stringify({ type: 'barge', callId: CALL }));
      other.ws.send(JSON.stringify({ type: 'listen', callId: CALL }));

      const closes = await Promise.all([listening, other].map((board) => closedWithin(board.closed, 8000)));
      expect(listening.messages, 'the barge went through').not.toContainEqual({
        type: 'listening',
        callId: CALL,
        heard: true,
      });
      expect(has(other, 'listen_offer'), 'the new listen went through').toBe(false);
      for (const closed of closes) {
        expect(closed?.code, 'the board stayed open after revoke').toBe(4001);
        expect(closed!.atMs - revokedAt).toBeLessThan(5000);
      }
      // Nobody on the call was told a supervisor is heard on it.
      await new Promise((r) => setTimeout(r, 500));
      expect(desk.events.some((e) => e.type === 'supervisor_on_call' && e.supervisor === 'sam')).toBe(false);
    } finally {
      supervisorPeer.close();
    }
  }, 30_000);
});
