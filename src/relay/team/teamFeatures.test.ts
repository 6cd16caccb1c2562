import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import { issueSupervisorToken } from '../agentTokens';
import { answerAnchoredCall } from '../board/testAnchoredCall';
import { signInTestBoard, type TestBoard } from '../board/testBoard';
import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { createTonePeer } from '../media/testTonePeer';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startRelayProcess } from '../testRelayProcess';
import { TeamQueues } from '../../shared/teamQueues';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { RELAY_TEST_SECRETS as SECRETS } from '../testSecrets';
import type { TeamQueuesInput } from '../../shared/teamQueues';

/** Features meeting on one floor: a conference, the agent who leaves it, the board, and the next call's routing. */
const QUEUES: TeamQueuesInput = {
  defaultQueue: 'support',
  repeatCallerMinutes: 0,
  queues: [{ id: 'support', name: 'Support', routing: 'ring_all', media: 'anchored', agents: '*' }],
};

/** A colleague's transfer or conference ring, shortened so the test can wait it out. */
const COLLEAGUE_RING_SECONDS = 5;
let testbed: AnchoredRelayTestbed;
let graph: GraphApiSim;
let relay: Relay;
let board: TestBoard;
let postgres: TestPostgres;
const desks: Array<Awaited<ReturnType<typeof connectTestAgent>>> = [];
const cleanup: Array<() => void> = [];

beforeAll(async () => {
  postgres = await startTestPostgres();
  testbed = await startAnchoredRelay('features', QUEUES, {
    databaseUrl: postgres.url,
    colleagueRingSeconds: COLLEAGUE_RING_SECONDS,
  });
  ({ graph, relay } = testbed);
  for (const id of ['asha', 'ben', 'chen']) desks.push(await connectTestAgent(id, [relay.agentUrl]));
  board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
}, 60_000);

afterAll(async () => {
  board?.ws.close();
  for (const done of cleanup) done();
  for (const desk of desks) desk.client.close();
  await testbed?.stop();
  await postgres?.stop();
});

