import pg from 'pg';
import { createBoardSource } from '../src/relay/board/boardSource';
import { fullReadFigures } from '../src/relay/board/testFullReadFigures';
import type { CallStore } from '../src/relay/callStore';
import type { RecordEvent } from '../src/shared/callRecords';
import { createRecordsDb, type RecordsDb } from '../src/relay/records/recordsDb';
import type { TeamFloor } from '../src/relay/team/teamFloor';
import { startTestPostgres } from '../src/relay/testPostgres';
import { createLogger } from '../src/whatsapp/logger';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
const AGENTS_PER_CALL = 8;

/** Midnight today on this machine's clock (the relays' team day). */
function midnight(): Date {
  const day = new Date();
  day.setHours(0, 0, 0, 0);
  return day;
}

/**
 * A synthetic day in the records: `calls` inbound calls since midnight over 4 queues and 40 agents, each rung at 8
 * agents (one accepted, one rang out, the others withdrawn), 80 % answered, all ended, one in five rated. Written in
 * bulk, then counted into the figures' sums as after an upgrade (the same code that counts a batch of events).
 */
async function seedDay(db: RecordsDb, calls: number): Promise<void> {
  await db.query(
    `INSERT INTO calls (call_id, direction, customer, queue, offered_at, answered_at, answered_by, ended_at,
       billed_seconds, csat_score, csat_agent)
     SELECT 'wacid.b' || i, 'inbound', '4477009' || i, 'q' || (i % 4), t,
       CASE WHEN i % 5 <> 0 THEN t + (i % 40) * interval '1 second' END,
       CASE WHEN i % 5 <> 0 THEN 'agent' || (i % 40) END,
       t + interval '3 minutes', CASE WHEN i % 5 <> 0 THEN 150 END,
       CASE WHEN i % 5 = 1 THEN 1 + i % 5 END, CASE WHEN i % 5 = 1 THEN 'agent' || (i % 40) END
     FROM (SELECT i, $2::timestamptz + (i * 40 * interval '1 millisecond') AS t
           FROM generate_series(1, $1) i) s`,
    [calls, midnight()],
  );
  await db.query(
    `INSERT INTO call_offers (call_id, agent_id, offered_at)
     SELECT c.call_id, 'agent' || ((substr(c.call_id, 8)::int + k) % 40), c.offered_at
     FROM calls c, generate_series(0, $1 - 1) k`,
    [AGENTS_PER_CALL],
  );
  await db.query(
    `INSERT INTO ring_outcomes (call_id, agent_id, outcome, ended_at)
     SELECT o.call_id, o.agent_id,
       CASE WHEN o.agent_id = c.answered_by THEN 'accepted'
            WHEN o.agent_id = 'agent' || ((substr(c.call_id, 8)::int + 1) % 40) THEN 'timed_out'
            ELSE 'rescinded' END,
       c.offered_at + interval '10 seconds'
     FROM call_offers o JOIN calls c USING (call_id)`,
  );
  while ((await db.countStaleCalls(60_000)) > 0);
  // As autovacuum would after such a day: the planner knows the tables' sizes.
  await db.query('ANALYZE');
}

/** One board rebuild for the whole team (live state empty: what grows with the day is its figures). */
function boardOf(db: RecordsDb) {
  const source = createBoardSource({
    store: { activeCalls: async () => [], offer: async () => undefined } as unknown as CallStore,
    floor: { agents: async () => [], call: async () => undefined } as unknown as TeamFloor,
    db,
    serviceLevelSec: 20,
    log: createLogger({ level: 'error' }),
    thresholds: () => ({}) as never,
  });
  return () => source.snapshot({});
}

/** The events of `count` more calls as the relay records them, each rung at 8 agents, answered and ended. */
function moreCalls(tag: string, count: number): RecordEvent[] {
  const at = Date.now();
  return Array.from({ length: count }, (_, i): RecordEvent[] => {
    const callId = `wacid.w${tag}${i}`;
    const agents = Array.from({ length: AGENTS_PER_CALL }, (_, k) => `agent${(i + k) % 40}`);
    return [
      { kind: 'offered', callId, customer: '447700900000', queue: `q${i % 4}`, phoneNumberId: 'pn', atMs: at },
      { kind: 'rang', callId, agentIds: agents, atMs: at + 100 },
      { kind: 'ring_ended', callId, agentId: agents[1]!, outcome: 'timed_out', atMs: at + 5000 },
      { kind: 'answered', callId, agentId: agents[0]!, atMs: at + 6000 },
      { kind: 'ring_ended', callId, agentId: agents[0]!, outcome: 'accepted', atMs: at + 6000 },
      { kind: 'ended', callId, customer: '447700900000', status: 'COMPLETED', billedSeconds: 60, atMs: at + 66_000 },
    ];
  }).flat();
}

/** Writes the events as the outbox does, batches of 500 in one transaction each: ms per call. */
async function writeMs(db: RecordsDb, tag: string, calls: number): Promise<number> {
  const events = moreCalls(tag, calls);
  const start = performance.now();
  for (let i = 0; i < events.length; i += 500) await db.write(events.slice(i, i + 500));
  return (performance.now() - start) / calls;
}

async function timed(run: () => Promise<unknown>, rounds: number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < rounds; i += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return median(times);
}

/**
 * The supervisor board's rebuild on a day of few calls and on a busy day, in one run on one PostgreSQL: with the
 * figures read from their running sums, and as before, by reading every call and ring of the day.
 */
export async function benchBoard(options: { busyCalls?: number; rounds?: number } = {}) {
  const busyCalls = options.busyCalls ?? 20_000;
  const rounds = options.rounds ?? 41;
  const postgres = await startTestPostgres();
  const admin = new pg.Client(postgres.url);
  await admin.connect();
  const logger = createLogger({ level: 'error' });
  try {
    const days = [];
    for (const calls of [20, busyCalls / 10, busyCalls]) {
      await admin.query(`CREATE DATABASE board_${calls}`);
      const db = createRecordsDb(postgres.url.replace(/\/postgres$/, `/board_${calls}`), logger);
      await db.migrate();
      await seedDay(db, calls);
      days.push({ calls, db });
    }
    // Rounds taken in turn on each day, so that a busy moment of the machine weighs on all of them alike.
    const rebuilds = days.map(({ db }) => ({ run: boardOf(db), times: [] as number[] }));
    for (const r of rebuilds) for (let i = 0; i < 5; i += 1) await r.run();
    for (let i = 0; i < rounds; i += 1)
      for (const r of rebuilds) {
        const start = performance.now();
        await r.run();
        r.times.push(performance.now() - start);
      }
    const results = [];
    for (const [i, { calls, db }] of days.entries()) {
      const range = { from: midnight(), to: new Date(Date.now() + 86_400_000) };
      const fullReadMs = await timed(() => fullReadFigures(db, range, {}, 20), 5);
      await writeMs(db, 'warm', 100);
      const writeMsPerCall = await writeMs(db, 'm', 1000);
      results.push({
        calls,
        offers: calls * AGENTS_PER_CALL,
        rebuildMs: median(rebuilds[i]!.times),
        fullReadMs,
        writeMsPerCall,
      });
      await db.close();
    }
    return { quiet: results[0]!, middle: results[1]!, busy: results[2]!, rounds };
  } finally {
    await admin.end();
    await postgres.stop();
  }
}
