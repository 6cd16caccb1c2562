import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSupervisorToken } from '../agentTokens';
import { answerAnchoredCall } from '../board/testAnchoredCall';
import { signInTestBoard } from '../board/testBoard';
import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { createTonePeer } from '../media/testTonePeer';
import { connectTestAgent } from '../testAgent';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { RELAY_TEST_SECRETS } from '../testSecrets';

const CALL = 'wacid.audit.listen';
let postgres: TestPostgres;
let testbed: AnchoredRelayTestbed;
let desk: Awaited<ReturnType<typeof connectTestAgent>>;
let call: Awaited<ReturnType<typeof answerAnchoredCall>> | undefined;

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
async function auditRows() {
  const client = new pg.Client(postgres.url);
  await client.connect();
  try {
    const { rows } = await client.query<{
      actor: string;
      role: string;
      action: string;
      target: string;
      source: string;
    }>("SELECT actor, role, action, target, source FROM audit_log WHERE action IN ('listen', 'barge') ORDER BY id");
    return rows;
  } catch {
    return [];
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  postgres = await startTestPostgres();
  testbed = await startAnchoredRelay(
    'audit-listen',
    { defaultQueue: 'support', queues: [{ id: 'support', name: 'Support', media: 'anchored', agents: '*' }] },
    { databaseUrl: postgres.url },
  );
  desk = await connectTestAgent('asha', [testbed.relay.agentUrl]);
  call = await answerAnchoredCall({
    relay: testbed.relay,
    graph: testbed.graph,
    desk,
    callId: CALL,
    from: '447700900711',
  });
}, 60_000);
afterAll(async () => {
  call?.close();
  desk?.client.close();
  await testbed?.stop();
  await postgres?.stop();
});

describe('the audit trail of listening in', () => {
  it('records a supervisor listening to a call and barging in, with the call and where they were', async () => {
    const board = await signInTestBoard(
      testbed.relay.agentUrl,
      await issueSupervisorToken('sam', RELAY_TEST_SECRETS.agentSecret),
    );
    const peer = createTonePeer(1100);
    try {
      board.ws.send(JSON.stringify({ type: 'listen', callId: CALL }));
      await until(() => board.messages.some((m) => m.type === 'listen_offer'), 'listening offer');
      const offer = board.messages.find((m) => m.type === 'listen_offer');
      const sdp = await peer.answer(offer?.type === 'listen_offer' ? offer.sdp : '');
      board.ws.send(JSON.stringify({ type: 'listen_answer', callId: CALL, sdp }));
      await until(() => board.messages.some((m) => m.type === 'listening'), 'listening line up');
      board.ws.send(JSON.stringify({ type: 'barge', callId: CALL }));
      await until(() => board.messages.some((m) => m.type === 'listening' && m.heard), 'barged in');
      await until(async () => (await auditRows()).length === 2, 'listen and barge in the audit trail');
      expect(await auditRows()).toEqual([
        { actor: 'sam', role: 'supervisor', action: 'listen', target: CALL, source: '127.0.0.1' },
        { actor: 'sam', role: 'supervisor', action: 'barge', target: CALL, source: '127.0.0.1' },
      ]);
    } finally {
      peer.close();
      board.ws.close();
    }
  }, 40_000);
});
