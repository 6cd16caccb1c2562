import { z } from 'zod';

/** What the audit trail records: sign-ins, and every action a supervisor or an admin takes. */
export const AuditAction = z.enum([
  'sign_in',
  'sign_in_refused',
  'session_ended',
  'listen',
  'whisper',
  'barge',
  'set_agent_state',
  'view_report',
  'export_report',
  'play_recording',
  'view_audit',
  'export_audit',
  'config_change',
  'export_customer',
  'erase_customer',
  'retention_sweep',
]);
export type AuditAction = z.infer<typeof AuditAction>;

/** One line of the audit trail as it is written. */
export const AuditEntry = z.object({
  actor: z.string().max(256),
  role: z.string().max(32),
  action: AuditAction,
  target: z.string().max(512).optional(),
  detail: z.string().max(2000).optional(),
  /** The address the request came from (the client behind a listed proxy). */
  source: z.string().max(100),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** One line as the admin reads it back. */
export const AuditRow = AuditEntry.extend({ id: z.string(), at: z.string() });
export type AuditRow = z.infer<typeof AuditRow>;

// A real calendar day: 2026-02-30 is refused here, not by PostgreSQL as a database error.
const Day = z.iso.date('a day as YYYY-MM-DD that exists');

/** GET /board/api/audit: the days (inclusive, UTC) and the form of the answer. */
export const AuditQuery = z
  .object({ from: Day, to: Day, format: z.enum(['json', 'csv']).default('json') })
  .refine((q) => q.from <= q.to, 'from must not be after to');
export type AuditQuery = z.infer<typeof AuditQuery>;
