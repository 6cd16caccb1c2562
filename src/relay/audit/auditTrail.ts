import { csvText } from '../../shared/csv';
import type { AuditEntry, AuditQuery, AuditRow } from '../../shared/auditSchemas';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from '../records/recordsDb';

const INSERT = `INSERT INTO audit_log (actor, role, action, target, detail, source) VALUES ($1, $2, $3, $4, $5, $6)`;
// Ordered by the table's id, a number: the output column `id` is its text, which would sort 1, 10, 2.
const READ = `
  SELECT id::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, actor, role, action,
    target, detail, source
  FROM audit_log WHERE at >= $1::date AND at < $2::date + 1 ORDER BY audit_log.id LIMIT 100000`;

/**
 * The append-only audit trail in PostgreSQL. An entry is written at once; one the database could not take is logged
 * whole at error level (the log is the trail's fallback), and the action it records is not undone.
 */
export function createAuditTrail(db: Pick<RecordsDb, 'query'>, log: Logger) {
  return {
    async write(entry: AuditEntry): Promise<void> {
      try {
        await db.query(INSERT, [
          entry.actor,
          entry.role,
          entry.action,
          entry.target ?? null,
          entry.detail ?? null,
          entry.source,
        ]);
      } catch (error) {
        log.error('audit entry not written to PostgreSQL', { ...entry, error: errorText(error) });
      }
    },
    async read(query: Pick<AuditQuery, 'from' | 'to'>): Promise<AuditRow[]> {
      const { rows } = await db.query<AuditRow & { target: string | null; detail: string | null }>(READ, [
        query.from,
        query.to,
      ]);
      return rows.map((r) => ({ ...r, target: r.target ?? undefined, detail: r.detail ?? undefined }));
    },
  };
}
export type AuditTrail = ReturnType<typeof createAuditTrail>;

/** The trail as CSV, one line per entry, cells quoted and formula starts defused. */
export function auditCsv(rows: readonly AuditRow[]): string {
  return csvText([
    ['id', 'at', 'actor', 'role', 'action', 'target', 'detail', 'source'],
    ...rows.map((r) => [r.id, r.at, r.actor, r.role, r.action, r.target ?? '', r.detail ?? '', r.source]),
  ]);
}
