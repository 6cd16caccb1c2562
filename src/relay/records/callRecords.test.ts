import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import { TeamQueues } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { startRelay, type Relay } from '../relayServer';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from '../testSecrets';
import { MIGRATIONS } from './migrations';
import { createRecordsDb } from './recordsDb';
import type { RingOutcome } from '../../shared/callRecords';
import { connectTestAgent } from '../testAgent';
import { issueSupervisorToken } from '../agentTokens';

const SECRETS = RELAY_TEST_SECRETS;
let redis: TestRedis;
let postgres: TestPostgres;
let graph: GraphApiSim;
let relays: Relay[] = [];
let clients: Array<{ close(): void }> = [];
let testNo = 0;
let database = '';

beforeAll(async () => {
  [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
}, 60_000);
afterAll(async () => {
  await graph.close();
  await redis.stop();
  await postgres.stop();
});
afterEach(async () => {
  for (const c of clients) c.close();
  for (const r of relays) await r.close();
  clients = [];
  relays = [];
});

/** A fresh database per test, on the one cluster. */
async function freshDatabase(): Promise<string> {
  testNo += 1;
  database = `records_${testNo}`;
  const admin = new pg.Client(postgres.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  return postgres.url.replace(/\/postgres$/, `/${database}`);
}

async function sql<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
  const client = new pg.Client(postgres.url.replace(/\/postgres$/, `/${database}`));
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

async function startRelays(count: number, databaseUrl: string, serviceLevelSec?: number): Promise<Relay[]> {
  const started: Relay[] = [];
  for (let i = 0; i < count; i += 1)
    started.push(
      await startRelay({
        ...SECRETS,
        redisUrl: redis.url,
        graphBaseUrl: graph.baseUrl,
        logger: createMemoryLogger(),
        prefix: `rec${testNo}`,
        databaseUrl,
        serviceLevelSec,
        queues: TeamQueues.parse({
          defaultQueue: 'support',
          queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: '*' }],
        }),
      }),
    );
  relays.push(...started);
  return started;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, ms = 6000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await pause(25);
  }
}

async function agent(id: string, url: string) {
  const desk = await connectTestAgent(id, [url]);
  clients.push(desk.client);
  return desk;
}

let callNo = 0;
/** Meta's connect for a new call, stamped `timestampSec` (now, if not given); resolves once the relay took it. */
async function connect(relay: Relay, customer: string, timestampSec?: number): Promise<string> {
  callNo += 1;
  const callId = `wacid.rec${callNo}`;
  graph.offerCall(callId);
  const body = connectWebhook({
    callId,
    from: customer,
    phoneNumberId: SECRETS.phoneNumberId,
    sdpOffer: 'v=0\r\n',
    timestampSec,
  });
  expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
  return callId;
}

async function answeredCall(
  relay: Relay,
  ana: Awaited<ReturnType<typeof agent>>,
  customer: string,
  seconds: number,
  timestampSec?: number,
) {
  const callId = await connect(relay, customer, timestampSec);
  const base = { callId, from: customer, phoneNumberId: SECRETS.phoneNumberId };
  await until(() => ana.events.some((e) => e.type === 'call_offered' && e.callId === callId));
  await ana.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
  await ana.client.request('accept', { callId, sdp: TEST_ANSWER_SDP });
  await ana.client.request('terminate', { callId });
  await postSignedWebhook(
    relay.webhookUrl,
    terminateWebhook({ ...base, status: 'COMPLETED', durationSec: seconds }),
    SECRETS.appSecret,
  );
  await ana.client.request('wrap_up', { callId, outcome: 'Resolved', notes: `call ${callNo}` });
  return callId;
}

