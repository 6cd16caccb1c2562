import { statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryResultRow } from 'pg';
import {
  retentionCutoffs,
  type CustomerDataCounts,
  type ErasedCustomer,
  type RetentionPolicy,
} from '../../shared/retention';
import { customerDigest } from '../../whatsapp/customerDigest';
import type { TableChanges } from '../records/tableChanges';
import type { ArchiveEntry } from './tarArchive';

type Query = <R extends QueryResultRow>(text: string, values?: unknown[]) => Promise<{ rows: R[] }>;

/** What one retention sweep removed, by kind. */
export interface SweepCounts {
  callRecords: number;
  notes: number;
  roomRecordings: number;
  surveyAnswers: number;
}

/** The same rule as serving a recording: only a plain file name of our own records, inside the recordings folder. */
const plainFile = (name: string | null): name is string => Boolean(name && /^[\w.-]+$/.test(name));

/** How many erased customers a welcome names at most: newest first (older ones are pruned by age anyway). */
const ERASURES_SENT = 5000;

/**
 * Everything the team keeps about customers in PostgreSQL and the recordings folder: one customer's data found,
 * exported or erased, and each kind deleted once its retention has passed.
 */
export function createTeamData(deps: { query: Query; changes: Pick<TableChanges, 'watch'>; recordingsDir?: string }) {
  const { query } = deps;

  /** Removes recordings from the folder; one already gone counts as removed. Returns the names removed. */
  function removeFiles(names: Array<string | null>): string[] {
    const dir = deps.recordingsDir;
    if (!dir) return [];
    const removed: string[] = [];
    for (const name of names) {
      if (!plainFile(name)) continue;
      try {
        unlinkSync(join(dir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      removed.push(name);
    }
    return removed;
  }

  async function callsOf(customer: string) {
    const { rows } = await query<{
      call_id: string;
      room_recording: string | null;
      has_notes: boolean;
      has_transcript: boolean;
      has_rating: boolean;
      record: Record<string, unknown>;
    }>(
      `SELECT call_id, room_recording, (notes IS NOT NULL OR assistant IS NOT NULL) AS has_notes,
         (assistant -> 'transcript') IS NOT NULL AND jsonb_array_length(assistant -> 'transcript') > 0 AS has_transcript,
         csat_score IS NOT NULL AS has_rating, to_jsonb(calls) AS record
       FROM calls WHERE customer = $1 ORDER BY offered_at`,
      [customer],
    );
    return rows;
  }

  /** The erased customers desks should forget, newest first. */
  async function erasures(): Promise<ErasedCustomer[]> {
    const { rows } = await query<{ digest: string; at: Date }>(
      'SELECT digest, erased_at AS at FROM customer_erasures ORDER BY id DESC LIMIT $1',
      [ERASURES_SENT],
    );
    return rows.map((r) => ({ digest: r.digest, atMs: r.at.getTime() }));
  }

  function countsOf(rows: Awaited<ReturnType<typeof callsOf>>): CustomerDataCounts {
    const recordingsDir = deps.recordingsDir;
    return {
      calls: rows.length,
      notes: rows.filter((r) => r.has_notes).length,
      roomRecordings: rows.filter((r) => plainFile(r.room_recording) && recordingsDir).length,
      transcripts: rows.filter((r) => r.has_transcript).length,
      surveyAnswers: rows.filter((r) => r.has_rating).length,
    };
  }

  return {
    erasures,
    /** What the team keeps about this customer, counted. */
    async find(customer: string): Promise<CustomerDataCounts> {
      return countsOf(await callsOf(customer));
    },

    /** The customer's archive: their call records (with notes, hand-over notes and ratings) and room recordings. */
    async archive(customer: string): Promise<{ counts: CustomerDataCounts; entries: ArchiveEntry[] }> {
      const rows = await callsOf(customer);
      const callIds = rows.map((r) => r.call_id);
      const [offers, rings, callbacks] = await Promise.all([
        query('SELECT * FROM call_offers WHERE call_id = ANY($1) ORDER BY offered_at', [callIds]),
        query('SELECT * FROM ring_outcomes WHERE call_id = ANY($1) ORDER BY ended_at', [callIds]),
        query('SELECT * FROM callbacks WHERE customer = $1 ORDER BY offered_at', [customer]),
      ]);
      const now = Date.now();
      const recordings: ArchiveEntry[] = [];
      for (const row of rows) {
        if (!plainFile(row.room_recording) || !deps.recordingsDir) continue;
        const path = join(deps.recordingsDir, row.room_recording);
        try {
          const stat = statSync(path);
          recordings.push({ name: `recordings/${row.room_recording}`, path, size: stat.size, mtimeMs: stat.mtimeMs });
        } catch {
          // Listed in the record but gone from the folder: the record says so, nothing more can be sent.
        }
      }
      const document = {
        customer,
        exportedAt: new Date(now).toISOString(),
        calls: rows.map((r) => r.record),
        rings: offers.rows,
        ringOutcomes: rings.rows,
        callbacks: callbacks.rows,
        recordings: recordings.map((r) => r.name),
      };
      return {
        counts: countsOf(rows),
        entries: [
          { name: 'customer.json', bytes: Buffer.from(JSON.stringify(document, null, 2)), mtimeMs: now },
          ...recordings,
        ],
      };
    },

    /**
     * Erases the customer's calls with everything kept with them (notes, ratings, hand-over notes, rings) and their
     * room recordings, and lists the customer (by digest) for desks to forget too. Even when the team kept nothing,
     * the digest is listed: a desk may still hold calls the team never recorded.
     */
    async erase(customer: string, by: string): Promise<CustomerDataCounts> {
      const before = await callsOf(customer);
      removeFiles(before.map((r) => r.room_recording));
      const { rows } = await query<{ room_recording: string | null }>(
        `WITH gone AS (DELETE FROM calls WHERE customer = $1 RETURNING call_id, room_recording),
           offers AS (DELETE FROM call_offers WHERE call_id IN (SELECT call_id FROM gone)),
           rings AS (DELETE FROM ring_outcomes WHERE call_id IN (SELECT call_id FROM gone)),
           parties AS (DELETE FROM call_parties WHERE call_id IN (SELECT call_id FROM gone)),
           callbacks AS (DELETE FROM callbacks WHERE customer = $1),
           forgotten AS (INSERT INTO erased_calls (call_id) SELECT call_id FROM gone ON CONFLICT DO NOTHING),
           listed AS (INSERT INTO customer_erasures (digest, erased_by) VALUES ($2, $3))
         SELECT room_recording FROM gone`,
        [customer, customerDigest(customer), by],
      );
      // A recording that arrived between the look and the deletion goes too.
      removeFiles(rows.map((r) => r.room_recording));
      return countsOf(before);
    },

    /**
     * Calls `apply` with the list of erased customers now and whenever an erasure (on any instance) adds to it or a
     * sweep shortens it, as PostgreSQL announces it. Returns a stop.
     */
    watchErasures(apply: (erased: ErasedCustomer[]) => void, onError: (error: unknown) => void) {
      let seen = '';
      const look = async () => {
        const { rows } = await query<{ mark: string }>(
          "SELECT coalesce(max(id), 0)::text || '/' || count(*)::text AS mark FROM customer_erasures",
        );
        if (rows[0]?.mark === seen) return;
        const erased = await erasures();
        seen = rows[0]?.mark ?? '';
        apply(erased);
      };
      // The table appears with the migration; until then (or while PostgreSQL is down) the list stays as it was.
      return deps.changes.watch('customer_erasures', () =>
        look().catch((error: unknown) => {
          onError(error);
          throw error;
        }),
      );
    },

    /** Deletes what the policy says has expired, kind by kind; each step is one statement and safe to repeat. */
    async sweep(policy: RetentionPolicy, nowMs: number): Promise<SweepCounts> {
      const cut = retentionCutoffs(policy, nowMs);
      const at = (ms: number) => new Date(ms);
      const counts: SweepCounts = { callRecords: 0, notes: 0, roomRecordings: 0, surveyAnswers: 0 };
      // Files first, so a record never goes while the recording it names stays on disk unlisted.
      if (cut.roomRecordings !== undefined && deps.recordingsDir) {
        const { rows } = await query<{ room_recording: string }>(
          'SELECT room_recording FROM calls WHERE room_recording IS NOT NULL AND offered_at < $1',
          [at(cut.roomRecordings)],
        );
        const removed = removeFiles(rows.map((r) => r.room_recording));
        const cleared = await query(
          'UPDATE calls SET room_recording = NULL WHERE room_recording = ANY($1) RETURNING 1',
          [removed],
        );
        counts.roomRecordings = cleared.rows.length;
      }
      if (cut.callRecords !== undefined) {
        const { rows } = await query(
          `WITH gone AS (DELETE FROM calls WHERE offered_at < $1 RETURNING call_id),
             offers AS (DELETE FROM call_offers WHERE offered_at < $1 OR call_id IN (SELECT call_id FROM gone)),
             rings AS (DELETE FROM ring_outcomes WHERE ended_at < $1 OR call_id IN (SELECT call_id FROM gone)),
             parties AS (DELETE FROM call_parties WHERE joined_at < $1 OR call_id IN (SELECT call_id FROM gone)),
             callbacks AS (DELETE FROM callbacks WHERE offered_at < $1)
           SELECT 1 FROM gone`,
          [at(cut.callRecords)],
        );
        counts.callRecords = rows.length;
        // Desks prune their calls this old by age, so the list of whom to forget needs them no longer either.
        await query('DELETE FROM customer_erasures WHERE erased_at < $1', [at(cut.callRecords)]);
        await query('DELETE FROM erased_calls WHERE erased_at < $1', [at(cut.callRecords)]);
      }
      if (cut.notes !== undefined) {
        const { rows } = await query(
          `UPDATE calls SET notes = NULL, assistant = NULL
           WHERE offered_at < $1 AND (notes IS NOT NULL OR assistant IS NOT NULL) RETURNING 1`,
          [at(cut.notes)],
        );
        counts.notes = rows.length;
      }
      if (cut.surveyAnswers !== undefined) {
        const { rows } = await query(
          `UPDATE calls SET csat_score = NULL, csat_agent = NULL, csat_at = NULL
           WHERE offered_at < $1 AND csat_score IS NOT NULL RETURNING 1`,
          [at(cut.surveyAnswers)],
        );
        counts.surveyAnswers = rows.length;
      }
      return counts;
    },
  };
}
export type TeamData = ReturnType<typeof createTeamData>;
