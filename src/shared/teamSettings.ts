import { z } from 'zod';
import { SETTINGS_RULES, settingsRefusal } from './settingsRules';
import { BoardThresholds } from './boardTiles';
import { RetentionPolicy } from './retention';
import { QueueHours, QueueId, QueueMaxWait } from './teamQueues';

/**
 * What an admin sets for the whole team from the board (stored in PostgreSQL with versions, applied by every relay
 * instance within seconds): the reasons agents may give for not being ready, and the wrap-up outcome codes.
 */
/**
 * A not-ready reason: letters of any script (lower-case where the script has cases: it is also a key), digits,
 * spaces, - or _. An Arabic or Hindi team names its own reasons in its own words. Spaces only between words: a blank
 * reason, or one that looks like another ("break ", " break"), is refused.
 */
export const NOT_READY_REASON =
  /^(?=.{1,40}$)[\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]+(?: [\p{Ll}\p{Lo}\p{Lm}\p{M}\p{Nd}_-]+)*$/u;
export const NOT_READY_REASON_RULE = SETTINGS_RULES.reasonFormat;

export const TeamSettings = z.object({
  notReadyReasons: z
    .array(z.string().regex(NOT_READY_REASON, NOT_READY_REASON_RULE))
    .min(1, SETTINGS_RULES.reasonsMin)
    .max(30, SETTINGS_RULES.reasonsMax)
    .refine((r) => new Set(r).size === r.length, SETTINGS_RULES.reasonTwice)
    .refine((r) => !r.includes('available'), SETTINGS_RULES.reasonAvailable),
  wrapUpCodes: z
    .array(
      z
        .string()
        .trim()
        .min(1, SETTINGS_RULES.codeEmpty)
        .max(40, SETTINGS_RULES.codeTooLong)
        // Control characters (a NUL that PostgreSQL would refuse) are no part of a code.
        .regex(/^[^\p{Cc}]*$/u, SETTINGS_RULES.codeControl),
    )
    .min(1, SETTINGS_RULES.codesMin)
    .max(30, SETTINGS_RULES.codesMax)
    .refine((c) => new Set(c).size === c.length, SETTINGS_RULES.codeTwice),
  /** The board's service-level target and longest wait; the defaults until an admin sets them. */
  boardThresholds: BoardThresholds.optional(),
  /** How long each kind of data is kept, in days; absent (or a kind left out): kept until erased. */
  retention: RetentionPolicy.optional(),
  /**
   * Business hours and maximum wait per queue (by the queues file's ids), replacing the file's for the queues named;
   * a queue named without `hours` or `maxWait` has none.
   */
  queueHours: z
    // Strict: a field put beside `hours` instead of inside it (`closed`) is named, not dropped without a word.
    .record(QueueId, z.strictObject({ hours: QueueHours.optional(), maxWait: QueueMaxWait.optional() }))
    .refine((set) => Object.keys(set).length <= 200, SETTINGS_RULES.queueHoursMax)
    .optional(),
});
export type TeamSettings = z.infer<typeof TeamSettings>;

/**
 * What an admin sends to change the settings: the fields given replace the ones in force, those left out stay.
 * `basedOn` is the version the admin was looking at (0: none yet): if someone saved since, the change is refused
 * rather than silently undoing theirs.
 */
export const TeamSettingsChange = TeamSettings.partial().extend({
  basedOn: z.number().int().min(0).optional(),
});
export type TeamSettingsChange = z.infer<typeof TeamSettingsChange>;

/** Each problem with the field it concerns first (`notReadyReasons.2: …`), so the admin knows what to fix. */
export function settingsProblems(error: z.ZodError): string[] {
  return settingsRefusal(error.issues).problems;
}
