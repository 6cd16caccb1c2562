import { z } from 'zod';
import { accountAlertSentence, RestrictionItem } from './accountAlerts';

/**
 * The number's calling settings as `GET /{phone-number-id}/settings` returns them ("Configure Call Settings" and
 * the Settings API reference, Meta, 2026). Meta's samples write the enums in upper case in requests and in lower
 * case in some responses, so they are read case-blind; fields this desk does not use pass through untouched.
 */
const Enum = z.string().transform((v) => v.toUpperCase());
const OperatingHours = z.object({ day_of_week: z.string(), open_time: z.string(), close_time: z.string() });
const Holiday = z.object({ date: z.string(), start_time: z.string(), end_time: z.string() });
export const CallHours = z.looseObject({
  status: Enum.optional(),
  timezone_id: z.string().optional(),
  weekly_operating_hours: z.array(OperatingHours).optional(),
  holiday_schedule: z.array(Holiday).optional(),
});
export const CallingSettingsResponse = z.looseObject({
  calling: z
    .looseObject({
      status: Enum.optional(),
      call_icon_visibility: Enum.optional(),
      callback_permission_status: Enum.optional(),
      call_hours: CallHours.optional(),
      sip: z.looseObject({ status: Enum.optional() }).optional(),
      restrictions: z.unknown().optional(),
    })
    .optional(),
});
export type CallingSettingsResponse = z.infer<typeof CallingSettingsResponse>;

/** What an operator may change from the desk; everything else is left as Meta has it. */
export const CallingSettingsChange = z.object({
  status: z.enum(['ENABLED', 'DISABLED']),
  call_icon_visibility: z.enum(['DEFAULT', 'DISABLE_ALL']),
  callback_permission_status: z.enum(['ENABLED', 'DISABLED']),
  call_hours_status: z.enum(['ENABLED', 'DISABLED']),
  timezone_id: z
    .string()
    .max(64)
    .regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/, 'Time zone: an IANA name such as Europe/Madrid'),
});
export type CallingSettingsChange = z.infer<typeof CallingSettingsChange>;

/** The request body for POST /{phone-number-id}/settings. */
export const CallingSettingsUpdateBody = z.object({
  calling: z.object({
    status: z.enum(['ENABLED', 'DISABLED']),
    call_icon_visibility: z.enum(['DEFAULT', 'DISABLE_ALL']),
    callback_permission_status: z.enum(['ENABLED', 'DISABLED']),
    call_hours: z
      .object({
        status: z.enum(['ENABLED', 'DISABLED']),
        timezone_id: z.string(),
        weekly_operating_hours: z.array(OperatingHours),
        holiday_schedule: z.array(Holiday),
      })
      .optional(),
  }),
});
export type CallingSettingsUpdateBody = z.infer<typeof CallingSettingsUpdateBody>;

/**
 * Builds the update from the operator's change and what Meta has now. Meta replaces call_hours whole, so an
 * omitted holiday list would delete the holidays: the current weekly hours and holidays are always sent back.
 */
export function callingSettingsUpdate(
  change: CallingSettingsChange,
  current: CallingSettingsResponse,
  nowMs = Date.now(),
) {
  const hours = current.calling?.call_hours;
  // Meta refuses a holiday in the past ("Configure Call Settings"), so one left over would block every later save.
  const today = todayIn(change.timezone_id, nowMs);
  const keepHours = change.call_hours_status === 'ENABLED' || hours !== undefined;
  return CallingSettingsUpdateBody.parse({
    calling: {
      status: change.status,
      call_icon_visibility: change.call_icon_visibility,
      callback_permission_status: change.callback_permission_status,
      ...(keepHours
        ? {
            call_hours: {
              status: change.call_hours_status,
              timezone_id: change.timezone_id,
              weekly_operating_hours: hours?.weekly_operating_hours ?? [],
              holiday_schedule: (hours?.holiday_schedule ?? []).filter((h) => h.date >= today),
            },
          }
        : {}),
    },
  });
}

export const SettingsFinding = z.object({ level: z.enum(['ok', 'warning', 'problem']), text: z.string() });
export type SettingsFinding = z.infer<typeof SettingsFinding>;

/** What the Calling section of Settings shows: the values to edit, the findings, and the hours kept as they are. */
export const CallingSettingsView = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    values: CallingSettingsChange,
    findings: z.array(SettingsFinding),
    openingPeriods: z.array(OperatingHours),
    holidays: z.array(Holiday),
  }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type CallingSettingsView = z.infer<typeof CallingSettingsView>;

