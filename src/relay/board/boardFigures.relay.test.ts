import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import type { Report } from '../../shared/reportSchemas';
import { TeamQueues } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from '../testSecrets';
import { startTestTeamRelays, type TestTeamRelays } from '../testTeamRelays';
import { signInTestBoard } from './testBoard';

const SECRETS = RELAY_TEST_SECRETS;
const QUEUES = TeamQueues.parse({
  defaultQueue: 'floor',
  queues: [
    { id: 'floor', name: 'Floor', routing: 'ring_all', agents: { asha: 1, ben: 1, chen: 1 } },
    // Asha is the most skilled, so she rings first and alone.
    { id: 'first', name: 'First', ringSeconds: 5, payloads: ['first'], agents: { asha: 9, ben: 1 } },
    // Everyone at once, and a short ring: a ring nobody takes ends after 5 s and the call rings again.
    {
      id: 'ring-out',
      name: 'Ring out',
      routing: 'ring_all',
      ringSeconds: 5,
      payloads: ['ring-out'],
      agents: { asha: 1, ben: 1 },
    },
    // Asha alone, a long ring and a short wait: the queue turns the call away while it still rings at her.
    {
      id: 'impatient',
      name: 'Impatient',
      ringSeconds: 60,
      payloads: ['impatient'],
      agents: { asha: 1 },
      maxWait: { seconds: 30, action: 'reject' },
    },
    // Asha alone, a short ring: it runs out at her twice, rings her again, and the queue turns the call away.
    {
      id: 'rings-out-then-away',
      name: 'Rings out, then away',
      ringSeconds: 10,
      payloads: ['rings-out-then-away'],
      agents: { asha: 1 },
      maxWait: { seconds: 30, action: 'reject' },
    },
  ],
});
let team: TestTeamRelays;
let graph: GraphApiSim;
let relay: Relay | undefined;
let desks: Array<{ close(): void }> = [];
let testNo = 0;
/** How far the routing clock is ahead of real time. */
let skewMs = 0;

beforeAll(async () => {
  // No relay yet: each test starts its own, on a fresh database.
  team = await startTestTeamRelays({
    count: 0,
    queues: QUEUES,
    database: 'agent_figures_0',
    prefix: 'figures0',
    routingClock: () => Date.now() + skewMs,
  });
  ({ graph } = team);
}, 60_000);
afterAll(async () => {
  await team?.close();
});
afterEach(async () => {
  for (const d of desks) d.close();
  await team.stopRelays();
  desks = [];
  relay = undefined;
  skewMs = 0;
});

/** A relay with its own fresh database, and the desks of asha, ben and chen signed in (asha idle longest). */
async function startFloor() {
  testNo += 1;
  [relay] = (await team.startRelays({
    count: 1,
    database: `agent_figures_${testNo}`,
    prefix: `figures${testNo}`,
  })) as [Relay];
  const desk = async (id: string) => {
    const d = await connectTestAgent(id, [relay!.agentUrl]);
    desks.push(d.client);
    await pause(15);
    return d;
  };
  return { asha: await desk('asha'), ben: await desk('ben'), chen: await desk('chen') };
}
type Desk = Awaited<ReturnType<typeof startFloor>>['asha'];

const sql: TestTeamRelays['sql'] = (text, values) => team.sql(text, values);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(25);
  }
}
const rang = (desk: Desk, callId: string) => desk.events.some((e) => e.type === 'call_offered' && e.callId === callId);

