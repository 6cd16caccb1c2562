import { z } from 'zod';
import { AccountAlert, accountAlertSentence, RestrictionItem } from './accountAlerts';
import { Sentence } from './sentence';

/**
 * The number's calling settings as `GET /{phone-number-id}/settings` returns them ("Configure Call Settings" and
 * the Settings API reference, Meta, 2026). Meta's samples write the enums in upper case in requests and in lower
 * case in some responses, so they are read case-blind; fields this desk does not use pass through untouched.
 */
const Enum = z.string().transform((v) => v.toUpperCase());
const OperatingHours = z.object({ day_of_week: z.string(), open_time: z.string(), close_time: z.string() });
const Holiday = z.object({ date: z.string(), start_time: z.string(), end_time: z.string() });
export type OperatingPeriod = z.infer<typeof OperatingHours>;
export type HolidayPeriod = z.infer<typeof Holiday>;

export const WEEK_DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
const HHMM = z.string().regex(/^([01]\d|2[0-3])[0-5]\d$/, 'a time as HHMM');
const EditedPeriod = z.object({ day_of_week: z.enum(WEEK_DAYS), open_time: HHMM, close_time: HHMM });
const EditedHoliday = z.object({
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD'),
  start_time: HHMM,
  end_time: HHMM,
});
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
      sip: z
        .looseObject({
          status: Enum.optional(),
          webhook_delivery: Enum.optional(),
          servers: z.array(z.looseObject({ hostname: z.string().optional(), port: z.unknown().optional() })).optional(),
        })
        .optional(),
      srtp_key_exchange_protocol: Enum.optional(),
      restrictions: z.unknown().optional(),
    })
    .optional(),
});
export type CallingSettingsResponse = z.infer<typeof CallingSettingsResponse>;

/**
 * SIP at WhatsApp as the operator edits it ("Configure Call Settings" and "SIP", Meta, 2026): on, WhatsApp rings the
 * business's SIP server over TLS instead of sending call webhooks; `webhook_delivery` keeps the call webhooks (created
 * and ended, without SDP) coming beside it. One server per number; its request URI may carry user parameters.
 */
export const SipChange = z.object({
  status: z.enum(['ENABLED', 'DISABLED']),
  webhook_delivery: z.enum(['ENABLED', 'DISABLED']),
  /** Host names and ports as typed: checked by `sipProblems`, so each mistake is named rather than refused whole. */
  hostname: z.string().max(253),
  port: z.string().max(5),
  /** `name=value`, one a line, as typed. */
  request_uri_user_params: z.string().max(2000),
});
export type SipChange = z.infer<typeof SipChange>;
export const SrtpKeyExchange = z.enum(['DTLS', 'SDES']);

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
  /** The operator's opening hours and holidays; absent, WhatsApp's are sent back as they are. */
  weekly_operating_hours: z.array(EditedPeriod).max(14).optional(),
  holiday_schedule: z.array(EditedHoliday).max(40).optional(),
  /** G.711 offered beside Opus (audio.additional_codecs; Opus cannot be removed). Absent: left as WhatsApp has it. */
  additional_codecs: z
    .array(z.enum(['PCMA', 'PCMU']))
    .max(2)
    .optional(),
  /** Countries (ISO 3166 alpha-2) whose customers see the call button; empty: everyone. Absent: left as it is. */
  restrict_to_user_countries: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'Countries: two-letter codes such as US or BR'))
    .max(250)
    .optional(),
  /** SIP at WhatsApp (see `SipChange`). Absent: left as it is. */
  sip: SipChange.optional(),
  /** How SRTP keys are exchanged: DTLS (the default, what browsers speak) or SDES (only with SIP). */
  srtp_key_exchange_protocol: SrtpKeyExchange.optional(),
});
export type CallingSettingsChange = z.infer<typeof CallingSettingsChange>;

/** Something WhatsApp would refuse in the SIP settings, by the catalogue's message (`callingSip.problems.<key>`). */
export const SipProblem = z.object({
  key: z.enum(['hostnameMissing', 'hostnameInvalid', 'portInvalid', 'paramInvalid', 'sdesNeedsSip']),
  values: z.record(z.string(), z.string()).optional(),
});
export type SipProblem = z.infer<typeof SipProblem>;

/** A DNS host name (Meta checks that the server's TLS certificate names it, so an IP address will not do). */
const HOST_NAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.[A-Za-z]{2,63}$/;
/** RFC 3261's `token` characters, all a URI parameter's name and value may hold unescaped here. */
const URI_PARAM = /^[A-Za-z0-9\-_.!~*'()]+$/;

/** The request URI's user parameters from `name=value` lines; undefined values mark the lines that are not. */
export function sipParams(lines: string): Array<{ line: string; name?: string; value?: string }> {
  return lines
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, value, ...rest] = line.split('=');
      const ok = rest.length === 0 && URI_PARAM.test(name ?? '') && URI_PARAM.test(value ?? '');
      return ok ? { line, name: name!, value: value! } : { line };
    });
}

