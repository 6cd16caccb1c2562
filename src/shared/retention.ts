import { asciiDigits } from './asciiDigits';
import { z } from 'zod';
import { SETTINGS_RULES } from './settingsRules';
import { BusinessScopedUserId } from './webhookSchemas';

const Days = z
  .number({ error: SETTINGS_RULES.days })
  .int(SETTINGS_RULES.wholeDays)
  .min(1, SETTINGS_RULES.daysMin)
  .max(3650, SETTINGS_RULES.daysMax);

/**
 * How long the team keeps each kind of data, in days after the call; a kind left out is kept until erased. Set by an
 * admin in the team settings; the relay deletes what is older each day and desks prune their own history by it.
 */
export const RetentionPolicy = z
  .object({
    /** The call's record itself (who, when, how it ended), and with it everything else about the call. */
    callRecords: Days,
    /** The agent's wrap-up notes and the assistant's hand-over note (its summary, facts and transcript). */
    notes: Days,
    /** The team media server's recordings of anchored calls (files in RELAY_JANUS_RECORDING_DIR). */
    roomRecordings: Days,
    /** WhatsApp's own recordings and transcripts, which desks keep with their history. */
    metaMedia: Days,
    /** Customers' answers to the post-call survey. */
    surveyAnswers: Days,
  })
  .partial()
  .strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;
export type RetentionKind = keyof RetentionPolicy;
export const RETENTION_KINDS: readonly RetentionKind[] = [
  'callRecords',
  'notes',
  'roomRecordings',
  'metaMedia',
  'surveyAnswers',
];

const DAY_MS = 24 * 3600_000;

/**
 * For each kind the policy limits, the moment before which its data has expired. A call record going takes everything
 * of its call with it, so no kind is kept longer than the records are.
 */
export function retentionCutoffs(policy: RetentionPolicy, nowMs: number): Partial<Record<RetentionKind, number>> {
  const cutoffs: Partial<Record<RetentionKind, number>> = {};
  for (const kind of RETENTION_KINDS) {
    const days = Math.min(policy[kind] ?? Infinity, policy.callRecords ?? Infinity);
    if (Number.isFinite(days)) cutoffs[kind] = nowMs - days * DAY_MS;
  }
  return cutoffs;
}

/**
 * One customer as the admin names them: a phone number with its country code (spaces, dashes, brackets and a
 * leading + are dropped, as WhatsApp writes numbers in digits) or a business-scoped user ID (`US.1234…`).
 */
export const CustomerKey = z
  .string()
  .trim()
  .max(160)
  // Digits typed in Arabic-Indic or Devanagari read as the number they are.
  .transform(asciiDigits)
  .transform((raw) => (/^[+\d\s().-]+$/.test(raw) ? raw.replace(/[^\d]/g, '') : raw))
  .pipe(
    z.union([z.string().regex(/^\d{6,15}$/), BusinessScopedUserId], {
      error: 'a phone number with its country code, or a business-scoped user ID like US.1234',
    }),
  );

/** POST /board/api/customer-data: export or erase everything the team keeps about one customer. */
export const CustomerDataRequest = z.object({ customer: CustomerKey, action: z.enum(['export', 'erase']) }).strict();
export type CustomerDataRequest = z.infer<typeof CustomerDataRequest>;

/** What was found (and, for an erasure, removed) for one customer at the team. */
export const CustomerDataCounts = z.object({
  calls: z.number().int().nonnegative(),
  notes: z.number().int().nonnegative(),
  roomRecordings: z.number().int().nonnegative(),
  transcripts: z.number().int().nonnegative(),
  surveyAnswers: z.number().int().nonnegative(),
});
export type CustomerDataCounts = z.infer<typeof CustomerDataCounts>;

/** The reply to an erasure (200; 404 when the team kept nothing), or to an export that found nothing (404). */
export const CustomerDataReply = z.object({ found: CustomerDataCounts });
export type CustomerDataReply = z.infer<typeof CustomerDataReply>;

/**
 * An erased customer as relays tell desks: the SHA-256 of the number or user ID in hex (never the number itself), and
 * when; calls after that moment are new calls of theirs, kept as any other.
 */
export const ErasedCustomer = z.object({ digest: z.string().regex(/^[0-9a-f]{64}$/), atMs: z.number() });
export type ErasedCustomer = z.infer<typeof ErasedCustomer>;

/** What a desk learns from its relay about the team's data: how long to keep history, and whom to forget. */
export const TeamDataPolicy = z.object({
  retention: RetentionPolicy.optional(),
  erasedCustomers: z.array(ErasedCustomer).max(5000).optional(),
});
export type TeamDataPolicy = z.infer<typeof TeamDataPolicy>;