describe('features that meet on the floor', () => {
  it('after a conference the colleague who stays holds the call: on call for everyone, never rung for the next one', async () => {
    const [asha, ben, chen] = desks as [(typeof desks)[0], (typeof desks)[0], (typeof desks)[0]];
    const first = await answerAnchoredCall({ relay, graph, desk: asha, callId: 'wacid.feat.1', from: '447700900801' });
    cleanup.push(() => first.close());

    // Asha adds Ben; Ben answers his leg; Asha leaves the two of them together.
    await asha.client.request('invite', { callId: 'wacid.feat.1', to: 'ben' });
    await expect.poll(() => ben.events.some((e) => e.type === 'call_offered' && e.invitedBy === 'asha')).toBe(true);
    const invite = ben.events.find((e) => e.type === 'call_offered' && e.invitedBy === 'asha');
    const benPeer = createTonePeer(700);
    cleanup.push(() => benPeer.close());
    const benAnswer = await benPeer.answer(invite?.type === 'call_offered' ? invite.sdpOffer : '');
    await ben.client.request('pre_accept', { callId: 'wacid.feat.1', sdp: benAnswer });
    await ben.client.request('accept', { callId: 'wacid.feat.1', sdp: benAnswer });
    await asha.client.request('terminate', { callId: 'wacid.feat.1' });
    // Asha spoke to the customer: her wrap-up of the call Ben carries on is taken.
    await asha.client.request('wrap_up', { callId: 'wacid.feat.1', outcome: 'Resolved', notes: 'handed to Ben' });

    // The desks and the board say the same: Ben on the call and holding it, Asha free.
    await expect.poll(() => ben.state()?.state).toBe('on_call');
    await expect.poll(() => asha.state()?.state).toBe('available');
    const row = () => board.snapshot()?.inProgress.find((c) => c.callId === 'wacid.feat.1');
    await expect.poll(() => row()?.agent, { timeout: 5000 }).toBe('ben');
    const stateOnBoard = (id: string) => board.snapshot()?.agents.find((a) => a.id === id)?.state;
    await expect
      .poll(() => [stateOnBoard('asha'), stateOnBoard('ben')], { timeout: 5000 })
      .toEqual(['available', 'on_call']);

    // The next call rings Asha and Chen, never Ben, who is talking.
    graph.offerCall('wacid.feat.2');
    const body = connectWebhook({
      callId: 'wacid.feat.2',
      from: '447700900802',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: first.caller.offerSdp,
    });
    expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
    const rungFor = (desk: (typeof desks)[0]) =>
      desk.events.some((e) => e.type === 'call_offered' && e.callId === 'wacid.feat.2');
    await expect.poll(() => rungFor(asha) && rungFor(chen)).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(rungFor(ben)).toBe(false);
    await expect(ben.client.request('pre_accept', { callId: 'wacid.feat.2', sdp: benAnswer })).rejects.toThrow(
      /not offered to you/,
    );

    // The first call ends: a supervisor asking to listen is told it is over (not that its audio is direct).
    await postSignedWebhook(
      relay.webhookUrl,
      terminateWebhook({
        callId: 'wacid.feat.1',
        from: '447700900801',
        phoneNumberId: SECRETS.phoneNumberId,
        status: 'COMPLETED',
      }),
      SECRETS.appSecret,
    );
    // Ben answered it, so he is in after-call work until he writes it up; the board says so too.
    await expect.poll(() => ben.state()?.state).toBe('after_call_work');
    await expect.poll(() => stateOnBoard('ben'), { timeout: 5000 }).toBe('after_call_work');
    await ben.wrapUp('wacid.feat.1');
    await expect.poll(() => ben.state()?.state).toBe('available');
    board.ws.send(JSON.stringify({ type: 'listen', callId: 'wacid.feat.1' }));
    await expect
      .poll(() => board.messages.find((m) => m.type === 'listen_ended' && m.callId === 'wacid.feat.1'))
      .toMatchObject({ reason: 'That call is not in progress any more.' });

    // The supervisor's list of each agent's calls has the call under both: Asha answered it, Ben joined her (he was
    // rung for it first, so it was listed under him before, as not answered).
    const callsOf = async (agentId: string) => {
      const before = board.messages.length;
      board.ws.send(JSON.stringify({ type: 'agent_calls', agentId }));
      await expect
        .poll(() => board.messages.slice(before).some((m) => m.type === 'agent_calls' && m.agentId === agentId))
        .toBe(true);
      const reply = board.messages.slice(before).find((m) => m.type === 'agent_calls' && m.agentId === agentId);
      return reply?.type === 'agent_calls' ? reply.calls.find((c) => c.callId === 'wacid.feat.1') : undefined;
    };
    // Records reach PostgreSQL through Redis within a second or so.
    await expect
      .poll(() => callsOf('ben'), { timeout: 10_000 })
      .toMatchObject({ answered: true, joined: 'conference' });
    const ashas = await callsOf('asha');
    expect(ashas).toMatchObject({ answered: true });
    expect(ashas?.joined).toBeUndefined();
    // Chen was rung for it with the others and never on it.
    expect(await callsOf('chen')).toMatchObject({ answered: false });
  }, 60_000);

  it('a colleague brought into a call is not counted as offered it, nor as missing it, on the board', async () => {
    const [asha, , chen] = desks as [(typeof desks)[0], (typeof desks)[0], (typeof desks)[0]];
    const onBoard = (id: string) => board.snapshot()?.agents.find((a) => a.id === id)?.state;
    // The last test's second call hangs up unanswered, so nobody is still ringing for it.
    await postSignedWebhook(
      relay.webhookUrl,
      terminateWebhook({
        callId: 'wacid.feat.2',
        from: '447700900802',
        phoneNumberId: SECRETS.phoneNumberId,
        status: 'COMPLETED',
      }),
      SECRETS.appSecret,
    );
    await expect.poll(() => [onBoard('asha'), onBoard('ben')], { timeout: 5000 }).toEqual(['available', 'available']);
    // Chen is on a break while the call rings, so it rings Asha and Ben only.
    chen.client.setStatus('away');
    await expect.poll(() => onBoard('chen'), { timeout: 5000 }).toBe('not_ready');
    const call = await answerAnchoredCall({ relay, graph, desk: asha, callId: 'wacid.feat.3', from: '447700900803' });
    cleanup.push(() => call.close());
    chen.client.setStatus('available');
    await expect.poll(() => onBoard('chen'), { timeout: 5000 }).toBe('available');

    // Asha adds Chen, who answers his leg; Asha leaves; the customer hangs up with Chen.
    await asha.client.request('invite', { callId: 'wacid.feat.3', to: 'chen' });
    await expect.poll(() => chen.events.some((e) => e.type === 'call_offered' && e.invitedBy === 'asha')).toBe(true);
    const invite = chen.events.find((e) => e.type === 'call_offered' && e.invitedBy === 'asha');
    const chenPeer = createTonePeer(800);
    cleanup.push(() => chenPeer.close());
    const chenAnswer = await chenPeer.answer(invite?.type === 'call_offered' ? invite.sdpOffer : '');
    await chen.client.request('pre_accept', { callId: 'wacid.feat.3', sdp: chenAnswer });
    await chen.client.request('accept', { callId: 'wacid.feat.3', sdp: chenAnswer });
    await asha.client.request('terminate', { callId: 'wacid.feat.3' });
    await asha.wrapUp('wacid.feat.3');
    await postSignedWebhook(
      relay.webhookUrl,
      terminateWebhook({
        callId: 'wacid.feat.3',
        from: '447700900803',
        phoneNumberId: SECRETS.phoneNumberId,
        status: 'COMPLETED',
      }),
      SECRETS.appSecret,
    );
    await chen.wrapUp('wacid.feat.3');

    // The customer's call rang at Asha and Ben; Chen joined it: it was not offered to him, and nobody missed it.
    const db = new pg.Client({ connectionString: postgres.url });
    await db.connect();
    try {
      const ended = async () =>
        (await db.query('SELECT 1 FROM calls WHERE call_id = $1 AND ended_at IS NOT NULL', ['wacid.feat.3'])).rowCount;
      await expect.poll(ended, { timeout: 10_000 }).toBe(1);
      const offers = await db.query<{ agent_id: string }>(
        'SELECT agent_id FROM call_offers WHERE call_id = $1 ORDER BY agent_id',
        ['wacid.feat.3'],
      );
      expect(offers.rows.map((r) => r.agent_id)).toEqual(['asha', 'ben']);
    } finally {
      await db.end();
    }
    const line = (id: string) => {
      const today = board.snapshot()?.today;
      const found = today?.ok ? today.byAgent.find((a) => a.agent === id) : undefined;
      return found && { offered: found.offered, answered: found.answered, missed: found.missed };
    };
    await expect.poll(() => line('chen'), { timeout: 5000 }).toEqual({ offered: 2, answered: 0, missed: 0 });
    expect(line('ben')?.missed).toBe(0);
  }, 60_000);

  it('a colleague who lets a conference invite ring out is free again, and the agent is told, still on the call', async () => {
    const [asha, ben] = desks as [(typeof desks)[0], (typeof desks)[0]];
    const call = await answerAnchoredCall({ relay, graph, desk: asha, callId: 'wacid.feat.4', from: '447700900804' });
    cleanup.push(() => call.close());
    await asha.client.request('invite', { callId: 'wacid.feat.4', to: 'ben' });
    await expect.poll(() => ben.state()?.state).toBe('reserved');
    const startedMs = Date.now();
    await expect
      .poll(() => asha.events.find((e) => e.type === 'transfer_declined' && e.callId === 'wacid.feat.4'), {
        timeout: (COLLEAGUE_RING_SECONDS + 5) * 1000,
      })
      .toMatchObject({ to: 'ben' });
    expect(Date.now() - startedMs).toBeGreaterThan((COLLEAGUE_RING_SECONDS - 1) * 1000);
    await expect
      .poll(() => ben.events.some((e) => e.type === 'call_passed_on' && e.callId === 'wacid.feat.4'))
      .toBe(true);
    await expect.poll(() => ben.state()?.state).toBe('available');
    expect(asha.state()?.state).toBe('on_call');
    // Too late: the ring is over, so Ben cannot join now, and is told so.
    await expect(
      ben.client.request('pre_accept', { callId: 'wacid.feat.4', sdp: call.caller.offerSdp }),
    ).rejects.toThrow('The invitation to this call is over');
    await asha.client.request('terminate', { callId: 'wacid.feat.4' });
    await asha.wrapUp('wacid.feat.4');
  }, 60_000);

  it('a colleague’s ring runs out even when the relay instance that sent the invitation dies during it', async () => {
    const [, ben] = desks as [(typeof desks)[0], (typeof desks)[0]];
    // The instance that sends the invitation, in its own process so it can really be killed.
    const sender = await startRelayProcess({
      ...SECRETS,
      redisUrl: testbed.redis.url,
      graphBaseUrl: graph.baseUrl,
      prefix: 'features',
      queues: TeamQueues.parse(QUEUES),
      janusUrls: [testbed.janus.url],
      janusAccess: testbed.janus.access,
      colleagueRingSeconds: COLLEAGUE_RING_SECONDS,
    });
    const dana = await connectTestAgent('dana', [sender.agentUrl, relay.agentUrl]);
    try {
      const callId = 'wacid.feat.instance-death';
      const viaSender = { ...relay, webhookUrl: sender.webhookUrl };
      const call = await answerAnchoredCall({ relay: viaSender, graph, desk: dana, callId, from: '447700900805' });
      cleanup.push(() => call.close());
      await expect.poll(() => ben.state()?.state).toBe('available');
      await dana.client.request('invite', { callId, to: 'ben' });
      await expect.poll(() => ben.state()?.state).toBe('reserved');
      await sender.kill();

      // Another instance ends Ben's ring when its time is up; Dana, back on that instance, is told.
      await expect
        .poll(() => ben.events.some((e) => e.type === 'call_passed_on' && e.callId === callId), {
          timeout: (COLLEAGUE_RING_SECONDS + 10) * 1000,
        })
        .toBe(true);
      await expect.poll(() => ben.state()?.state).toBe('available');
      await expect
        .poll(() => dana.events.some((e) => e.type === 'transfer_declined' && e.callId === callId), {
          timeout: 10_000,
        })
        .toBe(true);
      await expect.poll(() => relay.connectedAgents().includes('dana'), { timeout: 10_000 }).toBe(true);
      await dana.client.request('terminate', { callId });
      await dana.wrapUp(callId);
    } finally {
      await sender.kill();
      dana.client.close();
    }
  }, 90_000);
});