/**
 * What WhatsApp would refuse in the SIP settings and the SRTP key exchange: SIP on needs its server's host name, a
 * port from 1 to 65535 (empty: 5061, TLS), parameters as `name=value`; SDES (keys in the SIP signalling) only with
 * SIP on. Left as WhatsApp has them (absent), nothing is checked.
 */
export function sipProblems(sip: SipChange | undefined, srtp: 'DTLS' | 'SDES' | undefined): SipProblem[] {
  const problems: SipProblem[] = [];
  const on = sip?.status === 'ENABLED';
  if (srtp === 'SDES' && !on) problems.push({ key: 'sdesNeedsSip' });
  if (!sip) return problems;
  const host = sip.hostname.trim();
  if (on && host === '') problems.push({ key: 'hostnameMissing' });
  if (host !== '' && !HOST_NAME.test(host)) problems.push({ key: 'hostnameInvalid', values: { host } });
  const port = sip.port.trim();
  if (port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    problems.push({ key: 'portInvalid', values: { port } });
  for (const param of sipParams(sip.request_uri_user_params))
    if (param.name === undefined) problems.push({ key: 'paramInvalid', values: { line: param.line } });
  return problems;
}

/** Something WhatsApp would refuse in call hours, by the catalogue's message (`callHoursProblems.<key>`). */
export const CallHoursProblem = z.object({
  key: z.enum([
    'noOpeningHours',
    'tooManyPeriods',
    'closesBeforeOpens',
    'periodsOverlap',
    'tooManyHolidays',
    'holidayBackwards',
    'unknownZone',
  ]),
  /** `day` is WhatsApp's weekday (MONDAY…), which the page names in the agent's language. */
  values: z.record(z.string(), z.string()).optional(),
});
export type CallHoursProblem = z.infer<typeof CallHoursProblem>;

/**
 * What WhatsApp would refuse in call hours, as "Configure Call Settings" says it judges them: no empty opening
 * hours while call hours are on, at most two periods a day that do not overlap, the opening before the closing,
 * at most 20 holidays, a time zone it knows. Holidays already past are not a problem: they are left out on save.
 */
export function callHoursProblems(change: CallingSettingsChange, zoneIsKnown = isKnownTimeZone): CallHoursProblem[] {
  const problems: CallHoursProblem[] = [];
  const periods = change.weekly_operating_hours ?? [];
  if (change.call_hours_status === 'ENABLED' && change.weekly_operating_hours && periods.length === 0)
    problems.push({ key: 'noOpeningHours' });
  for (const day of WEEK_DAYS) {
    const todays = periods.filter((p) => p.day_of_week === day).sort((a, b) => a.open_time.localeCompare(b.open_time));
    if (todays.length > 2) problems.push({ key: 'tooManyPeriods', values: { day } });
    for (const p of todays)
      if (p.open_time >= p.close_time)
        problems.push({ key: 'closesBeforeOpens', values: { day, open: p.open_time, close: p.close_time } });
    for (let i = 1; i < todays.length; i += 1)
      if (todays[i]!.open_time < todays[i - 1]!.close_time) problems.push({ key: 'periodsOverlap', values: { day } });
  }
  if ((change.holiday_schedule ?? []).length > 20) problems.push({ key: 'tooManyHolidays' });
  for (const h of change.holiday_schedule ?? [])
    if (h.start_time >= h.end_time) problems.push({ key: 'holidayBackwards', values: { date: h.date } });
  if (!zoneIsKnown(change.timezone_id)) problems.push({ key: 'unknownZone', values: { zone: change.timezone_id } });
  return problems;
}

/** An IANA time zone name (Meta takes IANA names), aliases such as Asia/Kolkata included. */
export function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

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
    audio: z.object({ additional_codecs: z.array(z.enum(['PCMA', 'PCMU'])) }).optional(),
    call_icons: z.object({ restrict_to_user_countries: z.array(z.string()) }).optional(),
    sip: z
      .object({
        status: z.enum(['ENABLED', 'DISABLED']),
        webhook_delivery: z.enum(['ENABLED', 'DISABLED']),
        servers: z
          .array(
            z.object({
              hostname: z.string(),
              port: z.number().int(),
              request_uri_user_params: z.record(z.string(), z.string()).optional(),
            }),
          )
          .max(1),
      })
      .optional(),
    srtp_key_exchange_protocol: z.enum(['DTLS', 'SDES']).optional(),
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
              weekly_operating_hours: change.weekly_operating_hours ?? hours?.weekly_operating_hours ?? [],
              holiday_schedule: (change.holiday_schedule ?? hours?.holiday_schedule ?? []).filter(
                (h) => h.date >= today,
              ),
            },
          }
        : {}),
      ...(change.additional_codecs ? { audio: { additional_codecs: change.additional_codecs } } : {}),
      ...(change.restrict_to_user_countries
        ? { call_icons: { restrict_to_user_countries: change.restrict_to_user_countries } }
        : {}),
      ...(change.sip ? { sip: sipUpdate(change.sip) } : {}),
      ...(change.srtp_key_exchange_protocol ? { srtp_key_exchange_protocol: change.srtp_key_exchange_protocol } : {}),
    },
  });
}