const asOnOff = (v: string | undefined): 'ENABLED' | 'DISABLED' => (v === 'ENABLED' ? 'ENABLED' : 'DISABLED');

export function callingSettingsView(settings: CallingSettingsResponse): CallingSettingsView {
  const calling = settings.calling;
  return {
    ok: true,
    values: {
      status: asOnOff(calling?.status),
      call_icon_visibility: calling?.call_icon_visibility === 'DISABLE_ALL' ? 'DISABLE_ALL' : 'DEFAULT',
      callback_permission_status: asOnOff(calling?.callback_permission_status),
      call_hours_status: asOnOff(calling?.call_hours?.status),
      timezone_id: calling?.call_hours?.timezone_id ?? 'UTC',
    },
    findings: callingSettingsFindings(settings),
    openingPeriods: calling?.call_hours?.weekly_operating_hours ?? [],
    holidays: calling?.call_hours?.holiday_schedule ?? [],
  };
}

/** `restrictions.restrictions_list` in words ("WhatsApp restricted calling on this number until 12 Dec: …"). */
function restrictionSentences(restrictions: unknown): string[] {
  if (restrictions === undefined || JSON.stringify(restrictions) === '{}') return [];
  const list = (restrictions as { restrictions_list?: unknown } | null)?.restrictions_list;
  const items = Array.isArray(list) ? list.map((item) => RestrictionItem.safeParse(item)) : [];
  const read = items.flatMap((r) => (r.success ? [r.data] : []));
  const sentences = read.map((r) =>
    accountAlertSentence({
      kind: 'restriction',
      restrictionType: r.type,
      reason: r.reason,
      expiresAtMs: r.expiration === undefined ? undefined : r.expiration * 1000,
    }),
  );
  // Something Meta calls a restriction that this desk cannot read is still worth a sentence, never raw JSON.
  if (sentences.length < Math.max(1, items.length))
    sentences.push('WhatsApp restricts calling on this number; WhatsApp Manager shows the details.');
  return sentences;
}

/** The day it is now where the number keeps its call hours, as Meta writes dates (YYYY-MM-DD). */
export function todayIn(timeZone: string | undefined, nowMs = Date.now()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timeZone || 'UTC' }).format(nowMs);
  } catch {
    return new Date(nowMs).toISOString().slice(0, 10);
  }
}

/** Plain sentences an operator can act on, worst first. */
export function callingSettingsFindings(settings: CallingSettingsResponse): SettingsFinding[] {
  const calling = settings.calling;
  const found: SettingsFinding[] = [];
  if (!calling) return [{ level: 'problem', text: 'WhatsApp reports no calling settings for this number.' }];
  if (calling.status !== 'ENABLED')
    found.push({ level: 'problem', text: 'Calling is turned off for this number: no call will ring. Turn it on.' });
  if (calling.sip?.status === 'ENABLED')
    found.push({
      level: 'problem',
      text: 'SIP is turned on for this number, so WhatsApp sends no call webhooks and refuses calls from this app: turn SIP off.',
    });
  for (const text of restrictionSentences(calling.restrictions)) found.push({ level: 'problem', text });
  if (calling.call_icon_visibility === 'DISABLE_ALL')
    found.push({ level: 'warning', text: 'The call button is hidden from customers: they can only call back.' });
  const hours = calling.call_hours;
  if (hours?.status === 'ENABLED') {
    const days = hours.weekly_operating_hours?.length ?? 0;
    const holidays = hours.holiday_schedule?.length ?? 0;
    found.push({
      level: 'ok',
      text: `Call hours are on (${hours.timezone_id ?? 'no time zone'}, ${days} opening period${days === 1 ? '' : 's'}, ${holidays} holiday${holidays === 1 ? '' : 's'}): outside them customers cannot call.`,
    });
  }
  found.push({
    level: 'ok',
    text:
      calling.callback_permission_status === 'ENABLED'
        ? 'Customers who call give permission to be called back.'
        : 'Customers who call do not give permission to be called back; turn that on to call missed callers back.',
  });
  if (calling.status === 'ENABLED' && calling.sip?.status !== 'ENABLED')
    found.unshift({ level: 'ok', text: 'Calling is on for this number.' });
  return found;
}
