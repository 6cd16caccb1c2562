import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSupervisorToken } from '../agentTokens';
import { mediaHostAddress } from '../media/testJanus';
import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { createTonePeer } from '../media/testTonePeer';
import { connectTestAgent } from '../testAgent';
import { startTestCoturn, type TestCoturn } from '../testCoturn';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { answerAnchoredCall } from './testAnchoredCall';
import { signInTestBoard } from './testBoard';

let coturn: TestCoturn;
let testbed: AnchoredRelayTestbed;
let desk: Awaited<ReturnType<typeof connectTestAgent>>;

beforeAll(async () => {
  // Janus gathers no loopback candidates: coturn relays from the machine's own address, where Janus can answer.
  coturn = await startTestCoturn({ relayIp: mediaHostAddress() });
  testbed = await startAnchoredRelay(
    'board-turn',
    { defaultQueue: 'support', queues: [{ id: 'support', name: 'Support', media: 'anchored', agents: '*' }] },
    { turn: { urls: [coturn.urls.tcp], secret: coturn.secret, lifetimeSeconds: 3600 } },
  );
  desk = await connectTestAgent('asha', [testbed.relay.agentUrl]);
}, 60_000);
afterAll(async () => {
  desk?.client.close();
  await testbed?.stop();
  await coturn?.stop();
});

describe('a supervisor’s board behind a firewall that lets no UDP out', () => {
  it('gets TURN credentials of its own with the listening line and hears the call through coturn', async () => {
    const call = await answerAnchoredCall({ ...testbed, desk, callId: 'wacid.board.turn', from: '447700900730' });
    const board = await signInTestBoard(
      testbed.relay.agentUrl,
      await issueSupervisorToken('sam', RELAY_TEST_SECRETS.agentSecret),
    );
    let supervisor: ReturnType<typeof createTonePeer> | undefined;
    try {
      board.ws.send(JSON.stringify({ type: 'listen', callId: 'wacid.board.turn' }));
      await expect.poll(() => board.messages.some((m) => m.type === 'listen_offer'), { timeout: 10_000 }).toBe(true);
      const offer = board.messages.find((m) => m.type === 'listen_offer');
      if (offer?.type !== 'listen_offer') throw new Error('no listening offer');
      expect(offer.iceServers).toEqual([
        { urls: [coturn.urls.tcp], username: expect.stringMatching(/^\d+:sam$/), credential: expect.any(String) },
      ]);
      // The page's line, relay candidates only: every packet between it and Janus goes through coturn over TCP.
      supervisor = createTonePeer(1100, { iceServers: offer.iceServers, iceTransportPolicy: 'relay' });
      const sdp = await supervisor.answer(offer.sdp);
      expect(sdp).toMatch(/ typ relay /);
      expect(sdp).not.toMatch(/ typ host /);
      board.ws.send(JSON.stringify({ type: 'listen_answer', callId: 'wacid.board.turn', sdp }));
      await expect.poll(() => supervisor!.heard(440), { timeout: 15_000 }).toBeGreaterThan(0.02);
      expect(coturn.log()).toMatch(/user <\d+:sam>: incoming packet ALLOCATE processed, success/);
    } finally {
      supervisor?.close();
      board.ws.close();
      call.close();
    }
  });
});
