import { z } from 'zod';
import { BoardFigures } from './boardSchemas';

const WithRate = BoardFigures.extend({ answerRatePct: z.number().optional() });

/** The supervisor's report over a date range (GET /board/api/report). */
export const Report = z.object({
  fromMs: z.number(),
  toMs: z.number(),
  bucket: z.enum(['hour', 'day']),
  serviceLevelSec: z.number(),
  buckets: z.array(z.object({ startMs: z.number(), offered: z.number().int(), answered: z.number().int() })),
  team: WithRate,
  byQueue: z.array(WithRate.extend({ queue: z.string() })),
  byAgent: z.array(WithRate.extend({ agent: z.string() })),
  /** Each queue id with the name the operator gave it (RELAY_QUEUES_FILE), for the page to show names. */
  queueNames: z.record(z.string(), z.string().max(80)).optional(),
});
export type Report = z.infer<typeof Report>;

/** The longest range a report covers. */
export const REPORT_MAX_DAYS = 366;

/** The report's query string, checked: dates as YYYY-MM-DD (from inclusive, to inclusive), and the bucket. */
export const ReportQuery = z
  .object({
    // A real calendar day (2026-02-30 is refused as such, not read as March 2nd).
    from: z.iso.date('from: a date as YYYY-MM-DD that exists'),
    to: z.iso.date('to: a date as YYYY-MM-DD that exists'),
    bucket: z.enum(['hour', 'day']).default('day'),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .transform((q, ctx) => {
    const fromMs = new Date(`${q.from}T00:00:00`).getTime();
    const to = new Date(`${q.to}T00:00:00`);
    to.setDate(to.getDate() + 1);
    const toMs = to.getTime();
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) {
      ctx.addIssue({ code: 'custom', message: 'from and to must be real dates' });
      return z.NEVER;
    }
    if (toMs <= fromMs) {
      ctx.addIssue({ code: 'custom', message: 'to must not be before from' });
      return z.NEVER;
    }
    if (toMs - fromMs > REPORT_MAX_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', message: `a report covers at most ${REPORT_MAX_DAYS} days` });
      return z.NEVER;
    }
    return { fromMs, toMs, bucket: q.bucket, format: q.format };
  });
