import { describe, expect, it } from 'vitest';
import {
  callHoursProblems,
  callingSettingsUpdate,
  type CallHoursProblem,
  CallingSettingsResponse,
  type CallingSettingsChange,
} from './callingSettings';

const BASE: CallingSettingsChange = {
  status: 'ENABLED',
  call_icon_visibility: 'DEFAULT',
  callback_permission_status: 'ENABLED',
  call_hours_status: 'ENABLED',
  timezone_id: 'Asia/Kolkata',
  weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0900', close_time: '1300' }],
  holiday_schedule: [],
};
const monday = (open_time: string, close_time: string) => ({ day_of_week: 'MONDAY' as const, open_time, close_time });

describe('call hours as WhatsApp judges them, checked before anything is sent', () => {
  it('takes two periods a day that do not overlap, and an alias time zone', () => {
    expect(
      callHoursProblems({ ...BASE, weekly_operating_hours: [monday('0900', '1300'), monday('1400', '1800')] }),
    ).toEqual([]);
  });
  it.each<[string, Partial<CallingSettingsChange>, CallHoursProblem]>([
    ['no opening hours while call hours are on', { weekly_operating_hours: [] }, { key: 'noOpeningHours' }],
    [
      'overlapping periods',
      { weekly_operating_hours: [monday('0900', '1300'), monday('1200', '1800')] },
      { key: 'periodsOverlap', values: { day: 'MONDAY' } },
    ],
    [
      'three periods a day',
      { weekly_operating_hours: [monday('0800', '0900'), monday('1000', '1100'), monday('1200', '1300')] },
      { key: 'tooManyPeriods', values: { day: 'MONDAY' } },
    ],
    [
      'closing before opening',
      { weekly_operating_hours: [monday('1300', '0900')] },
      { key: 'closesBeforeOpens', values: { day: 'MONDAY', open: '1300', close: '0900' } },
    ],
    [
      'a holiday ending before it starts',
      { holiday_schedule: [{ date: '2099-01-01', start_time: '1200', end_time: '0800' }] },
      { key: 'holidayBackwards', values: { date: '2099-01-01' } },
    ],
    ['an unknown time zone', { timezone_id: 'Mars/Olympus' }, { key: 'unknownZone', values: { zone: 'Mars/Olympus' } }],
  ])('says what is wrong with %s', (_name, patch, problem) => {
    expect(callHoursProblems({ ...BASE, ...patch })).toContainEqual(problem);
  });
  it('sends the edited hours and holidays, the past ones left out, instead of WhatsApp’s', () => {
    const current = CallingSettingsResponse.parse({
      calling: {
        status: 'ENABLED',
        call_hours: { status: 'ENABLED', timezone_id: 'UTC', weekly_operating_hours: [monday('0100', '0200')] },
      },
    });
    const body = callingSettingsUpdate(
      {
        ...BASE,
        timezone_id: 'UTC',
        holiday_schedule: [
          { date: '2026-12-01', start_time: '0000', end_time: '2359' },
          { date: '2026-12-24', start_time: '1400', end_time: '2359' },
        ],
      },
      current,
      Date.UTC(2026, 11, 6),
    );
    expect(body.calling.call_hours).toEqual({
      status: 'ENABLED',
      timezone_id: 'UTC',
      weekly_operating_hours: [monday('0900', '1300')],
      holiday_schedule: [{ date: '2026-12-24', start_time: '1400', end_time: '2359' }],
    });
  });
});
