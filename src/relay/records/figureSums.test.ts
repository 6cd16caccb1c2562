import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordEvent, RingOutcome } from '../../shared/callRecords';
import type { SupervisorScope } from '../../shared/supervisorScope';
import { createMemoryLogger } from '../../whatsapp/logger';
import { figuresOfLines } from '../board/boardFigures';
import { buildReport } from '../board/reportFigures';
import { fullReadCallbacks, fullReadFigures, fullReadReport } from '../board/testFullReadFigures';
import { BOT_FAILED_NOTE } from '../bots/botCalls';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { createRecordsDb, type RecordsDb } from './recordsDb';

// A team whose day does not start at a UTC hour: the day and hour keys are the relays' local ones.
process.env.TZ = 'Asia/Kolkata';

const AGENTS = ['ana', 'ben', 'chen'];
const QUEUES = ['support', 'sales', undefined];
const SCOPES: SupervisorScope[] = [{}, { queues: ['support'] }, { queues: ['sales', 'support'] }];
const HOUR = 3600_000;

let postgres: TestPostgres;
let db: RecordsDb;
/** A second instance's connection: the same events written by both at once must count once. */
let other: RecordsDb;

beforeAll(async () => {
  postgres = await startTestPostgres();
  db = createRecordsDb(postgres.url, createMemoryLogger());
  other = createRecordsDb(postgres.url, createMemoryLogger());
  await db.migrate();
}, 60_000);
afterAll(async () => {
  await db?.close();
  await other?.close();
  await postgres?.stop();
});

/** One call's story as the relay records it: offered, rung, answered or not, ended, rated... */
const callHistory = (callId: string, midnight: number) =>
  fc
    .record({
      queue: fc.constantFrom(...QUEUES),
      // Around midnight, so that calls fall on both days.
      atMs: fc.oneof(
        fc.integer({ min: midnight - 2 * HOUR, max: midnight + 2 * HOUR }),
        // Just after an hour or midnight, where Meta's earlier stamp puts the wait in the hour before.
        fc
          .tuple(fc.integer({ min: -2, max: 2 }), fc.integer({ min: 0, max: 3000 }))
          .map(([h, d]) => midnight + h * HOUR + d),
      ),
      metaLagMs: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
      outbound: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
      rings: fc.subarray(AGENTS).chain((agents) =>
        fc.tuple(
          fc.constant(agents),
          fc.array(
            fc.record({
              agent: fc.constantFrom(...(agents.length ? agents : AGENTS)),
              outcome: fc.constantFrom<RingOutcome>('accepted', 'rejected', 'timed_out', 'rescinded'),
            }),
            { maxLength: 4 },
          ),
        ),
      ),
      answer: fc.option(
        fc.record({ agent: fc.constantFrom(...AGENTS), afterMs: fc.integer({ min: 0, max: 40_000 }) }),
        {
          nil: undefined,
        },
      ),
      end: fc.option(
        fc.record({
          afterMs: fc.integer({ min: 0, max: 300_000 }),
          billed: fc.option(fc.integer({ min: 0, max: 900 }), { nil: undefined }),
        }),
        { nil: undefined },
      ),
      turnedAway: fc.option(fc.constantFrom('closed' as const, 'max_wait' as const), { nil: undefined }),
      // The queue's bot answering first, an agent handing the call back to a bot, or both.
      bots: fc.subarray([false, true]),
      // A bot's hand-overs to a queue's agents (its own or another), the first one kept whatever the order.
      handOvers: fc.array(
        fc.record({ queue: fc.constantFrom('support', 'sales'), afterMs: fc.integer({ min: 0, max: 20_000 }) }),
        { maxLength: 2 },
      ),
      assistant: fc.option(fc.constantFrom(BOT_FAILED_NOTE.summary, 'Wants a refund'), { nil: undefined }),
      callback: fc.option(
        fc.constantFrom(
          ['offered'],
          ['offered', 'declined'],
          ['offered', 'waiting'],
          ['offered', 'waiting', 'completed'],
          ['offered', 'waiting', 'failed'],
          ['waiting', 'expired'],
        ),
        { nil: undefined },
      ),
      ratings: fc.array(fc.record({ agent: fc.constantFrom(...AGENTS), score: fc.integer({ min: 1, max: 5 }) }), {
        maxLength: 2,
      }),
    })
    .map((c): RecordEvent[] => {
      const at = c.atMs;
      const events: RecordEvent[] = [
        c.outbound
          ? { kind: 'placed', callId, customer: '447700900001', agentId: 'ana', atMs: at }
          : {
              kind: 'offered',
              callId,
              customer: '447700900001',
              ...(c.queue && { queue: c.queue }),
              phoneNumberId: 'pn',
              atMs: at,
              ...(c.metaLagMs !== undefined && { metaAtMs: Math.floor((at - c.metaLagMs) / 1000) * 1000 }),
            },
      ];
      const [rung, outcomes] = c.rings;
      if (rung.length) events.push({ kind: 'rang', callId, agentIds: rung, atMs: at + 100 });
      for (const o of outcomes)
        events.push({ kind: 'ring_ended', callId, agentId: o.agent, outcome: o.outcome, atMs: at + 200 });
      if (c.answer) events.push({ kind: 'answered', callId, agentId: c.answer.agent, atMs: at + c.answer.afterMs });
      if (c.turnedAway) events.push({ kind: 'turned_away', callId, reason: c.turnedAway, atMs: at + 50 });
      for (const handBack of c.bots) events.push({ kind: 'bot_took', callId, bot: 'front', handBack, atMs: at + 10 });
      for (const h of c.handOvers) events.push({ kind: 'handed_over', callId, queue: h.queue, atMs: at + h.afterMs });
      if (c.assistant)
        events.push({ kind: 'assistant', callId, summary: c.assistant, facts: {}, transcript: [], atMs: at + 20 });
      if (c.end)
        events.push({
          kind: 'ended',
          callId,
          customer: '447700900001',
          status: 'COMPLETED',
          ...(c.end.billed !== undefined && { billedSeconds: c.end.billed }),
          atMs: at + c.end.afterMs,
        });
      for (const [k, state] of (c.callback ?? []).entries())
        events.push({
          kind: 'callback',
          callId,
          callbackId: `cb${callId.slice(-2)}`,
          customer: '447700900001',
          queue: c.queue ?? 'support',
          state: state as 'offered',
          attempts: k,
          atMs: at + 60_000 * (k + 1),
        });
      for (const r of c.ratings)
        events.push({ kind: 'csat', callId, agentId: r.agent, score: r.score, atMs: at + 400_000 });
      return events;
    });

