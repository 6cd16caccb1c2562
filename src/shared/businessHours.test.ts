import { describe, expect, it } from 'vitest';
import { BusinessHours, openAt, openDeadline, wallClock } from './businessHours';

const at = (iso: string) => Date.parse(iso);
const hours = (input: unknown) => BusinessHours.parse(input);
const WEEKDAYS_9_TO_1730 = { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:30' };

describe('business hours in the queue’s own time zone', () => {
  const london = hours({ timeZone: 'Europe/London', open: [WEEKDAYS_9_TO_1730] });

  it('opens at 09:00 local and closes at 17:30, in winter (GMT) and in summer (BST)', () => {
    // Monday 23 March 2026 is still GMT: 09:00 local is 09:00 UTC.
    expect(openAt(london, at('2026-03-23T08:59:59Z'))).toEqual({ open: false, why: 'outside_hours' });
    expect(openAt(london, at('2026-03-23T09:00:00Z'))).toEqual({ open: true });
    expect(openAt(london, at('2026-03-23T17:29:59Z'))).toEqual({ open: true });
    expect(openAt(london, at('2026-03-23T17:30:00Z'))).toEqual({ open: false, why: 'outside_hours' });
    // Clocks went forward on Sunday 29 March: on Monday 30 March 09:00 local is 08:00 UTC.
    expect(openAt(london, at('2026-03-30T07:59:59Z'))).toEqual({ open: false, why: 'outside_hours' });
    expect(openAt(london, at('2026-03-30T08:00:00Z'))).toEqual({ open: true });
    expect(openAt(london, at('2026-03-30T16:29:59Z'))).toEqual({ open: true });
    expect(openAt(london, at('2026-03-30T16:30:00Z'))).toEqual({ open: false, why: 'outside_hours' });
    // Clocks went back on Sunday 25 October: Friday before opens at 08:00 UTC, Monday after at 09:00 UTC.
    expect(openAt(london, at('2026-10-23T08:00:00Z'))).toEqual({ open: true });
    expect(openAt(london, at('2026-10-26T08:30:00Z'))).toEqual({ open: false, why: 'outside_hours' });
    expect(openAt(london, at('2026-10-26T09:00:00Z'))).toEqual({ open: true });
  });

  it('is closed at weekends and on days not listed', () => {
    expect(openAt(london, at('2026-03-28T12:00:00Z'))).toEqual({ open: false, why: 'outside_hours' });
    expect(openAt(london, at('2026-03-29T12:00:00Z'))).toEqual({ open: false, why: 'outside_hours' });
  });

  it('the hour the clocks skip never opens, and the hour they repeat is open twice (New York)', () => {
    const night = hours({
      timeZone: 'America/New_York',
      open: [
        { days: ['sun'], from: '01:00', to: '02:00' },
        { days: ['sun'], from: '02:00', to: '03:00' },
      ],
    });
    // 8 March 2026: 01:59:59 EST (06:59:59 UTC) is followed by 03:00 EDT (07:00 UTC); 02:xx does not exist.
    expect(wallClock('America/New_York', at('2026-03-08T06:59:59Z')).minutes).toBe(1 * 60 + 59);
    expect(openAt(night, at('2026-03-08T06:59:59Z'))).toEqual({ open: true });
    expect(wallClock('America/New_York', at('2026-03-08T07:00:00Z')).minutes).toBe(3 * 60);
    expect(openAt(night, at('2026-03-08T07:00:00Z'))).toEqual({ open: false, why: 'outside_hours' });
    // 1 November 2026: 01:30 comes twice, at 05:30 UTC (EDT) and 06:30 UTC (EST); both are inside 01:00-02:00.
    const late = hours({ timeZone: 'America/New_York', open: [{ days: ['sun'], from: '01:00', to: '02:00' }] });
    expect(openAt(late, at('2026-11-01T05:30:00Z'))).toEqual({ open: true });
    expect(openAt(late, at('2026-11-01T06:30:00Z'))).toEqual({ open: true });
    expect(openAt(late, at('2026-11-01T07:00:00Z'))).toEqual({ open: false, why: 'outside_hours' });
  });

  it('closes all day on a holiday, the day counted in the queue’s zone, not UTC', () => {
    const sydney = hours({
      timeZone: 'Australia/Sydney',
      open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
      holidays: ['2026-12-25'],
    });
    // 24 Dec 2026 12:59 UTC is 23:59 on the 24th in Sydney (AEDT, UTC+11); a minute later it is Christmas there.
    expect(openAt(sydney, at('2026-12-24T12:59:00Z'))).toEqual({ open: true });
    expect(openAt(sydney, at('2026-12-24T13:00:00Z'))).toEqual({ open: false, why: 'holiday' });
    expect(openAt(sydney, at('2026-12-25T12:59:00Z'))).toEqual({ open: false, why: 'holiday' });
    expect(openAt(sydney, at('2026-12-25T13:00:00Z'))).toEqual({ open: true });
    const xmas = hours({ timeZone: 'Europe/London', open: [WEEKDAYS_9_TO_1730], holidays: ['2026-12-25'] });
    expect(openAt(xmas, at('2026-12-24T10:00:00Z'))).toEqual({ open: true });
    expect(openAt(xmas, at('2026-12-25T10:00:00Z'))).toEqual({ open: false, why: 'holiday' });
  });

  it('24:00 keeps the queue open until midnight, and not a minute into the next day', () => {
    const evenings = hours({ timeZone: 'UTC', open: [{ days: ['mon'], from: '18:00', to: '24:00' }] });
    expect(openAt(evenings, at('2026-03-23T23:59:59Z'))).toEqual({ open: true });
    expect(openAt(evenings, at('2026-03-24T00:00:00Z'))).toEqual({ open: false, why: 'outside_hours' });
  });

  it.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus_Mons', open: [WEEKDAYS_9_TO_1730] }, 'timeZone'],
    [
      'a period that closes before it opens',
      { timeZone: 'UTC', open: [{ days: ['mon'], from: '17:00', to: '09:00' }] },
      'open.0.to',
    ],
    ['25:00', { timeZone: 'UTC', open: [{ days: ['mon'], from: '09:00', to: '25:00' }] }, 'open.0.to'],
    [
      'a day that is not a weekday',
      { timeZone: 'UTC', open: [{ days: ['monday'], from: '09:00', to: '17:00' }] },
      'open.0.days.0',
    ],
    ['no opening period', { timeZone: 'UTC', open: [] }, 'open'],
    [
      'a date that does not exist',
      { timeZone: 'UTC', open: [WEEKDAYS_9_TO_1730], holidays: ['2026-02-30'] },
      'holidays.0',
    ],
  ])('refuses %s, naming the field', (_what, input, path) => {
    const parsed = BusinessHours.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('open time counted on the queue’s calendar', () => {
  const london = hours({ timeZone: 'Europe/London', open: [WEEKDAYS_9_TO_1730], holidays: ['2026-12-25'] });
  const H = 3600_000;

  it('counts only open hours: a Saturday tap with a day to wait ends on Wednesday afternoon', () => {
    // Monday and Tuesday give 8.5 h each, Wednesday the last 7 h: 16:00 (GMT in December).
    expect(openDeadline(london, at('2026-12-12T12:00:00Z'), 24 * H)).toBe(at('2026-12-16T16:00:00Z'));
    // From inside open hours the rest of the day counts first.
    expect(openDeadline(london, at('2026-12-14T17:00:00Z'), H)).toBe(at('2026-12-15T09:30:00Z'));
    expect(openDeadline(london, at('2026-12-14T09:15:30Z'), H)).toBe(at('2026-12-14T10:15:30Z'));
  });

  it('skips holidays and follows the zone’s clock changes', () => {
    // Thursday 24 December, 17:00: Friday is a holiday, the weekend closed, Monday 28 opens at 09:00.
    expect(openDeadline(london, at('2026-12-24T17:00:00Z'), 2 * H)).toBe(at('2026-12-28T10:30:00Z'));
    // Clocks go forward on Sunday 29 March: Friday 27 March 17:00 GMT counts half an hour; the other half runs from
    // Monday's 09:00 BST (08:00 UTC).
    expect(openDeadline(london, at('2026-03-27T17:00:00Z'), H)).toBe(at('2026-03-30T08:30:00Z'));
  });

  it('gives the plain deadline for a queue that never opens', () => {
    const never = hours({ timeZone: 'Europe/London', open: [{ days: ['mon'], from: '09:00', to: '10:00' }] });
    const closedAllYear = { ...never, holidays: allMondaysOf2027() };
    expect(openDeadline(closedAllYear, at('2027-01-01T00:00:00Z'), H)).toBe(at('2027-01-01T01:00:00Z'));
  });
});

function allMondaysOf2027(): string[] {
  const days: string[] = [];
  for (let t = Date.parse('2027-01-04T12:00:00Z'); t < Date.parse('2028-03-01T00:00:00Z'); t += 7 * 86_400_000)
    days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
