import type { ErasedCustomer } from '../shared/retention';
import type { SqlDatabase } from './sqlite';

/** A call whose WhatsApp recording or transcript left the history: its files in the media folder go too. */
export interface RemovedMedia {
  callId: string;
  recordingFile?: string;
}

export interface PruneCutoffs {
  callRecords?: number;
  notes?: number;
  metaMedia?: number;
  surveyAnswers?: number;
}

const WITH_MEDIA = 'recording_file IS NOT NULL OR transcript IS NOT NULL OR media_notices IS NOT NULL';

/**
 * The desk's side of the team's retention and erasure, on its history database: calls older than the policy allows
 * go (or lose their notes, WhatsApp's recording and transcript, or the customer's rating), and an erased customer's calls from before the
 * erasure go, with the permission requests sent to them.
 */
export function createHistoryRetention(db: SqlDatabase) {
  const withMediaBefore = db.prepare(
    `SELECT call_id, recording_file FROM calls WHERE offered_at < ? AND (${WITH_MEDIA})`,
  );
  const deleteBefore = db.prepare('DELETE FROM calls WHERE offered_at < ?');
  const clearNotes = db.prepare('UPDATE calls SET notes = NULL WHERE offered_at < ? AND notes IS NOT NULL');
  const clearMedia = db.prepare(
    `UPDATE calls SET recording_file = NULL, recording_mime = NULL, transcript = NULL, media_notices = NULL,
       media_problem = NULL, media_problem_said = NULL WHERE offered_at < ? AND (${WITH_MEDIA})`,
  );
  const clearRatings = db.prepare('UPDATE calls SET csat = NULL WHERE offered_at < ? AND csat IS NOT NULL');
  const customers = db.prepare('SELECT DISTINCT number AS c FROM calls UNION SELECT DISTINCT username FROM calls');
  const callsOf = db.prepare(
    'SELECT call_id, recording_file FROM calls WHERE (number = ? OR username = ?) AND offered_at <= ?',
  );
  const deleteCall = db.prepare('DELETE FROM calls WHERE call_id = ?');
  const requestedCustomers = db.prepare('SELECT DISTINCT customer AS c FROM permission_requests');
  const deleteRequests = db.prepare('DELETE FROM permission_requests WHERE customer = ? AND sent_at <= ?');

  type MediaRow = { call_id: string; recording_file: string | null };
  const removed = (rows: MediaRow[]): RemovedMedia[] =>
    rows.map((r) => ({ callId: r.call_id, ...(r.recording_file && { recordingFile: r.recording_file }) }));

  function inTransaction<T>(work: () => T): T {
    db.exec('BEGIN');
    try {
      const result = work();
      db.exec('COMMIT');
      return result;
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  }

  return {
    /** Applies the cutoffs; returns what went, and the media whose files are to be removed. */
    prune(cut: PruneCutoffs) {
      return inTransaction(() => {
        const media: RemovedMedia[] = [];
        let calls = 0;
        let notes = 0;
        let metaMedia = 0;
        let surveyAnswers = 0;
        if (cut.callRecords !== undefined) {
          media.push(...removed(withMediaBefore.all(cut.callRecords) as MediaRow[]));
          calls = Number(deleteBefore.run(cut.callRecords).changes);
        }
        if (cut.notes !== undefined) notes = Number(clearNotes.run(cut.notes).changes);
        if (cut.metaMedia !== undefined) {
          media.push(...removed(withMediaBefore.all(cut.metaMedia) as MediaRow[]));
          metaMedia = Number(clearMedia.run(cut.metaMedia).changes);
        }
        if (cut.surveyAnswers !== undefined) surveyAnswers = Number(clearRatings.run(cut.surveyAnswers).changes);
        return { calls, notes, metaMedia, surveyAnswers, media };
      });
    },

    /** Forgets the erased customers' calls (by number or username) up to each erasure; `digest` names a customer. */
    forget(erased: readonly ErasedCustomer[], digest: (customer: string) => string) {
      if (erased.length === 0) return { calls: 0, media: [] as RemovedMedia[] };
      const erasedAt = new Map<string, number>();
      for (const e of erased) erasedAt.set(e.digest, Math.max(e.atMs, erasedAt.get(e.digest) ?? 0));
      return inTransaction(() => {
        const media: RemovedMedia[] = [];
        let calls = 0;
        for (const { c } of customers.all() as Array<{ c: string | null }>) {
          const atMs = c ? erasedAt.get(digest(c)) : undefined;
          if (atMs === undefined) continue;
          for (const row of callsOf.all(c, c, atMs) as MediaRow[]) {
            media.push(...removed([row]));
            calls += Number(deleteCall.run(row.call_id).changes);
          }
        }
        for (const { c } of requestedCustomers.all() as Array<{ c: string }>) {
          const atMs = erasedAt.get(digest(c));
          if (atMs !== undefined) deleteRequests.run(c, atMs);
        }
        return { calls, media };
      });
    },
  };
}
export type HistoryRetention = ReturnType<typeof createHistoryRetention>;