/** A day's calls, their events in any order and batches, some written twice (an outbox replay, two instances). */
const dayHistory = (midnight: number) =>
  fc
    .integer({ min: 1, max: 8 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => callHistory(`wacid.p${i}`, midnight))))
    .chain((calls) => {
      const events = calls.flat();
      return fc.record({
        order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
          minLength: events.length,
          maxLength: events.length,
        }),
        cuts: fc.array(fc.integer({ min: 1, max: Math.max(1, events.length - 1) }), { maxLength: 4 }),
        twice: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        erase: fc.option(fc.integer({ min: 0, max: calls.length - 1 }), { nil: undefined }),
        events: fc.constant(events),
      });
    })
    .map(({ order, cuts, twice, erase, events }) => {
      const shuffled = events.map((e, i) => ({ e, k: order[i]! })).sort((a, b) => a.k - b.k);
      const bounds = [...new Set([0, ...cuts, shuffled.length])].sort((a, b) => a - b);
      const batches = bounds.slice(1).map((end, i) => shuffled.slice(bounds[i], end).map((s) => s.e));
      return { batches, twice, erase: erase === undefined ? undefined : `wacid.p${erase}` };
    });

const byQueue = <T extends { queue: string }>(list: T[]) => [...list].sort((a, b) => a.queue.localeCompare(b.queue));