/** SIP as Meta takes it: one server (port 5061, TLS, when none is typed), its request URI's user parameters. */
function sipUpdate(sip: SipChange) {
  const hostname = sip.hostname.trim();
  const params = sipParams(sip.request_uri_user_params).filter((p) => p.name !== undefined);
  const server = {
    hostname,
    port: sip.port.trim() === '' ? 5061 : Number(sip.port.trim()),
    ...(params.length > 0 && { request_uri_user_params: Object.fromEntries(params.map((p) => [p.name!, p.value!])) }),
  };
  return { status: sip.status, webhook_delivery: sip.webhook_delivery, servers: hostname === '' ? [] : [server] };
}

/** What a finding says, by the catalogue's message (`callingFindings.<key>`); `text` is the same in English. */
export const FINDING_KEYS = [
  'noSettings',
  'callingOn',
  'callingOff',
  'sipOn',
  'sipOnWebhooks',
  'restrictedUnreadable',
  'callButtonHidden',
  'callButtonCountries',
  'extraCodecs',
  'srtpNotDtls',
  'callHoursOn',
  'callbackOn',
  'callbackOff',
] as const;
export const SettingsFinding = z.object({
  level: z.enum(['ok', 'warning', 'problem']),
  text: z.string(),
  key: z.enum(FINDING_KEYS).optional(),
  values: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  /** A restriction WhatsApp put on the number, worded as the account alerts are. */
  alert: AccountAlert.optional(),
  /** Main's messages, when the settings could not be read. */
  said: z.array(Sentence).max(4).optional(),
});
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
  /**
   * `problems`: what WhatsApp would refuse in the SIP settings, `hoursProblems` in the call hours, worded by the page
   * (then `error` is empty).
   */
  z.object({
    ok: z.literal(false),
    error: z.string(),
    /** `error` as main's messages, for the page to word. */
    said: z.array(Sentence).max(4).optional(),
    problems: z.array(SipProblem).optional(),
    hoursProblems: z.array(CallHoursProblem).optional(),
  }),
]);
export type CallingSettingsView = z.infer<typeof CallingSettingsView>;

const stringsOf = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
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
      additional_codecs: stringsOf((calling?.audio as { additional_codecs?: unknown } | undefined)?.additional_codecs)
        .map((c) => c.toUpperCase())
        .filter((c): c is 'PCMA' | 'PCMU' => c === 'PCMA' || c === 'PCMU'),
      restrict_to_user_countries: stringsOf(
        (calling?.call_icons as { restrict_to_user_countries?: unknown } | undefined)?.restrict_to_user_countries,
      ).map((c) => c.toUpperCase()),
      sip: sipView(calling?.sip),
      srtp_key_exchange_protocol: calling?.srtp_key_exchange_protocol === 'SDES' ? 'SDES' : 'DTLS',
    },
    findings: callingSettingsFindings(settings),
    openingPeriods: calling?.call_hours?.weekly_operating_hours ?? [],
    holidays: calling?.call_hours?.holiday_schedule ?? [],
  };
}

/** SIP as WhatsApp holds it, in the form the operator edits (its first server; Meta takes one per number). */
function sipView(sip: NonNullable<CallingSettingsResponse['calling']>['sip']): SipChange {
  const server = sip?.servers?.[0];
  const params = (server?.request_uri_user_params ?? {}) as Record<string, unknown>;
  return {
    status: asOnOff(sip?.status),
    webhook_delivery: asOnOff(sip?.webhook_delivery),
    hostname: server?.hostname ?? '',
    port: server?.port === undefined ? '' : String(server.port),
    request_uri_user_params: Object.entries(params)
      .map(([name, value]) => `${name}=${String(value)}`)
      .join('\n'),
  };
}

