import pg from 'pg';
import type { RecordEvent } from '../../shared/callRecords';
import type { TeamCall } from '../../shared/relayProtocol';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import { withoutErasedCalls } from './erasedCalls';
import { countCalls, readCallbackCounts, readFigureLines, readHourCounts, staleCalls } from './figureSums';
import { MIGRATIONS } from './migrations';
import { createTableChanges } from './tableChanges';

// Any event may come first (a terminate can overtake its connect): each one inserts the call with what it knows and
// otherwise fills in only what is still missing.
const UPSERT_CALL = `
  INSERT INTO calls (call_id, direction, customer, customer_name, queue, phone_number_id, offered_at,
    answered_at, answered_by, ended_at, end_status, error_code, billed_seconds, outcome, notes, wrap_up_by,
    meta_offered_at)
  VALUES ($1, $2, COALESCE($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
  ON CONFLICT (call_id) DO UPDATE SET
    direction = CASE WHEN $2 = 'outbound' THEN 'outbound' ELSE calls.direction END,
    customer = CASE WHEN calls.customer = '' THEN excluded.customer ELSE calls.customer END,
    customer_name = COALESCE(calls.customer_name, excluded.customer_name),
    queue = COALESCE(excluded.queue, calls.queue),
    phone_number_id = COALESCE(calls.phone_number_id, excluded.phone_number_id),
    offered_at = LEAST(calls.offered_at, excluded.offered_at),
    answered_at = COALESCE(calls.answered_at, excluded.answered_at),
    answered_by = COALESCE(calls.answered_by, excluded.answered_by),
    ended_at = COALESCE(calls.ended_at, excluded.ended_at),
    end_status = COALESCE(calls.end_status, excluded.end_status),
    error_code = COALESCE(calls.error_code, excluded.error_code),
    billed_seconds = COALESCE(excluded.billed_seconds, calls.billed_seconds),
    outcome = COALESCE(excluded.outcome, calls.outcome),
    notes = COALESCE(excluded.notes, calls.notes),
    wrap_up_by = COALESCE(excluded.wrap_up_by, calls.wrap_up_by),
    meta_offered_at = COALESCE(calls.meta_offered_at, excluded.meta_offered_at)`;

// An agent rung more than once for a call keeps the end that says most, whatever order the events arrive in: they
// took it, it rang out at them, they declined it, it was withdrawn.
const UPSERT_RING_OUTCOME = `
  INSERT INTO ring_outcomes (call_id, agent_id, outcome, ended_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (call_id, agent_id) DO UPDATE SET outcome = excluded.outcome, ended_at = excluded.ended_at
  WHERE array_position($5::text[], excluded.outcome) > array_position($5::text[], ring_outcomes.outcome)`;
const OUTCOME_RANK = ['rescinded', 'rejected', 'timed_out', 'accepted'];

type Row = {
  direction: 'inbound' | 'outbound';
  customer?: string;
  customerName?: string;
  queue?: string;
  phoneNumberId?: string;
  answeredAt?: Date;
  answeredBy?: string;
  endedAt?: Date;
  endStatus?: string;
  errorCode?: number;
  billedSeconds?: number;
  outcome?: string;
  notes?: string;
  wrapUpBy?: string;
  metaOfferedAt?: Date;
};

/** How far along a callback state is, in SQL: a state only replaces one not further along. */
const CALLBACK_RANK = (column: string) =>
  `CASE ${column} WHEN 'offered' THEN 0 WHEN 'waiting' THEN 1 WHEN 'declined' THEN 1 ELSE 2 END`;

/** What an event says about its call's row. */
function rowOf(
  event: Exclude<
    RecordEvent,
    {
      kind:
        | 'rang'
        | 'ring_ended'
        | 'room_recording'
        | 'assistant'
        | 'bot_took'
        | 'handed_over'
        | 'csat'
        | 'turned_away'
        | 'joined'
        | 'callback';
    }
  >,
): Row {
  const at = new Date(event.atMs);
  switch (event.kind) {
    case 'offered':
      return {
        direction: 'inbound',
        customer: event.customer,
        customerName: event.customerName,
        queue: event.queue,
        phoneNumberId: event.phoneNumberId,
        metaOfferedAt: event.metaAtMs === undefined ? undefined : new Date(event.metaAtMs),
      };
    case 'placed':
      return { direction: 'outbound', customer: event.customer, answeredBy: event.agentId };
    case 'answered':
      return { direction: 'inbound', answeredAt: at, answeredBy: event.agentId };
    case 'ended':
      return {
        direction: 'inbound',
        customer: event.customer,
        endedAt: at,
        endStatus: event.status,
        errorCode: event.errorCode,
        billedSeconds: event.billedSeconds,
      };
    case 'wrap_up':
      return { direction: 'inbound', outcome: event.outcome, notes: event.notes, wrapUpBy: event.agentId };
  }
}