describe('the figures kept as sums', () => {
  it('equal the figures counted from every call, in any order, replayed, erased, for every scope, report and callback', async () => {
    expect(new Date(2026, 11, 7).getTimezoneOffset()).toBe(-330);
    const midnight = new Date(2026, 11, 7).getTime();
    const days = [midnight - 24 * HOUR, midnight, midnight + 24 * HOUR].map((from) => ({
      from: new Date(from),
      to: new Date(from + 24 * HOUR),
    }));
    await fc.assert(
      fc.asyncProperty(dayHistory(midnight), fc.constantFrom(1, 5, 20), async (history, serviceLevelSec) => {
        await db.query(
          `TRUNCATE calls, call_offers, ring_outcomes, call_parties, erased_calls, callbacks, figure_totals,
             figure_answer_seconds, figure_hours, figure_callbacks, call_figures, figures_stale`,
        );
        for (const [i, batch] of history.batches.entries()) {
          await (history.twice[i % 5] ? Promise.all([db.write(batch), other.write(batch)]) : db.write(batch));
          if (history.erase && i === 0)
            await db.query(
              `WITH gone AS (DELETE FROM calls WHERE call_id = $1 RETURNING call_id),
                 offers AS (DELETE FROM call_offers WHERE call_id = $1),
                 rings AS (DELETE FROM ring_outcomes WHERE call_id = $1),
                 callbacks AS (DELETE FROM callbacks WHERE call_id = $1)
               INSERT INTO erased_calls (call_id) SELECT $1::text`,
              [history.erase],
            );
        }
        await db.countStaleCalls();
        for (const day of days)
          for (const scope of SCOPES) {
            const kept = figuresOfLines(await db.figureLines(day, scope.queues ?? null, serviceLevelSec));
            const read = await fullReadFigures(db, day, scope, serviceLevelSec);
            expect({ ...kept, byQueue: byQueue(kept.byQueue) }).toEqual({ ...read, byQueue: byQueue(read.byQueue) });
          }
        // Today's callbacks, counted from each day on as the board does from midnight.
        for (const day of days)
          for (const scope of SCOPES)
            expect(await db.callbackCounts(day.from, scope.queues ?? null)).toEqual(
              await fullReadCallbacks(db, day.from, scope),
            );
        // The reports: three days, per hour and per day.
        for (const bucket of ['hour', 'day'] as const)
          for (const scope of SCOPES) {
            const range = { fromMs: days[0]!.from.getTime(), toMs: days[2]!.to.getTime(), bucket };
            const span = { from: days[0]!.from, to: days[2]!.to };
            const [lines, hours] = [
              await db.figureLines(span, scope.queues ?? null, serviceLevelSec),
              await db.hourCounts(span, scope.queues ?? null),
            ];
            const kept = buildReport(lines, hours, range, serviceLevelSec);
            const read = await fullReadReport(db, range, scope, serviceLevelSec);
            expect({ ...kept, byQueue: byQueue(kept.byQueue) }).toEqual({ ...read, byQueue: byQueue(read.byQueue) });
          }
      }),
      { numRuns: Number(process.env.FIGURE_RUNS ?? 60) },
    );
  }, 240_000);

  it('counts a call once when two instances write different events of it at the same moment', async () => {
    const at = new Date(2026, 11, 7, 10).getTime();
    const day = { from: new Date(2026, 11, 7), to: new Date(2026, 11, 8) };
    // A batch PostgreSQL refuses (two writers may deadlock on the records) stays in the outbox and is written again.
    const written = async (instance: RecordsDb, batch: RecordEvent[]) => {
      for (let tries = 1; ; tries += 1)
        try {
          return await instance.write(batch);
        } catch (error) {
          if (tries === 5) throw error;
        }
    };
    for (let round = 0; round < 20; round += 1) {
      await db.query('TRUNCATE calls, call_offers, ring_outcomes, figure_totals, figure_answer_seconds, call_figures');
      const ids = Array.from({ length: 6 }, (_, i) => `wacid.t${i}`);
      const calls: RecordEvent[] = ids.flatMap((callId, i): RecordEvent[] => [
        { kind: 'offered', callId, customer: '4477', queue: 'support', phoneNumberId: 'pn', atMs: at + i },
        { kind: 'answered', callId, agentId: 'ana', atMs: at + 4000 },
        { kind: 'ended', callId, customer: '4477', status: 'COMPLETED', billedSeconds: 30, atMs: at + 60_000 },
      ]);
      const rings: RecordEvent[] = [...ids].reverse().flatMap((callId): RecordEvent[] => [
        { kind: 'rang', callId, agentIds: ['ana', 'ben'], atMs: at + 100 },
        { kind: 'ring_ended', callId, agentId: 'ben', outcome: 'timed_out', atMs: at + 3000 },
      ]);
      await Promise.all([written(db, calls), written(other, rings)]);
      await db.countStaleCalls();
      const kept = figuresOfLines(await db.figureLines(day, null, 20));
      expect(kept).toEqual(await fullReadFigures(db, day, {}, 20));
      expect(kept.byAgent).toEqual([
        expect.objectContaining({ agent: 'ana', offered: 6, answered: 6 }),
        expect.objectContaining({ agent: 'ben', offered: 6, missed: 6 }),
      ]);
    }
  });

  it('counts the calls kept before the sums were, once, whichever instance counts them', async () => {
    await db.query('TRUNCATE calls, call_offers, ring_outcomes, figure_totals, call_figures, figures_stale');
    const at = new Date(2026, 11, 7, 10).getTime();
    await db.write([
      { kind: 'offered', callId: 'wacid.old1', customer: '4477', queue: 'support', phoneNumberId: 'pn', atMs: at },
      { kind: 'rang', callId: 'wacid.old1', agentIds: ['ana'], atMs: at },
      { kind: 'answered', callId: 'wacid.old1', agentId: 'ana', atMs: at + 3000 },
    ]);
    // As the migration leaves them: rows written before, every call marked to count, no sums.
    await db.query('TRUNCATE figure_totals, figure_answer_seconds, figure_hours, call_figures');
    await db.query('INSERT INTO figures_stale SELECT call_id FROM calls');
    await Promise.all([db.countStaleCalls(), other.countStaleCalls(), db.countStaleCalls()]);
    const day = { from: new Date(2026, 11, 7), to: new Date(2026, 11, 8) };
    const { team, byAgent } = figuresOfLines(await db.figureLines(day, null, 20));
    expect(team).toMatchObject({ offered: 1, answered: 1, serviceLevelPct: 100, asaSec: 3 });
    expect(byAgent).toEqual([expect.objectContaining({ agent: 'ana', offered: 1, answered: 1 })]);
  });
});