let callNo = 0;
async function offerCall(customer: string, ctaPayload?: string): Promise<string> {
  callNo += 1;
  const callId = `wacid.figures${callNo}`;
  graph.offerCall(callId);
  const body = connectWebhook({
    callId,
    from: customer,
    phoneNumberId: SECRETS.phoneNumberId,
    sdpOffer: 'v=0\r\n',
    ctaPayload,
  });
  expect((await postSignedWebhook(relay!.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
  return callId;
}

async function answer(desk: Desk, callId: string): Promise<void> {
  await desk.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
  await desk.client.request('accept', { callId, sdp: TEST_ANSWER_SDP });
}

/** Meta says the call ended; resolves once its end and everything recorded before it are in PostgreSQL. */
async function ended(callId: string, customer: string, durationSec?: number): Promise<void> {
  const body = terminateWebhook({
    callId,
    from: customer,
    phoneNumberId: SECRETS.phoneNumberId,
    status: 'COMPLETED',
    durationSec,
  });
  await postSignedWebhook(relay!.webhookUrl, body, SECRETS.appSecret);
  await until(
    async () => (await sql('SELECT 1 FROM calls WHERE call_id = $1 AND ended_at IS NOT NULL', [callId])).length === 1,
    `${callId} ended in the records`,
  );
  await until(async () => (await relay!.records!.outbox.pending()) === 0, 'every record written');
}

/** The queue turns the call away: `desk` is told it ended, and its end is in the records. */
async function turnedAway(desk: Desk, callId: string, customer: string): Promise<void> {
  const told = () => desk.events.some((e) => e.type === 'call_terminated' && e.callId === callId);
  await until(told, 'the queue turns the call away');
  await ended(callId, customer);
}

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
async function report(): Promise<Report> {
  const reply = await fetch(`${team.httpOf(relay!)}/board/api/report?from=${today()}&to=${today()}`, {
    headers: { Authorization: `Bearer ${await issueSupervisorToken('sam', SECRETS.agentSecret)}` },
  });
  expect(reply.status).toBe(200);
  return (await reply.json()) as Report;
}
const agentLine = (r: Report, agent: string) => {
  const line = r.byAgent.find((a) => a.agent === agent);
  return line && { offered: line.offered, answered: line.answered, missed: line.missed, declined: line.declined };
};

describe('an agent’s figures count as missed only the rings that ended unanswered at them', () => {
  it('a call rung at three agents and answered by ben is nobody’s miss', async () => {
    const { asha, ben, chen } = await startFloor();
    const customer = '447700900901';
    const callId = await offerCall(customer);
    await until(() => [asha, ben, chen].every((d) => rang(d, callId)), 'the call rings at all three');
    await answer(ben, callId);
    await ben.client.request('terminate', { callId });
    await ended(callId, customer, 40);

    const r = await report();
    expect(agentLine(r, 'asha')).toEqual({ offered: 1, answered: 0, missed: 0, declined: 0 });
    expect(agentLine(r, 'chen')).toEqual({ offered: 1, answered: 0, missed: 0, declined: 0 });
    expect(agentLine(r, 'ben')).toEqual({ offered: 1, answered: 1, missed: 0, declined: 0 });
    expect(r.team).toMatchObject({ offered: 1, answered: 1, missed: 0, abandoned: 0 });
    const rings = await sql<{ agent_id: string; outcome: string }>(
      'SELECT agent_id, outcome FROM ring_outcomes WHERE call_id = $1 ORDER BY agent_id',
      [callId],
    );
    expect(rings.map((o) => [o.agent_id, o.outcome])).toEqual([
      ['asha', 'rescinded'],
      ['ben', 'accepted'],
      ['chen', 'rescinded'],
    ]);

    // The board shows the same lines live.
    const board = await signInTestBoard(relay!.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    const today = board.snapshot()!.today;
    expect(today.ok && today.byAgent.map((a) => [a.agent, a.offered, a.answered, a.missed, a.declined])).toEqual([
      ['asha', 1, 0, 0, 0],
      ['ben', 1, 1, 0, 0],
      ['chen', 1, 0, 0, 0],
    ]);
    board.ws.close();
  }, 30_000);

  it('a decline is counted apart from a miss, and a caller hanging up while it rings is nobody’s miss', async () => {
    const { asha, ben, chen } = await startFloor();
    const declinedCall = await offerCall('447700900902');
    await until(() => [asha, ben, chen].every((d) => rang(d, declinedCall)), 'the first call rings at all three');
    await chen.client.request('reject', { callId: declinedCall });
    await answer(asha, declinedCall);
    await asha.client.request('terminate', { callId: declinedCall });
    await ended(declinedCall, '447700900902', 20);
    await asha.wrapUp(declinedCall);

    const hungUp = await offerCall('447700900903');
    await until(() => [asha, ben, chen].every((d) => rang(d, hungUp)), 'the second call rings at all three');
    await ended(hungUp, '447700900903');

    const r = await report();
    expect(agentLine(r, 'chen')).toEqual({ offered: 2, answered: 0, missed: 0, declined: 1 });
    expect(agentLine(r, 'asha')).toEqual({ offered: 2, answered: 1, missed: 0, declined: 0 });
    expect(agentLine(r, 'ben')).toEqual({ offered: 2, answered: 0, missed: 0, declined: 0 });
    // The team's figures keep their meaning: the call that rang and ended unanswered is the team's miss.
    expect(r.team).toMatchObject({ offered: 2, answered: 1, missed: 1, abandoned: 0 });
  }, 30_000);

  it('a call that rings out at asha is her miss, and not ben’s, who answered it after her', async () => {
    const { asha, ben } = await startFloor();
    const customer = '447700900904';
    const callId = await offerCall(customer, 'first');
    await until(() => rang(asha, callId), 'the call rings at asha alone');
    expect(rang(ben, callId)).toBe(false);
    // Her ring time passes on the routing clock: the call moves on to ben.
    skewMs = 6000;
    await until(() => rang(ben, callId), 'the call moves on to ben');
    expect(asha.events.some((e) => e.type === 'call_passed_on' && e.callId === callId)).toBe(true);
    await answer(ben, callId);
    await ben.client.request('terminate', { callId });
    await ended(callId, customer, 30);

    const rings = await sql<{ agent_id: string; outcome: string }>(
      'SELECT agent_id, outcome FROM ring_outcomes WHERE call_id = $1 ORDER BY agent_id',
      [callId],
    );
    expect(rings.map((o) => [o.agent_id, o.outcome])).toEqual([
      ['asha', 'timed_out'],
      ['ben', 'accepted'],
    ]);
    const r = await report();
    expect(agentLine(r, 'asha')).toEqual({ offered: 1, answered: 0, missed: 1, declined: 0 });
    expect(agentLine(r, 'ben')).toEqual({ offered: 1, answered: 1, missed: 0, declined: 0 });
    expect(r.byQueue).toEqual([expect.objectContaining({ queue: 'first', offered: 1, answered: 1, missed: 0 })]);
  }, 30_000);

  it('a call ringing at everyone that nobody takes in the ring time is each one’s miss, not a decline; it rings again and is answered', async () => {
    const { asha, ben } = await startFloor();
    const customer = '447700900907';
    const callId = await offerCall(customer, 'ring-out');
    const rings = (desk: Desk) => desk.events.filter((e) => e.type === 'call_offered' && e.callId === callId).length;
    const passedOn = (desk: Desk) => desk.events.some((e) => e.type === 'call_passed_on' && e.callId === callId);
    await until(() => rang(asha, callId) && rang(ben, callId), 'the call rings at asha and ben');
    await until(() => passedOn(asha) && passedOn(ben), 'both rings ran out', 9000);
    await until(() => rings(ben) === 2, 'the call rings at ben again');
    await answer(ben, callId);
    await ben.client.request('terminate', { callId });
    await ended(callId, customer, 20);

    const outcomes = await sql<{ agent_id: string; outcome: string }>(
      'SELECT agent_id, outcome FROM ring_outcomes WHERE call_id = $1 ORDER BY agent_id',
      [callId],
    );
    expect(outcomes.map((o) => [o.agent_id, o.outcome])).toEqual([
      ['asha', 'timed_out'],
      ['ben', 'accepted'],
    ]);
    const r = await report();
    expect(agentLine(r, 'asha')).toEqual({ offered: 1, answered: 0, missed: 1, declined: 0 });
    expect(agentLine(r, 'ben')).toEqual({ offered: 1, answered: 1, missed: 0, declined: 0 });
  }, 30_000);

  it('a ring withdrawn because the agent went away while it rang is recorded as rescinded', async () => {
    const { asha, ben, chen } = await startFloor();
    const customer = '447700900906';
    const callId = await offerCall(customer);
    await until(() => [asha, ben, chen].every((d) => rang(d, callId)), 'the call rings at all three');
    asha.client.setStatus('away');
    await until(
      async () => (await sql('SELECT 1 FROM ring_outcomes WHERE call_id = $1', [callId])).length === 1,
      'asha’s ring withdrawn',
    );
    await answer(chen, callId);
    await chen.client.request('terminate', { callId });
    await ended(callId, customer, 15);
    const rings = await sql<{ agent_id: string; outcome: string }>(
      'SELECT agent_id, outcome FROM ring_outcomes WHERE call_id = $1 ORDER BY agent_id',
      [callId],
    );
    expect(rings.map((o) => [o.agent_id, o.outcome])).toEqual([
      ['asha', 'rescinded'],
      ['ben', 'rescinded'],
      ['chen', 'accepted'],
    ]);
    expect(agentLine(await report(), 'asha')).toEqual({ offered: 1, answered: 0, missed: 0, declined: 0 });
  }, 30_000);

  it('a call the queue turns away while it rings at asha is not her miss: the queue ended her ring, not her', async () => {
    const { asha } = await startFloor();
    const customer = '447700900908';
    const callId = await offerCall(customer, 'impatient');
    await until(() => rang(asha, callId), 'the call rings at asha');
    // The caller's wait passes on the routing clock, half-way through her ring.
    skewMs = 31_000;
    await turnedAway(asha, callId, customer);
    const r = await report();
    expect(agentLine(r, 'asha')).toEqual({ offered: 1, answered: 0, missed: 0, declined: 0 });
    expect(r.byQueue).toEqual([
      expect.objectContaining({ queue: 'impatient', offered: 1, missed: 0, abandoned: 0, waitedTooLong: 1 }),
    ]);
    // The live board says the same.
    const board = await signInTestBoard(relay!.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    await until(() => board.snapshot()?.today.ok === true, 'today’s figures on the board');
    const today = board.snapshot()!.today;
    expect(today.ok && today.byAgent.find((a) => a.agent === 'asha')).toMatchObject({ offered: 1, missed: 0 });
  }, 30_000);

  it('a call whose ring ran out at asha before the queue turned it away is her miss, once however often it rang out', async () => {
    const { asha } = await startFloor();
    const customer = '447700900909';
    const callId = await offerCall(customer, 'rings-out-then-away');
    const rings = () => asha.events.filter((e) => e.type === 'call_offered' && e.callId === callId).length;
    await until(() => rings() === 1, 'the call rings at asha');
    skewMs = 11_000;
    await until(() => rings() === 2, 'her ring ran out; it rings her again');
    // Everyone free had a turn: it rings her as it rings everyone, and that ring's age is real time (the team model's).
    await until(() => rings() === 3, 'her ring ran out again; it rings her again', 13_000);
    skewMs = 31_000;
    await turnedAway(asha, callId, customer);
    const r = await report();
    expect(agentLine(r, 'asha')).toEqual({ offered: 1, answered: 0, missed: 1, declined: 0 });
    expect(r.byQueue).toEqual([
      expect.objectContaining({ queue: 'rings-out-then-away', offered: 1, missed: 0, waitedTooLong: 1 }),
    ]);
  }, 30_000);

  it('rings recorded before their outcome was kept are counted as before: unanswered by the agent once ended', async () => {
    await startFloor();
    const offeredAt = new Date();
    const endedAt = new Date(offeredAt.getTime() + 30_000);
    await sql(
      `INSERT INTO calls (call_id, direction, customer, queue, offered_at, answered_at, answered_by, ended_at)
       VALUES ('wacid.old', 'inbound', '447700900905', 'floor', $1, $1, 'ben', $2)`,
      [offeredAt, endedAt],
    );
    await sql(
      `INSERT INTO call_offers (call_id, agent_id, offered_at) VALUES ('wacid.old', 'asha', $1), ('wacid.old', 'ben', $1)`,
      [offeredAt],
    );
    const r = await report();
    expect(agentLine(r, 'asha')).toEqual({ offered: 1, answered: 0, missed: 1, declined: 0 });
    expect(agentLine(r, 'ben')).toEqual({ offered: 1, answered: 1, missed: 0, declined: 0 });
  }, 30_000);
});
