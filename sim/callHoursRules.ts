/**
 * How the simulated Meta judges `call_hours` in POST settings, written apart from the app's own code. Rules from
 * Meta's "Configure Call Settings" page (June 2026): weekly_operating_hours may not be empty when hours are enabled;
 * at most two periods a day, which may not overlap; times as HHMM with the opening before the closing; at most 20
 * holidays, none in the past (in the number's time zone); the time zone must be one Meta knows.
 */
const DAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'];
const HHMM = /^([01]\d|2[0-3])[0-5]\d$/;

interface Period {
  day_of_week?: unknown;
  open_time?: unknown;
  close_time?: unknown;
}
interface Holiday {
  date?: unknown;
  start_time?: unknown;
  end_time?: unknown;
}

export function callHoursProblem(hours: Record<string, unknown>, nowMs = Date.now()): string | undefined {
  const zone = String(hours.timezone_id);
  let today: string;
  try {
    today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(nowMs);
  } catch {
    return `call_hours.timezone_id: ${zone} is not a known time zone`;
  }
  const periods = (hours.weekly_operating_hours ?? []) as Period[];
  if (!Array.isArray(periods)) return 'call_hours.weekly_operating_hours must be a list';
  if (hours.status === 'ENABLED' && periods.length === 0)
    return 'call_hours.weekly_operating_hours cannot be empty when call hours are enabled';
  const byDay = new Map<string, Array<[string, string]>>();
  for (const p of periods) {
    const day = String(p.day_of_week);
    if (!DAYS.includes(day)) return `day_of_week ${day} is not a day`;
    const open = String(p.open_time);
    const close = String(p.close_time);
    if (!HHMM.test(open) || !HHMM.test(close)) return `${day}: times are HHMM`;
    if (open >= close) return `${day}: open_time must come before close_time`;
    const list = byDay.get(day) ?? [];
    if (list.some(([o, c]) => open < c && o < close)) return `${day}: operating hours overlap`;
    list.push([open, close]);
    if (list.length > 2) return `${day}: at most 2 operating periods a day`;
    byDay.set(day, list);
  }
  const holidays = (hours.holiday_schedule ?? []) as Holiday[];
  if (!Array.isArray(holidays)) return 'call_hours.holiday_schedule must be a list';
  if (holidays.length > 20) return 'call_hours.holiday_schedule: at most 20 holidays';
  for (const h of holidays) {
    const date = String(h.date);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return `holiday ${date}: a date as YYYY-MM-DD`;
    if (date < today) return `holiday ${date} is in the past`;
    if (!HHMM.test(String(h.start_time)) || !HHMM.test(String(h.end_time))) return `holiday ${date}: times are HHMM`;
  }
  return undefined;
}
