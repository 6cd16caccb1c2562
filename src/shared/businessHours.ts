import { z } from 'zod';
import { SETTINGS_RULES } from './settingsRules';
import { isKnownTimeZone } from './callingSettings';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A wall-clock time in the queue's zone, HH:MM; 24:00 only as a closing time (open until midnight). */
const ClockTime = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, SETTINGS_RULES.clockTime);
const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** The queue opens at `from` and closes at `to` (local time) on each of `days`; a night shift is two periods. */
export const OpenPeriod = z
  .object({
    days: z.array(z.enum(WEEKDAYS)).min(1).max(7),
    from: ClockTime,
    to: ClockTime,
  })
  .refine((p) => minutesOf(p.from) < minutesOf(p.to), {
    message: SETTINGS_RULES.opensBeforeCloses,
    path: ['to'],
  });
export type OpenPeriod = z.infer<typeof OpenPeriod>;

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not). */
const CalendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, SETTINGS_RULES.calendarDate)
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), { message: SETTINGS_RULES.noSuchDate });

/** When a queue takes calls: weekly periods in an IANA time zone, and whole days closed (holidays). */
export const BusinessHours = z.object({
  /** IANA name, e.g. Europe/London: daylight saving time follows the zone's own rules. */
  timeZone: z.string().refine(isKnownTimeZone, { message: SETTINGS_RULES.timeZone }),
  open: z.array(OpenPeriod).min(1).max(50),
  /** Days the queue stays closed all day, as dates in its time zone. */
  holidays: z.array(CalendarDate).max(400).default([]),
});
export type BusinessHours = z.infer<typeof BusinessHours>;

// Making a formatter costs far more than using one: open-time sums read the clock thousands of times.
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

/** The wall clock in a zone at an instant: date, weekday and minutes since local midnight. */
export function wallClock(timeZone: string, atMs: number): { date: string; day: Weekday; minutes: number } {
  const parts = formatterOf(timeZone).formatToParts(atMs);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return {
    date: `${part('year')}-${part('month')}-${part('day')}`,
    day: part('weekday').toLowerCase().slice(0, 3) as Weekday,
    minutes: Number(part('hour')) * 60 + Number(part('minute')),
  };
}

export type OpenNow = { open: true } | { open: false; why: 'holiday' | 'outside_hours' };

/** Whether the queue takes calls at this instant, and if not, why. */
export function openAt(hours: BusinessHours, atMs: number): OpenNow {
  return openOn(hours, wallClock(hours.timeZone, atMs));
}

function openOn(hours: BusinessHours, now: ReturnType<typeof wallClock>): OpenNow {
  if (hours.holidays.includes(now.date)) return { open: false, why: 'holiday' };
  const inPeriod = hours.open.some(
    (p) => p.days.includes(now.day) && minutesOf(p.from) <= now.minutes && now.minutes < minutesOf(p.to),
  );
  return inPeriod ? { open: true } : { open: false, why: 'outside_hours' };
}

/** Local minutes from `now` until the queue may open or close (midnight at the latest: a holiday ends there). */
function minutesUntilChange(hours: BusinessHours, now: ReturnType<typeof wallClock>): number {
  let next = 1440;
  if (hours.holidays.includes(now.date)) return next - now.minutes;
  for (const p of hours.open) {
    if (!p.days.includes(now.day)) continue;
    for (const edge of [minutesOf(p.from), minutesOf(p.to)]) if (edge > now.minutes) next = Math.min(next, edge);
  }
  return next - now.minutes;
}

/** How far ahead an open-time deadline is looked for: a queue closed that long never counts down. */
const DEADLINE_HORIZON_MS = 400 * 86_400_000;

/**
 * The instant at which the queue will have been open for `openMs` since `fromMs` (its closed hours and holidays do
 * not count). Walks the calendar at most an hour at a time, so a change of the zone's clocks moves an edge by no more
 * than that change. A queue that never opens within 400 days gives the plain `fromMs + openMs`.
 */
export function openDeadline(hours: BusinessHours, fromMs: number, openMs: number): number {
  let atMs = fromMs;
  let left = openMs;
  while (atMs < fromMs + DEADLINE_HORIZON_MS) {
    const now = wallClock(hours.timeZone, atMs);
    const stepMs = Math.min(minutesUntilChange(hours, now), 60) * 60_000 - (atMs % 60_000);
    if (openOn(hours, now).open) {
      if (stepMs >= left) return atMs + left;
      left -= stepMs;
    }
    atMs += stepMs;
  }
  return fromMs + openMs;
}
