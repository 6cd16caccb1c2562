import { describe, expect, it } from 'vitest';
import { callHoursProblem } from './callHoursRules';

const NOW = Date.UTC(2026, 11, 6, 12);
const MONDAY = { day_of_week: 'MONDAY', open_time: '0900', close_time: '1200' };
const hours = (extra: Record<string, unknown>) => ({
  status: 'ENABLED',
  timezone_id: 'Europe/Madrid',
  weekly_operating_hours: [MONDAY],
  holiday_schedule: [],
  ...extra,
});

describe("the simulated Meta's call hours rules", () => {
  it('takes hours, two periods a day and holidays from today on', () => {
    const second = { day_of_week: 'MONDAY', open_time: '1300', close_time: '1800' };
    const holiday = { date: '2026-12-06', start_time: '0000', end_time: '2359' };
    expect(
      callHoursProblem(hours({ weekly_operating_hours: [MONDAY, second], holiday_schedule: [holiday] }), NOW),
    ).toBeUndefined();
    expect(callHoursProblem(hours({ status: 'DISABLED', weekly_operating_hours: [] }), NOW)).toBeUndefined();
  });
  it.each([
    ['no hours while enabled', { weekly_operating_hours: [] }, /cannot be empty/],
    [
      'overlapping periods',
      { weekly_operating_hours: [MONDAY, { ...MONDAY, open_time: '1100', close_time: '1300' }] },
      /overlap/,
    ],
    [
      'three periods a day',
      {
        weekly_operating_hours: [
          MONDAY,
          { ...MONDAY, open_time: '1300', close_time: '1400' },
          { ...MONDAY, open_time: '1500', close_time: '1600' },
        ],
      },
      /at most 2/,
    ],
    ['closing before opening', { weekly_operating_hours: [{ ...MONDAY, open_time: '1300' }] }, /before close_time/],
    [
      'a holiday in the past',
      { holiday_schedule: [{ date: '2026-12-05', start_time: '0000', end_time: '2359' }] },
      /in the past/,
    ],
    ['an unknown time zone', { timezone_id: 'Mars/Olympus' }, /not a known time zone/],
    [
      '21 holidays',
      {
        holiday_schedule: Array.from({ length: 21 }, (_, i) => ({
          date: `2027-01-${String(i + 1).padStart(2, '0')}`,
          start_time: '0000',
          end_time: '2359',
        })),
      },
      /at most 20/,
    ],
  ])('refuses %s', (_name, extra, problem) => {
    expect(callHoursProblem(hours(extra), NOW)).toMatch(problem);
  });
});