/** `restrictions.restrictions_list` in words ("WhatsApp restricted calling on this number until 12 Dec: …"). */
function restrictionFindings(restrictions: unknown): SettingsFinding[] {
  if (restrictions === undefined || JSON.stringify(restrictions) === '{}') return [];
  const list = (restrictions as { restrictions_list?: unknown } | null)?.restrictions_list;
  const items = Array.isArray(list) ? list.map((item) => RestrictionItem.safeParse(item)) : [];
  const read = items.flatMap((r) => (r.success ? [r.data] : []));
  const found: SettingsFinding[] = read.map((r) => {
    const alert: AccountAlert = {
      kind: 'restriction',
      restrictionType: r.type,
      ...(r.reason !== undefined && { reason: r.reason }),
      ...(r.expiration !== undefined && { expiresAtMs: r.expiration * 1000 }),
    };
    return { level: 'problem', text: accountAlertSentence(alert), alert };
  });
  // Something Meta calls a restriction that this desk cannot read is still worth a sentence, never raw JSON.
  if (found.length < Math.max(1, items.length))
    found.push(
      said(
        'problem',
        'restrictedUnreadable',
        'WhatsApp restricts calling on this number; WhatsApp Manager shows the details.',
      ),
    );
  return found;
}

/** A finding with its English and its catalogue message. */
function said(
  level: SettingsFinding['level'],
  key: (typeof FINDING_KEYS)[number],
  text: string,
  values?: Record<string, string | number>,
): SettingsFinding {
  return { level, text, key, ...(values && { values }) };
}

/**
 * The settings Meta added in 2026 ("Configure Call Settings"), said in words: where the call button shows, the
 * G.711 codecs offered beside Opus, and how SRTP keys are exchanged.
 */
function otherCallingFindings(calling: Record<string, unknown>): SettingsFinding[] {
  const found: SettingsFinding[] = [];
  const countries = (calling.call_icons as { restrict_to_user_countries?: unknown } | undefined)
    ?.restrict_to_user_countries;
  if (Array.isArray(countries) && countries.length > 0)
    found.push(
      said(
        'warning',
        'callButtonCountries',
        `The call button shows only to customers in ${countries.map(String).join(', ')}.`,
        { countries: countries.map(String).join(', ') },
      ),
    );
  const codecs = (calling.audio as { additional_codecs?: unknown } | undefined)?.additional_codecs;
  if (Array.isArray(codecs) && codecs.length > 0)
    found.push(
      said(
        'ok',
        'extraCodecs',
        `WhatsApp also offers ${codecs.map(String).join(', ')} beside Opus on calls to this number; the phone answers them.`,
        { codecs: codecs.map(String).join(', ') },
      ),
    );
  const srtp = calling.srtp_key_exchange_protocol;
  if (typeof srtp === 'string' && srtp.toUpperCase() !== 'DTLS')
    found.push(
      said(
        'problem',
        'srtpNotDtls',
        `Call media keys are exchanged by ${srtp} at WhatsApp; this phone's browser audio needs DTLS: set it back to DTLS.`,
        { protocol: srtp },
      ),
    );
  return found;
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
  if (!calling) return [said('problem', 'noSettings', 'WhatsApp reports no calling settings for this number.')];
  if (calling.status !== 'ENABLED')
    found.push(said('problem', 'callingOff', 'Calling is turned off for this number: no call will ring. Turn it on.'));
  if (calling.sip?.status === 'ENABLED')
    found.push(
      (calling.sip as { webhook_delivery?: unknown }).webhook_delivery === 'ENABLED'
        ? said(
            'problem',
            'sipOnWebhooks',
            'SIP is turned on for this number: WhatsApp sends its calls to the SIP server and refuses calls from this app (call webhooks still arrive): turn SIP off to take calls here.',
          )
        : said(
            'problem',
            'sipOn',
            'SIP is turned on for this number, so WhatsApp sends no call webhooks and refuses calls from this app: turn SIP off.',
          ),
    );
  found.push(...restrictionFindings(calling.restrictions));
  if (calling.call_icon_visibility === 'DISABLE_ALL')
    found.push(
      said('warning', 'callButtonHidden', 'The call button is hidden from customers: they can only call back.'),
    );
  found.push(...otherCallingFindings(calling));
  const hours = calling.call_hours;
  if (hours?.status === 'ENABLED') {
    const zone = hours.timezone_id ?? 'UTC';
    found.push(said('ok', 'callHoursOn', `Call hours are on (${zone}): outside them customers cannot call.`, { zone }));
  }
  found.push(
    calling.callback_permission_status === 'ENABLED'
      ? said('ok', 'callbackOn', 'Customers who call give permission to be called back.')
      : said(
          'ok',
          'callbackOff',
          'Customers who call do not give permission to be called back; turn that on to call missed callers back.',
        ),
  );
  if (calling.status === 'ENABLED' && calling.sip?.status !== 'ENABLED')
    found.unshift(said('ok', 'callingOn', 'Calling is on for this number.'));
  return found;
}
