import { z } from 'zod';
import { anyCallErrorSentence } from './callErrors';

/**
 * What WhatsApp tells the operator about the number rather than about one call: errors a `calls` change carries
 * alone (131044), calling restrictions and warnings (`account_update`), and changed settings
 * (`account_settings_update`). Shapes from Meta's "Configure Call Settings" and "Troubleshoot WhatsApp Calling
 * Errors" pages (June 2026).
 */
export const AccountAlert = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('calling_error'),
    code: z.number().int().optional(),
    detail: z.string().max(500).optional(),
  }),
  z.object({
    kind: z.literal('restriction'),
    /** RESTRICTED_BUSINESS_INITIATED_CALLING, RESTRICTED_USER_INITIATED_CALLING, …: Meta may add more. */
    restrictionType: z.string().min(1).max(120),
    reason: z.string().max(300).optional(),
    expiresAtMs: z.number().optional(),
  }),
  z.object({
    kind: z.literal('warning'),
    /** USER_INITIATED_CALLS_LOW_PICKUP_RATE and the like. */
    warning: z.string().min(1).max(120),
  }),
  z.object({ kind: z.literal('settings_changed') }),
]);
export type AccountAlert = z.infer<typeof AccountAlert>;

/** An alert as the desk and the board keep it: when it came, and for which number. */
export const ReceivedAccountAlert = z.object({
  alert: AccountAlert,
  atMs: z.number(),
  phoneNumberId: z.string().max(40).optional(),
});
export type ReceivedAccountAlert = z.infer<typeof ReceivedAccountAlert>;

/** Meta's webhook shapes. Unknown fields are kept out; a part that does not parse is skipped, never the delivery. */
const Expiration = z
  .union([z.number(), z.string().regex(/^\d+$/)])
  .transform((v) => Number(v))
  .optional();
export const RestrictionItem = z.object({
  type: z.string().min(1).max(120),
  reason: z.string().max(300).optional(),
  expiration: Expiration,
});
export const AccountUpdateValue = z.object({
  phone_number: z.string().max(40).optional(),
  event: z.string().max(120).optional(),
  restrictions: z.object({ restrictions_list: z.array(RestrictionItem).max(50) }).optional(),
  /** Warnings before calling is switched off, e.g. USER_INITIATED_CALLS_LOW_PICKUP_RATE. */
  warnings: z
    .array(z.object({ type: z.string().min(1).max(120) }))
    .max(50)
    .optional(),
});
export const AccountSettingsUpdateValue = z.object({
  phone_number_id: z.string().max(40).optional(),
  phone_number: z.string().max(40).optional(),
});

/** Meta's event names that are warnings about calling rather than restrictions. */
const WARNING_EVENT = /LOW_PICKUP_RATE|WARNING/;

/** The alerts one `account_update` value carries. */
export function alertsOfAccountUpdate(value: z.infer<typeof AccountUpdateValue>): AccountAlert[] {
  const alerts: AccountAlert[] = (value.restrictions?.restrictions_list ?? []).map((r) => ({
    kind: 'restriction' as const,
    restrictionType: r.type,
    reason: r.reason,
    expiresAtMs: r.expiration === undefined ? undefined : r.expiration * 1000,
  }));
  for (const w of value.warnings ?? []) alerts.push({ kind: 'warning', warning: w.type });
  if (value.event && WARNING_EVENT.test(value.event) && !alerts.some((a) => a.kind === 'warning'))
    alerts.push({ kind: 'warning', warning: value.event });
  return alerts;
}

/** Meta's restriction reasons in words; others are shown as Meta wrote them, lower-cased. */
const REASONS: Record<string, string> = {
  LOW_PICKUP_RATE: 'too many missed calls',
  USER_INITIATED_CALLS_LOW_PICKUP_RATE: 'too many missed calls',
  HIGH_NEGATIVE_FEEDBACK: 'too many customers blocked or reported the number',
  NEGATIVE_FEEDBACK: 'too many customers blocked or reported the number',
};
export function restrictionReasonWords(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  return REASONS[reason.toUpperCase()] ?? reason.replace(/_/g, ' ').toLowerCase();
}

/** What a restriction stops, by Meta's type. */
export function restrictionScope(type: string): 'business' | 'user' | 'button' | 'calling' {
  if (/CALL_BUTTON_HIDDEN/.test(type)) return 'button';
  if (/BUSINESS_INITIATED/.test(type)) return 'business';
  if (/USER_INITIATED/.test(type)) return 'user';
  return 'calling';
}

function day(ms: number): string {
  return new Date(ms).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** One English sentence for logs, the board and the relay's operators (the desk shows its own language). */
export function accountAlertSentence(alert: AccountAlert): string {
  switch (alert.kind) {
    case 'calling_error':
      return anyCallErrorSentence(alert.code);
    case 'restriction': {
      const scope = restrictionScope(alert.restrictionType);
      const what =
        scope === 'business'
          ? 'WhatsApp restricted calling customers from this number'
          : scope === 'user'
            ? 'WhatsApp restricted calling on this number'
            : scope === 'button'
              ? 'WhatsApp hid the call button of this number'
              : 'WhatsApp restricted calling on this number';
      const until = alert.expiresAtMs === undefined ? '' : ` until ${day(alert.expiresAtMs)}`;
      const why = restrictionReasonWords(alert.reason);
      return `${what}${until}${why ? `: ${why}` : ''}.`;
    }
    case 'warning':
      return /LOW_PICKUP_RATE/.test(alert.warning)
        ? 'WhatsApp warns that too many calls to this number go unanswered: answer more, or WhatsApp will hide the call button.'
        : `WhatsApp sent a warning about calling on this number (${alert.warning}).`;
    case 'settings_changed':
      return 'The number’s calling settings were changed at WhatsApp.';
  }
}

/** What an alert is about: a newer one on the same subject replaces it. */
function subjectOf(alert: AccountAlert): string {
  switch (alert.kind) {
    case 'restriction':
      return `restriction:${alert.restrictionType}`;
    case 'warning':
      return `warning:${alert.warning}`;
    case 'calling_error':
      return `error:${alert.code ?? ''}`;
    case 'settings_changed':
      return 'settings';
  }
}

/**
 * The alerts worth showing after `received` came: newest first, one per subject, expired restrictions gone; a
 * restriction in force is never pushed out by a run of lesser alerts.
 */
export function keepAlert(
  list: readonly ReceivedAccountAlert[],
  received: ReceivedAccountAlert | undefined,
  nowMs: number,
  max = 10,
): ReceivedAccountAlert[] {
  const all = received ? [received, ...list] : [...list];
  const seen = new Set<string>();
  return all
    .filter((r) => {
      if (r.alert.kind === 'restriction' && r.alert.expiresAtMs !== undefined && r.alert.expiresAtMs <= nowMs)
        return false;
      const subject = subjectOf(r.alert);
      if (seen.has(subject)) return false;
      seen.add(subject);
      return true;
    })
    .filter((r, i, kept) => {
      const restrictionsAfter = kept.slice(i + 1).filter((k) => k.alert.kind === 'restriction').length;
      return r.alert.kind === 'restriction' || i + restrictionsAfter < max;
    })
    .slice(0, max);
}