describe('call records in PostgreSQL', () => {
  it('migrations run once at start, even with two instances starting together', async () => {
    const url = await freshDatabase();
    await startRelays(2, url);
    const versions = await sql<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(versions.map((v) => v.version)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('an answered call is kept with its queue, who rang, who answered, billed time and the wrap-up', async () => {
    const url = await freshDatabase();
    const [a] = await startRelays(1, url);
    const ana = await agent('ana', a!.agentUrl);
    const ben = await agent('ben', a!.agentUrl);
    const callId = await answeredCall(a!, ana, '447700900501', 42);
    await until(
      async () => (await sql('SELECT 1 FROM calls WHERE call_id = $1 AND notes IS NOT NULL', [callId])).length === 1,
    );
    const [row] = await sql('SELECT * FROM calls WHERE call_id = $1', [callId]);
    expect(row).toMatchObject({
      direction: 'inbound',
      customer: '447700900501',
      queue: 'support',
      answered_by: 'ana',
      end_status: 'COMPLETED',
      billed_seconds: 42,
      outcome: 'Resolved',
      notes: `call ${callNo}`,
      wrap_up_by: 'ana',
    });
    expect(row!.answered_at).toBeInstanceOf(Date);
    const offers = await sql<{ agent_id: string }>('SELECT agent_id FROM call_offers WHERE call_id = $1 ORDER BY 1', [
      callId,
    ]);
    expect(offers.map((o) => o.agent_id)).toEqual(['ana', 'ben']);
    // A colleague cannot write the wrap-up of a call they did not take.
    await expect(ben.client.request('wrap_up', { callId, outcome: 'x', notes: 'y' })).rejects.toThrow('not yours');
    // Desks read the team's history of the customer from these records, for a call of theirs with that customer.
    const { calls } = await ben.client.request('customer_calls', { customer: '447700900501', callId });
    expect(calls).toEqual([expect.objectContaining({ callId, answeredBy: 'ana', outcome: 'Resolved' })]);
    // Not another customer's, through a call of theirs; not a colleague who never had the call.
    await expect(ben.client.request('customer_calls', { customer: '447700900599', callId })).rejects.toThrow(
      'only with a call of yours',
    );
    const cy = await agent('cy', a!.agentUrl);
    await expect(cy.client.request('customer_calls', { customer: '447700900501', callId })).rejects.toThrow(
      'only with a call of yours',
    );
  });

  it('calls Meta stamped in the same second are kept in the order the relay received them, with Meta’s stamp beside', async () => {
    const url = await freshDatabase();
    const [a] = await startRelays(1, url);
    await agent('ana', a!.agentUrl);
    const customers = ['447700900701', '447700900702'];
    const arrived: Array<{ callId: string; metaSec: number }> = [];
    for (let pair = 0; pair < 20; pair += 1) {
      const metaSec = Math.floor(Date.now() / 1000);
      for (const customer of customers) {
        arrived.push({ callId: await connect(a!, customer, metaSec), metaSec });
        await pause(3);
      }
    }
    const ids = arrived.map((c) => c.callId);
    await until(async () => (await sql('SELECT 1 FROM calls WHERE call_id = ANY($1)', [ids])).length === ids.length);
    const rows = await sql<{ call_id: string; offered_at: Date; meta_offered_at: Date }>(
      'SELECT call_id, offered_at, meta_offered_at FROM calls WHERE call_id = ANY($1) ORDER BY offered_at',
      [ids],
    );
    expect(rows.map((r) => r.call_id)).toEqual(ids);
    // Every moment is distinct to the millisecond, though each pair shares Meta's second.
    rows.slice(1).forEach((r, i) => expect(r.offered_at.getTime()).toBeGreaterThan(rows[i]!.offered_at.getTime()));
    expect(rows.map((r) => r.meta_offered_at.getTime())).toEqual(arrived.map((c) => c.metaSec * 1000));
    // The customers hang up (each end is recorded), so none still rings when Ben signs in: a call waiting then
    // would ring him first, and the one below would wait for him.
    for (const [i, callId] of ids.entries())
      await postSignedWebhook(
        a!.webhookUrl,
        terminateWebhook({
          callId,
          from: customers[i % 2]!,
          phoneNumberId: SECRETS.phoneNumberId,
          status: 'COMPLETED',
        }),
        SECRETS.appSecret,
      );
    await until(
      async () =>
        (await sql('SELECT 1 FROM calls WHERE call_id = ANY($1) AND ended_at IS NOT NULL', [ids])).length ===
        ids.length,
      20_000,
    );
    // Desks read the customer's calls newest first, in the same order: Ben, signed in now, as the customer calls again.
    const ben = await agent('ben', a!.agentUrl);
    const again = await connect(a!, '447700900701');
    await until(() => ben.events.some((e) => e.type === 'call_offered' && e.callId === again));
    const { calls } = await ben.client.request('customer_calls', { customer: '447700900701', callId: again });
    expect(calls.map((c) => c.callId).filter((id) => id !== again)).toEqual(
      ids.filter((_, i) => i % 2 === 0).reverse(),
    );
  }, 60_000);

  it('the board measures how long a caller waited from Meta’s stamp of the call', async () => {
    const url = await freshDatabase();
    const [a] = await startRelays(1, url, 10);
    const ana = await agent('ana', a!.agentUrl);
    // Meta stamped the call 15 s before it reached the relay (a slow delivery): the customer was waiting all along.
    const callId = await answeredCall(a!, ana, '447700900801', 30, Math.floor(Date.now() / 1000) - 15);
    await until(
      async () => (await sql('SELECT 1 FROM calls WHERE call_id = $1 AND ended_at IS NOT NULL', [callId])).length === 1,
    );
    const day = (offset: number) => {
      const d = new Date(Date.now() + offset * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const reply = await fetch(`${a!.agentUrl.replace(/^ws/, 'http')}board/api/report?from=${day(-1)}&to=${day(1)}`, {
      headers: { Authorization: `Bearer ${await issueSupervisorToken('sam', SECRETS.agentSecret)}` },
    });
    expect(reply.status).toBe(200);
    const { team } = (await reply.json()) as { team: { answered: number; asaSec: number; serviceLevelPct: number } };
    expect(team.answered).toBe(1);
    expect(team.asaSec).toBeGreaterThanOrEqual(15);
    expect(team.asaSec).toBeLessThan(20);
    // Answered 15 s or more after Meta's stamp: outside the 10 s service level.
    expect(team.serviceLevelPct).toBe(0);
  });

  it('a ring’s end is kept per agent: the end that says most wins, in whatever order the ends arrive', async () => {
    const db = createRecordsDb(await freshDatabase(), createMemoryLogger());
    try {
      await db.migrate();
      const ends: Array<[string, RingOutcome]> = [
        ['asha', 'timed_out'],
        ['asha', 'rescinded'],
        ['ben', 'rescinded'],
        ['ben', 'accepted'],
        ['chen', 'rejected'],
        ['chen', 'timed_out'],
        ['dee', 'rescinded'],
      ];
      const event = ([agentId, outcome]: [string, RingOutcome], i: number) =>
        ({ kind: 'ring_ended', callId: 'wacid.rings', agentId, outcome, atMs: 1_000 + i }) as const;
      // One order in one batch, the reverse one event at a time on a second call: the same outcomes.
      await db.write(ends.map(event));
      for (const [i, end] of [...ends.entries()].reverse())
        await db.write([{ ...event(end, i), callId: 'wacid.rings2' }]);
      const rows = await sql<{ call_id: string; agent_id: string; outcome: string }>(
        'SELECT call_id, agent_id, outcome FROM ring_outcomes ORDER BY call_id, agent_id',
      );
      const expected = [
        ['asha', 'timed_out'],
        ['ben', 'accepted'],
        ['chen', 'timed_out'],
        ['dee', 'rescinded'],
      ];
      expect(rows.map((r) => [r.call_id, r.agent_id, r.outcome])).toEqual([
        ...expected.map((e) => ['wacid.rings', ...e]),
        ...expected.map((e) => ['wacid.rings2', ...e]),
      ]);
    } finally {
      await db.close();
    }
  });

  it('a bot’s hand-over is kept with the call: the first one, in whatever order the hand-overs arrive', async () => {
    const db = createRecordsDb(await freshDatabase(), createMemoryLogger());
    try {
      await db.migrate();
      const handOvers = [
        { queue: 'support', atMs: 5_000 },
        { queue: 'sales', atMs: 9_000 },
        // The same millisecond as the first: one of the two is kept, the same in any order.
        { queue: 'billing', atMs: 5_000 },
      ];
      const offered = (callId: string) =>
        ({ kind: 'offered', callId, customer: '4477', queue: 'front', phoneNumberId: 'pn', atMs: 1_000 }) as const;
      await db.write([
        offered('wacid.h1'),
        ...handOvers.map((h) => ({ kind: 'handed_over' as const, callId: 'wacid.h1', ...h })),
      ]);
      // The other way round, one event at a time, the hand-overs before the call's offer.
      for (const h of [...handOvers].reverse()) await db.write([{ kind: 'handed_over', callId: 'wacid.h2', ...h }]);
      await db.write([offered('wacid.h2')]);
      const rows = await sql<{ call_id: string; queue: string; handed_to_queue: string; handed_over_at: Date }>(
        'SELECT call_id, queue, handed_to_queue, handed_over_at FROM calls ORDER BY call_id',
      );
      expect(rows.map((r) => [r.call_id, r.queue, r.handed_to_queue, r.handed_over_at.getTime()])).toEqual([
        ['wacid.h1', 'front', 'billing', 5_000],
        ['wacid.h2', 'front', 'billing', 5_000],
      ]);
    } finally {
      await db.close();
    }
  });

  it('PostgreSQL stopped mid-run loses no records: they wait in Redis and are written when it returns', async () => {
    const url = await freshDatabase();
    const [a] = await startRelays(1, url);
    const ana = await agent('ana', a!.agentUrl);
    const before = await answeredCall(a!, ana, '447700900601', 10);
    await until(
      async () => (await sql('SELECT 1 FROM calls WHERE call_id = $1 AND notes IS NOT NULL', [before])).length === 1,
    );

    await postgres.kill();
    const during = [await answeredCall(a!, ana, '447700900602', 20), await answeredCall(a!, ana, '447700900603', 30)];
    await until(async () => (await a!.records!.outbox.pending()) > 0);
    await pause(600);
    expect(a!.records!.outbox.databaseDown()).toBe(true);

    await postgres.start();
    await until(async () => (await a!.records!.outbox.pending()) === 0, 15_000);
    const rows = await sql<{ call_id: string; billed_seconds: number; notes: string }>(
      'SELECT call_id, billed_seconds, notes FROM calls WHERE call_id = ANY($1) ORDER BY call_id',
      [during],
    );
    expect(rows.map((r) => [r.call_id, r.billed_seconds, r.notes !== null])).toEqual(
      during.map((id, i) => [id, (i + 2) * 10, true]),
    );
  }, 60_000);
});
