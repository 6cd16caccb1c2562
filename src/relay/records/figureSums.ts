import type pg from 'pg';
import type { RingOutcome } from '../../shared/callRecords';
import type { TurnedAwayReason } from '../../shared/teamQueues';
import { BOT_FAILED_NOTE } from '../bots/botCalls';
import {
  addCounts,
  callParts,
  COUNT_NAMES,
  noCounts,
  type DayCall,
  type FigureCounts,
  type FigureLine,
} from '../board/boardFigures';

/** Midnight of the team's day that holds `ms` (the relays' clock). */
export function dayStart(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** The start of the hour (the relays' clock) that holds `ms`. */
export function hourStart(ms: number): number {
  const d = new Date(ms);
  d.setMinutes(0, 0, 0);
  return d.getTime();
}

const column = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const COLUMNS = COUNT_NAMES.map(column);

/** What one call adds to the sums: its day (by the relay's receipt), hour (by when the caller began waiting), lines. */
interface StoredPart {
  day: string;
  hour: string;
  queue: string;
  /** `queue` where the line is another queue's than the call's (a queue's bot handed the call to that one). */
  lines: Array<{ agent: string; counts: number[]; second?: number; queue?: string }>;
  /** The customers' callbacks the call's queue offered when it turned the call away: [offered, accepted, completed]. */
  callbacks?: Array<{ day: string; queue: string; counts: number[] }>;
}

type Executor = Pick<pg.PoolClient, 'query'>;

/** A part as one text, whatever order PostgreSQL keeps its keys in. */
const sameOf = (p: StoredPart | undefined) =>
  p &&
  JSON.stringify([
    p.day,
    p.hour,
    p.queue,
    p.lines.map((l) => [l.agent, l.counts, l.second ?? null, l.queue ?? null]),
    (p.callbacks ?? []).map((c) => [c.day, c.queue, c.counts]),
  ]);

/** The calls' parts as their records say now: none for a call that is gone or not an inbound call. */
async function partsNow(client: Executor, callIds: string[]): Promise<Map<string, StoredPart>> {
  // One after the other: a transaction's client runs one query at a time.
  const calls = await client.query<{
    call_id: string;
    queue: string | null;
    received_at: Date;
    offered_at: Date;
    answered_at: Date | null;
    answered_by: string | null;
    ended_at: Date | null;
    billed_seconds: number | null;
    rang: boolean;
    csat_score: number | null;
    csat_agent: string | null;
    turned_away: TurnedAwayReason | null;
    bot_answered: boolean;
    escalated: boolean;
    handed_back: boolean;
    handed_to_queue: string | null;
    handed_over_at: Date | null;
  }>(
    // The caller waits from Meta's stamp, delivery included (rows from before it was kept hold it in offered_at;
    // LEAST skips the NULL and a Meta clock ahead of ours). The day is the relay's receipt's.
    `SELECT c.call_id, c.queue, c.offered_at AS received_at, LEAST(c.meta_offered_at, c.offered_at) AS offered_at,
         c.answered_at, c.answered_by, c.ended_at, c.billed_seconds,
         EXISTS (SELECT 1 FROM call_offers o WHERE o.call_id = c.call_id) AS rang,
         c.csat_score, c.csat_agent, c.turned_away, c.bot_answered_at IS NOT NULL AS bot_answered,
         (c.assistant IS NOT NULL AND c.assistant->>'summary' IS DISTINCT FROM $2) AS escalated,
         c.handed_back_to IS NOT NULL AS handed_back, c.handed_to_queue, c.handed_over_at
       FROM calls c WHERE c.direction = 'inbound' AND c.call_id = ANY($1)`,
    [callIds, BOT_FAILED_NOTE.summary],
  );
  const rings = await client.query<{ agent_id: string; call_id: string; outcome: RingOutcome | null }>(
    `SELECT o.agent_id, o.call_id, r.outcome FROM call_offers o
         LEFT JOIN ring_outcomes r ON r.call_id = o.call_id AND r.agent_id = o.agent_id
       WHERE o.call_id = ANY($1) ORDER BY o.agent_id`,
    [callIds],
  );
  const callbacks = await client.query<{
    call_id: string;
    queue: string;
    offered_at: Date;
    accepted: boolean;
    completed: boolean;
  }>(
    `SELECT call_id, queue, offered_at, accepted_at IS NOT NULL AS accepted, state = 'completed' AS completed
     FROM callbacks WHERE call_id = ANY($1) ORDER BY callback_id`,
    [callIds],
  );
  const parts = new Map<string, StoredPart>();
  for (const r of calls.rows) {
    const call: DayCall = {
      queue: r.queue ?? undefined,
      offeredAtMs: r.offered_at.getTime(),
      answeredAtMs: r.answered_at?.getTime(),
      answeredBy: r.answered_by ?? undefined,
      endedAtMs: r.ended_at?.getTime(),
      billedSeconds: r.billed_seconds ?? undefined,
      rang: r.rang,
      ...(r.csat_score !== null && { csat: { score: r.csat_score, agent: r.csat_agent ?? '' } }),
      ...(r.turned_away !== null && { turnedAway: r.turned_away }),
      ...((r.bot_answered || r.escalated || r.handed_back) && {
        bot: { answered: r.bot_answered, escalated: r.escalated, handedBack: r.handed_back },
      }),
      ...(r.handed_to_queue !== null &&
        r.handed_over_at !== null && { handedOver: { queue: r.handed_to_queue, atMs: r.handed_over_at.getTime() } }),
    };
    const ringsOf = rings.rows.filter((o) => o.call_id === r.call_id);
    const lines = callParts(
      call,
      ringsOf.map((o) => ({ agent: o.agent_id, ...(o.outcome !== null && { outcome: o.outcome }) })),
    );
    const queue = call.queue ?? '';
    parts.set(r.call_id, {
      day: new Date(dayStart(r.received_at.getTime())).toISOString(),
      // A call handed on between queues is in the hour it arrived in, whichever queue counts it.
      hour: new Date(hourStart(call.offeredAtMs)).toISOString(),
      queue,
      lines: lines.map((l) => ({
        agent: l.agent,
        counts: COUNT_NAMES.map((n) => l.counts[n]),
        ...(l.answerSecond !== undefined && { second: l.answerSecond }),
        ...(l.queue !== queue && { queue: l.queue }),
      })),
    });
  }
  for (const c of callbacks.rows) {
    // A callback whose call has no record (not written yet, or not an inbound call) counts all the same.
    const part = parts.get(c.call_id) ?? { day: '', hour: '', queue: '', lines: [] };
    const counts = [1, c.accepted ? 1 : 0, c.completed ? 1 : 0];
    part.callbacks = [
      ...(part.callbacks ?? []),
      { day: new Date(dayStart(c.offered_at.getTime())).toISOString(), queue: c.queue, counts },
    ];
    parts.set(c.call_id, part);
  }
  return parts;
}

/** The changes to the sums that replacing `before` by `after` makes, one entry per row (zeros left out). */
function differences(pairs: Array<{ before?: StoredPart; after?: StoredPart }>) {
  const totals = new Map<string, { day: string; queue: string; agent: string; counts: FigureCounts }>();
  const seconds = new Map<string, { day: string; queue: string; agent: string; second: number; calls: number }>();
  const hours = new Map<string, { day: string; hour: string; queue: string; offered: number; answered: number }>();
  const callbacks = new Map<
    string,
    { day: string; queue: string; offered: number; accepted: number; completed: number }
  >();
  const add = (part: StoredPart | undefined, sign: number) => {
    if (!part) return;
    const { day, hour } = part;
    for (const c of part.callbacks ?? []) {
      const key = JSON.stringify([c.day, c.queue]);
      const sum = callbacks.get(key) ?? { day: c.day, queue: c.queue, offered: 0, accepted: 0, completed: 0 };
      sum.offered += sign * (c.counts[0] ?? 0);
      sum.accepted += sign * (c.counts[1] ?? 0);
      sum.completed += sign * (c.counts[2] ?? 0);
      callbacks.set(key, sum);
    }
    for (const line of part.lines) {
      const queue = line.queue ?? part.queue;
      const counts = Object.fromEntries(COUNT_NAMES.map((n, i) => [n, line.counts[i] ?? 0])) as FigureCounts;
      const key = JSON.stringify([day, queue, line.agent]);
      const total = totals.get(key) ?? { day, queue, agent: line.agent, counts: noCounts() };
      addCounts(total.counts, counts, sign);
      totals.set(key, total);
      if (line.second !== undefined) {
        const skey = JSON.stringify([day, queue, line.agent, line.second]);
        const s = seconds.get(skey) ?? { day, queue, agent: line.agent, second: line.second, calls: 0 };
        s.calls += sign;
        seconds.set(skey, s);
      }
      if (line.agent !== '') continue;
      const hkey = JSON.stringify([day, hour, queue]);
      const h = hours.get(hkey) ?? { day, hour, queue, offered: 0, answered: 0 };
      h.offered += sign * counts.offered;
      h.answered += sign * counts.answered;
      hours.set(hkey, h);
    }
  };
  for (const { before, after } of pairs) {
    add(before, -1);
    add(after, 1);
  }
  // Sorted, so that two writers lock the rows they share in the same order.
  const sorted = <T>(m: Map<string, T>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    totals: sorted(totals)
      .filter((t) => COUNT_NAMES.some((n) => t.counts[n] !== 0))
      .map(({ counts, ...key }) => ({
        ...key,
        ...Object.fromEntries(COUNT_NAMES.map((n, i) => [COLUMNS[i], counts[n]])),
      })),
    seconds: sorted(seconds).filter((s) => s.calls !== 0),
    hours: sorted(hours).filter((h) => h.offered !== 0 || h.answered !== 0),
    callbacks: sorted(callbacks).filter((c) => c.offered !== 0 || c.accepted !== 0 || c.completed !== 0),
  };
}

const UPSERT_TOTALS = `
  INSERT INTO figure_totals SELECT * FROM jsonb_populate_recordset(NULL::figure_totals, $1::jsonb)
  ON CONFLICT (day, queue, agent) DO UPDATE SET
    ${COLUMNS.map((c) => `${c} = figure_totals.${c} + excluded.${c}`).join(', ')}`;
const UPSERT_SECONDS = `
  INSERT INTO figure_answer_seconds SELECT * FROM jsonb_populate_recordset(NULL::figure_answer_seconds, $1::jsonb)
  ON CONFLICT (day, queue, agent, second) DO UPDATE SET calls = figure_answer_seconds.calls + excluded.calls`;
const UPSERT_HOURS = `
  INSERT INTO figure_hours SELECT * FROM jsonb_populate_recordset(NULL::figure_hours, $1::jsonb)
  ON CONFLICT (day, hour, queue) DO UPDATE SET offered = figure_hours.offered + excluded.offered,
    answered = figure_hours.answered + excluded.answered`;

const UPSERT_CALLBACKS = `
  INSERT INTO figure_callbacks SELECT * FROM jsonb_populate_recordset(NULL::figure_callbacks, $1::jsonb)
  ON CONFLICT (day, queue) DO UPDATE SET offered = figure_callbacks.offered + excluded.offered,
    accepted = figure_callbacks.accepted + excluded.accepted, completed = figure_callbacks.completed + excluded.completed`;

/**
 * Brings the sums up to date with these calls' records, in the caller's transaction: each call's part counted before
 * is taken back and its part now added. Safe to repeat and to run on several instances at once: a call is counted by
 * one transaction at a time (an advisory lock per call), each against the part the last one stored.
 */
export async function countCalls(client: Executor, ids: string[]): Promise<void> {
  const callIds = [...new Set(ids)].sort();
  if (callIds.length === 0) return;
  await client.query(
    `SELECT pg_advisory_xact_lock(823417002, k) FROM (SELECT DISTINCT hashtext(id) AS k FROM unnest($1::text[]) id
       ORDER BY 1) s`,
    [callIds],
  );
  await client.query('DELETE FROM figures_stale WHERE call_id = ANY($1)', [callIds]);
  const stored = await client.query<{ call_id: string; part: StoredPart }>(
    'SELECT call_id, part FROM call_figures WHERE call_id = ANY($1)',
    [callIds],
  );
  const now = await partsNow(client, callIds);
  const before = new Map(stored.rows.map((r) => [r.call_id, r.part]));
  const changed = callIds.filter((id) => sameOf(before.get(id)) !== sameOf(now.get(id)));
  if (changed.length === 0) return;
  const diff = differences(changed.map((id) => ({ before: before.get(id), after: now.get(id) })));
  if (diff.totals.length > 0) await client.query(UPSERT_TOTALS, [JSON.stringify(diff.totals)]);
  if (diff.seconds.length > 0) await client.query(UPSERT_SECONDS, [JSON.stringify(diff.seconds)]);
  if (diff.hours.length > 0) await client.query(UPSERT_HOURS, [JSON.stringify(diff.hours)]);
  if (diff.callbacks.length > 0) await client.query(UPSERT_CALLBACKS, [JSON.stringify(diff.callbacks)]);
  const kept = changed.filter((id) => now.has(id));
  await client.query('DELETE FROM call_figures WHERE call_id = ANY($1)', [changed.filter((id) => !now.has(id))]);
  if (kept.length > 0)
    await client.query(
      `INSERT INTO call_figures (call_id, part) SELECT id, part FROM unnest($1::text[], $2::jsonb[]) AS x(id, part)
       ON CONFLICT (call_id) DO UPDATE SET part = excluded.part`,
      [kept, kept.map((id) => JSON.stringify(now.get(id)))],
    );
}

/** The calls changed outside the record writer (erasures, sweeps, the first start after the upgrade), a batch. */
export async function staleCalls(client: Executor, limit: number): Promise<string[]> {
  const { rows } = await client.query<{ call_id: string }>('SELECT call_id FROM figures_stale LIMIT $1', [limit]);
  return rows.map((r) => r.call_id);
}

/** The summed lines of the days in [from, to) in the queues of `scope` (null: every queue, and calls without one). */
export async function readFigureLines(
  client: Executor,
  range: { from: Date; to: Date },
  scope: readonly string[] | null,
  serviceLevelSec: number,
): Promise<FigureLine[]> {
  const [totals, inTime] = await Promise.all([
    client.query<Record<string, number> & { queue: string; agent: string }>(
      `SELECT queue, agent, ${COLUMNS.map((c) => `sum(${c})::float8 AS ${c}`).join(', ')} FROM figure_totals
       WHERE day >= $1 AND day < $2 AND ($3::text[] IS NULL OR queue = ANY($3::text[]))
       GROUP BY queue, agent ORDER BY queue, agent`,
      [range.from, range.to, scope],
    ),
    client.query<{ queue: string; agent: string; calls: number }>(
      `SELECT queue, agent, sum(calls)::float8 AS calls FROM figure_answer_seconds
       WHERE day >= $1 AND day < $2 AND ($3::text[] IS NULL OR queue = ANY($3::text[])) AND second <= $4
       GROUP BY queue, agent`,
      [range.from, range.to, scope, serviceLevelSec],
    ),
  ]);
  const inTimeOf = new Map(inTime.rows.map((r) => [JSON.stringify([r.queue, r.agent]), r.calls]));
  return totals.rows.map((r) => ({
    queue: r.queue,
    agent: r.agent,
    counts: Object.fromEntries(COUNT_NAMES.map((n, i) => [n, r[COLUMNS[i]!] ?? 0])) as FigureCounts,
    inTime: inTimeOf.get(JSON.stringify([r.queue, r.agent])) ?? 0,
  }));
}

/** Calls offered and answered per hour (by when the caller began waiting) of the days in [from, to), in scope. */
export async function readHourCounts(
  client: Executor,
  range: { from: Date; to: Date },
  scope: readonly string[] | null,
): Promise<Array<{ hourMs: number; offered: number; answered: number }>> {
  const { rows } = await client.query<{ hour: Date; offered: number; answered: number }>(
    `SELECT hour, sum(offered)::float8 AS offered, sum(answered)::float8 AS answered FROM figure_hours
     WHERE day >= $1 AND day < $2 AND ($3::text[] IS NULL OR queue = ANY($3::text[]))
     GROUP BY hour ORDER BY hour`,
    [range.from, range.to, scope],
  );
  return rows.map((r) => ({ hourMs: r.hour.getTime(), offered: r.offered, answered: r.answered }));
}

/** Callbacks offered from the day of `from` on, asked for and completed, in the queues of `scope` (null: all). */
export async function readCallbackCounts(
  client: Executor,
  from: Date,
  scope: readonly string[] | null,
): Promise<{ offered: number; accepted: number; completed: number }> {
  const { rows } = await client.query<{ offered: number | null; accepted: number | null; completed: number | null }>(
    `SELECT sum(offered)::float8 AS offered, sum(accepted)::float8 AS accepted, sum(completed)::float8 AS completed
     FROM figure_callbacks WHERE day >= $1 AND ($2::text[] IS NULL OR queue = ANY($2::text[]))`,
    [from, scope],
  );
  const row = rows[0];
  return { offered: row?.offered ?? 0, accepted: row?.accepted ?? 0, completed: row?.completed ?? 0 };
}
