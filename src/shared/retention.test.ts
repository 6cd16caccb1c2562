import { describe, expect, it } from 'vitest';
import { TeamSettings } from './teamSettings';
import { CustomerDataRequest, CustomerKey, retentionCutoffs } from './retention';

const DAY = 24 * 3600_000;

describe('the team’s retention policy', () => {
  it('gives each limited kind its cutoff, and none longer than the call records’', () => {
    const now = Date.UTC(2026, 11, 6);
    expect(retentionCutoffs({ callRecords: 365, notes: 30, roomRecordings: 400 }, now)).toEqual({
      callRecords: now - 365 * DAY,
      notes: now - 30 * DAY,
      // Kept 400 days on their own, but the record (and everything with it) goes at 365.
      roomRecordings: now - 365 * DAY,
      metaMedia: now - 365 * DAY,
      surveyAnswers: now - 365 * DAY,
    });
    expect(retentionCutoffs({ notes: 7 }, now)).toEqual({ notes: now - 7 * DAY });
    expect(retentionCutoffs({}, now)).toEqual({});
  });

  it('is refused in the team settings with the field named: not whole days, out of range, an unknown kind', () => {
    const base = { notReadyReasons: ['break'], wrapUpCodes: ['Resolved'] };
    const problems = (retention: unknown) =>
      TeamSettings.safeParse({ ...base, retention }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(problems({ notes: 1.5 })).toEqual(['retention.notes: a whole number of days']);
    expect(problems({ callRecords: 0, voicemail: 3 })).toEqual([
      'retention.callRecords: at least 1 day',
      'retention: Unrecognized key: "voicemail"',
    ]);
    expect(problems({ callRecords: 365, surveyAnswers: 90 })).toBeUndefined();
  });
});

describe('a customer as the admin names them', () => {
  it('reads a number written with spaces, dashes, brackets or a + as WhatsApp’s digits, and a user ID as it is', () => {
    expect(CustomerKey.parse(' +44 (7700) 900-731 ')).toBe('447700900731');
    expect(CustomerKey.parse('US.13491208655302741918')).toBe('US.13491208655302741918');
  });

  it('refuses what is neither', () => {
    for (const bad of ['', '12345', 'alice@example.com', '+44 7700 9007311234567', 'us.123', "'; DROP TABLE calls"])
      expect(CustomerKey.safeParse(bad).success, bad).toBe(false);
    expect(CustomerDataRequest.safeParse({ customer: '447700900731', action: 'delete' }).success).toBe(false);
  });
});