/** The team's call records in PostgreSQL (package `pg`): schema migrations, writes, and what the desks read. */
export function createRecordsDb(url: string, log: Logger) {
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    connectionTimeoutMillis: 2000,
    idleTimeoutMillis: 10_000,
  });
  // A server that goes away takes idle connections with it: logged, never thrown.
  pool.on('error', (error) => log.warn('PostgreSQL connection lost', { error: errorText(error) }));
  const changes = createTableChanges(url, log);

  async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  return {
    /** Brings the schema up to the newest version; safe for several instances starting at once. */
    async migrate(): Promise<number[]> {
      return inTransaction(async (client) => {
        await client.query('SELECT pg_advisory_xact_lock(823417001)');
        await client.query(
          'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
        );
        const done = new Set(
          (await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version),
        );
        const applied: number[] = [];
        for (const step of MIGRATIONS) {
          if (done.has(step.version)) continue;
          await client.query(step.sql);
          await client.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
            step.version,
            step.name,
          ]);
          applied.push(step.version);
        }
        return applied;
      });
    },
    /** Writes events in one transaction: all of them or none. */
    async write(events: RecordEvent[]): Promise<void> {
      if (events.length === 0) return;
      await inTransaction(async (client) => {
        // This transaction counts its calls into the figures itself (below): the triggers leave them unmarked.
        await client.query("SELECT set_config('figures.counting', 'on', true)");
        for (const event of await withoutErasedCalls(client, events)) {
          if (event.kind === 'rang') {
            await client.query(
              `INSERT INTO call_offers (call_id, agent_id, offered_at) SELECT $1, unnest($2::text[]), $3
               ON CONFLICT DO NOTHING`,
              [event.callId, event.agentIds, new Date(event.atMs)],
            );
            continue;
          }
          if (event.kind === 'answered' || event.kind === 'joined') {
            await client.query(
              `INSERT INTO call_parties (call_id, agent_id, how, joined_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
              [event.callId, event.agentId, event.kind === 'joined' ? event.how : 'answered', new Date(event.atMs)],
            );
            if (event.kind === 'joined') continue;
          }
          if (event.kind === 'ring_ended') {
            await client.query(UPSERT_RING_OUTCOME, [
              event.callId,
              event.agentId,
              event.outcome,
              new Date(event.atMs),
              OUTCOME_RANK,
            ]);
            continue;
          }
          if (event.kind === 'room_recording') {
            await client.query(
              `INSERT INTO calls (call_id, direction, customer, offered_at, room_recording) VALUES ($1, 'inbound', '', $3, $2)
               ON CONFLICT (call_id) DO UPDATE SET room_recording = excluded.room_recording`,
              [event.callId, event.file, new Date(event.atMs)],
            );
            continue;
          }
          if (event.kind === 'assistant') {
            const { summary, facts, transcript } = event;
            await client.query(
              `INSERT INTO calls (call_id, direction, customer, offered_at, assistant) VALUES ($1, 'inbound', '', $3, $2)
               ON CONFLICT (call_id) DO UPDATE SET assistant = excluded.assistant`,
              [event.callId, JSON.stringify({ summary, facts, transcript }), new Date(event.atMs)],
            );
            continue;
          }
          if (event.kind === 'bot_took') {
            // The first bot's answer is kept once; a hand-back names the last bot the call was handed to.
            await client.query(
              `INSERT INTO calls (call_id, direction, customer, offered_at, bot_answered_at, handed_back_to)
               VALUES ($1, 'inbound', '', $2, CASE WHEN $3 THEN NULL ELSE $2::timestamptz END, CASE WHEN $3 THEN $4 END)
               ON CONFLICT (call_id) DO UPDATE SET
                 bot_answered_at = COALESCE(calls.bot_answered_at, excluded.bot_answered_at),
                 handed_back_to = COALESCE(excluded.handed_back_to, calls.handed_back_to)`,
              [event.callId, new Date(event.atMs), event.handBack, event.bot],
            );
            continue;
          }
          if (event.kind === 'handed_over') {
            // The first hand-over is kept, whatever order the events arrive in: the queue the call first waited in
            // (two at the same millisecond: the same one, by queue name, in any order).
            await client.query(
              `INSERT INTO calls (call_id, direction, customer, offered_at, handed_to_queue, handed_over_at)
               VALUES ($1, 'inbound', '', $3, $2, $3)
               ON CONFLICT (call_id) DO UPDATE SET
                 handed_to_queue = CASE
                   WHEN calls.handed_over_at IS NULL
                     OR (excluded.handed_over_at, excluded.handed_to_queue) < (calls.handed_over_at, calls.handed_to_queue)
                   THEN excluded.handed_to_queue ELSE calls.handed_to_queue END,
                 handed_over_at = LEAST(calls.handed_over_at, excluded.handed_over_at)`,
              [event.callId, event.queue, new Date(event.atMs)],
            );
            continue;
          }
          if (event.kind === 'turned_away') {
            await client.query(
              `INSERT INTO calls (call_id, direction, customer, offered_at, turned_away) VALUES ($1, 'inbound', '', $2, $3)
               ON CONFLICT (call_id) DO UPDATE SET turned_away = COALESCE(calls.turned_away, excluded.turned_away)`,
              [event.callId, new Date(event.atMs), event.reason],
            );
            continue;
          }
          if (event.kind === 'callback') {
            // States only move on (offered, then waiting or declined, then completed, failed or expired): an outbox
            // replay of an earlier state changes nothing.
            const at = new Date(event.atMs);
            await client.query(
              `INSERT INTO callbacks (callback_id, call_id, customer, queue, state, attempts, last_failure, agent_id,
                 placed_call_id, offered_at, accepted_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $5 = 'waiting' THEN $10::timestamptz END, $10)
               ON CONFLICT (callback_id) DO UPDATE SET
                 state = CASE WHEN ${CALLBACK_RANK('excluded.state')} >= ${CALLBACK_RANK('callbacks.state')}
                   THEN excluded.state ELSE callbacks.state END,
                 attempts = GREATEST(callbacks.attempts, excluded.attempts),
                 last_failure = COALESCE(excluded.last_failure, callbacks.last_failure),
                 agent_id = COALESCE(excluded.agent_id, callbacks.agent_id),
                 placed_call_id = COALESCE(excluded.placed_call_id, callbacks.placed_call_id),
                 offered_at = LEAST(callbacks.offered_at, excluded.offered_at),
                 accepted_at = COALESCE(callbacks.accepted_at, excluded.accepted_at),
                 updated_at = GREATEST(callbacks.updated_at, excluded.updated_at)`,
              [
                event.callbackId,
                event.callId,
                event.customer,
                event.queue,
                event.state,
                event.attempts,
                event.lastFailure ?? null,
                event.agentId ?? null,
                event.placedCallId ?? null,
                at,
              ],
            );
            continue;
          }
          if (event.kind === 'csat') {
            // The first answer counts; a second tap on the same list changes nothing.
            await client.query(
              `UPDATE calls SET csat_score = $2, csat_agent = $3, csat_at = $4 WHERE call_id = $1 AND csat_score IS NULL`,
              [event.callId, event.score, event.agentId, new Date(event.atMs)],
            );
            continue;
          }
          const r = rowOf(event);
          await client.query(UPSERT_CALL, [
            event.callId,
            r.direction,
            r.customer ?? null,
            r.customerName ?? null,
            r.queue ?? null,
            r.phoneNumberId ?? null,
            new Date(event.atMs),
            r.answeredAt ?? null,
            r.answeredBy ?? null,
            r.endedAt ?? null,
            r.endStatus ?? null,
            r.errorCode ?? null,
            r.billedSeconds ?? null,
            r.outcome ?? null,
            r.notes ?? null,
            r.wrapUpBy ?? null,
            r.metaOfferedAt ?? null,
          ]);
          if (event.kind === 'ended' && (event.callbackData || event.ctaPayload || event.deeplinkPayload))
            await client.query(
              `UPDATE calls SET callback_data = COALESCE($2, callback_data), cta_payload = COALESCE($3, cta_payload),
                 deeplink_payload = COALESCE($4, deeplink_payload) WHERE call_id = $1`,
              [event.callId, event.callbackData ?? null, event.ctaPayload ?? null, event.deeplinkPayload ?? null],
            );
        }
        // The figures' sums change with the records, in the same transaction: never one without the other.
        await countCalls(
          client,
          events.map((e) => e.callId),
        );
      });
    },
    /**
     * Counts into the figures' sums the calls changed outside the writer (erasures, sweeps, the calls kept before the
     * sums were), a batch at a time, until none is left or `budgetMs` has passed; how many were counted.
     */
    async countStaleCalls(budgetMs = 2000, batch = 2000): Promise<number> {
      const until = Date.now() + budgetMs;
      let counted = 0;
      for (;;) {
        const done = await inTransaction(async (client) => {
          const ids = await staleCalls(client, batch);
          await countCalls(client, ids);
          return ids.length;
        });
        counted += done;
        if (done < batch || Date.now() >= until) return counted;
      }
    },
    /** The figures' summed lines of the days in [from, to), in the queues of `scope` (null: the whole team). */
    figureLines: (range: { from: Date; to: Date }, scope: readonly string[] | null, serviceLevelSec: number) =>
      readFigureLines(pool, range, scope, serviceLevelSec),
    /** Calls offered and answered per hour of the days in [from, to), in the queues of `scope`. */
    hourCounts: (range: { from: Date; to: Date }, scope: readonly string[] | null) =>
      readHourCounts(pool, range, scope),
    /** Callbacks offered from the day of `from` on, asked for and completed, in the queues of `scope`. */
    callbackCounts: (from: Date, scope: readonly string[] | null) => readCallbackCounts(pool, from, scope),
    /** The team's earlier calls with a customer, newest first. */
    async customerCalls(customer: string, limit = 20): Promise<TeamCall[]> {
      const { rows } = await pool.query<{
        call_id: string;
        direction: 'inbound' | 'outbound';
        queue: string | null;
        offered_at: Date;
        answered_by: string | null;
        ended_at: Date | null;
        outcome: string | null;
        notes: string | null;
      }>(
        `SELECT call_id, direction, queue, offered_at, answered_by, ended_at, outcome, notes FROM calls
         WHERE customer = $1 ORDER BY offered_at DESC LIMIT $2`,
        [customer, limit],
      );
      return rows.map((r) => ({
        callId: r.call_id,
        direction: r.direction,
        queue: r.queue ?? undefined,
        offeredAtMs: r.offered_at.getTime(),
        answeredBy: r.answered_by ?? undefined,
        endedAtMs: r.ended_at?.getTime(),
        outcome: r.outcome ?? undefined,
        notes: r.notes ?? undefined,
      }));
    },
    /** What the queue's bot handed over with the call, if it did. */
    async assistantNote(
      callId: string,
    ): Promise<{ summary: string; facts: Record<string, string>; transcript: unknown[] } | undefined> {
      const { rows } = await pool.query<{
        assistant: { summary: string; facts: Record<string, string>; transcript: unknown[] } | null;
      }>('SELECT assistant FROM calls WHERE call_id = $1', [callId]);
      return rows[0]?.assistant ?? undefined;
    },
    /** The customers' ratings of these calls that were for this agent, by call id. */
    async ratingsFor(callIds: string[], agentId: string): Promise<Record<string, number>> {
      if (callIds.length === 0) return {};
      const { rows } = await pool.query<{ call_id: string; csat_score: number }>(
        `SELECT call_id, csat_score FROM calls
         WHERE call_id = ANY($1::text[]) AND csat_agent = $2 AND csat_score IS NOT NULL`,
        [callIds, agentId],
      );
      return Object.fromEntries(rows.map((r) => [r.call_id, r.csat_score]));
    },
    /** The customer's rating of a call, if they gave one. */
    async rating(callId: string): Promise<{ score: number; agent: string } | undefined> {
      const { rows } = await pool.query<{ csat_score: number | null; csat_agent: string | null }>(
        'SELECT csat_score, csat_agent FROM calls WHERE call_id = $1',
        [callId],
      );
      const row = rows[0];
      return row?.csat_score ? { score: row.csat_score, agent: row.csat_agent ?? '' } : undefined;
    },
    /** The file the team's media server recorded a call's room into, if it did. */
    async roomRecording(callId: string): Promise<string | undefined> {
      const { rows } = await pool.query<{ room_recording: string | null }>(
        'SELECT room_recording FROM calls WHERE call_id = $1',
        [callId],
      );
      return rows[0]?.room_recording ?? undefined;
    },
    query: <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => pool.query<R>(text, values),
    /** Tables' changes as PostgreSQL announces them, on one listening connection of this instance. */
    changes: { watch: changes.watch, readAll: changes.readAll },
    async healthy(): Promise<boolean> {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close(): Promise<void> {
      await changes.close();
      await pool.end();
    },
  };
}
export type RecordsDb = ReturnType<typeof createRecordsDb>;
