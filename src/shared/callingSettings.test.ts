import { describe, expect, it } from 'vitest';
import {
  CallingSettingsResponse,
  callingSettingsFindings,
  callingSettingsUpdate,
  callingSettingsView,
} from './callingSettings';

// Written by hand from Meta's "Configure Call Settings" request sample (2026) and the Settings API's GET samples.
const WITH_HOURS = CallingSettingsResponse.parse({
  calling: {
    status: 'ENABLED',
    call_icon_visibility: 'DEFAULT',
    call_hours: {
      status: 'ENABLED',
      timezone_id: 'America/Manaus',
      weekly_operating_hours: [
        { day_of_week: 'MONDAY', open_time: '0400', close_time: '1020' },
        { day_of_week: 'TUESDAY', open_time: '0108', close_time: '1020' },
      ],
      holiday_schedule: [{ date: '2026-01-01', start_time: '0000', end_time: '2359' }],
    },
    callback_permission_status: 'ENABLED',
    sip: { status: 'DISABLED', servers: [] },
  },
});
const SIP_ON = CallingSettingsResponse.parse({
  calling: {
    status: 'enabled',
    call_icon_visibility: 'visible',
    callback_permission_status: 'enabled',
    srtp_key_exchange_protocol: 'DTLS-SRTP',
    sip: { status: 'enabled', servers: [{ app_id: '12345', hostname: 'sip.whatsapp.com', port: 5060 }] },
  },
});

describe('calling settings', () => {
  it('says plainly when calling is off or SIP takes the calls away from this app', () => {
    const off = callingSettingsFindings(CallingSettingsResponse.parse({ calling: { status: 'DISABLED' } }));
    expect(off[0]).toMatchObject({
      level: 'problem',
      key: 'callingOff',
      text: expect.stringContaining('Calling is turned off'),
    });
    const sip = callingSettingsFindings(SIP_ON);
    expect(sip[0]).toMatchObject({ level: 'problem', key: 'sipOn', text: expect.stringContaining('SIP is turned on') });
    expect(sip.some((f) => f.text === 'Calling is on for this number.')).toBe(false);
  });

  it('reads lower-case enums as Meta sometimes writes them, and reports hours and callback permission', () => {
    const findings = callingSettingsFindings(WITH_HOURS);
    expect(findings[0]).toEqual({ level: 'ok', key: 'callingOn', text: 'Calling is on for this number.' });
    expect(findings).toContainEqual(
      expect.objectContaining({ key: 'callHoursOn', values: { zone: 'America/Manaus' } }),
    );
    expect(findings.map((f) => f.text)).toContain('Customers who call give permission to be called back.');
  });

  it('says what the 2026 settings mean: countries of the call button, G.711 beside Opus, SRTP key exchange', () => {
    // Field names from Meta's "Configure Call Settings" request sample.
    const settings = CallingSettingsResponse.parse({
      calling: {
        status: 'ENABLED',
        call_icons: { restrict_to_user_countries: ['US', 'BR'] },
        audio: { additional_codecs: ['PCMA', 'PCMU'] },
        srtp_key_exchange_protocol: 'SDES',
      },
    });
    const texts = callingSettingsFindings(settings).map((f) => `${f.level}: ${f.text}`);
    expect(texts).toContain('warning: The call button shows only to customers in US, BR.');
    expect(texts).toContain(
      'ok: WhatsApp also offers PCMA, PCMU beside Opus on calls to this number; the phone answers them.',
    );
    expect(texts.join(' ')).toMatch(/problem: Call media keys are exchanged by SDES/);
  });

  it('shows restrictions and a hidden call button as alerts', () => {
    const restricted = CallingSettingsResponse.parse({
      calling: { status: 'ENABLED', call_icon_visibility: 'DISABLE_ALL', restrictions: { restrictions_list: ['x'] } },
    });
    const texts = callingSettingsFindings(restricted).map((f) => `${f.level}: ${f.text}`);
    expect(texts.some((t) => t.startsWith('problem: WhatsApp restricts calling'))).toBe(true);
    expect(texts.join(' ')).not.toContain('restrictions_list');
    // Meta's documented shape ("Configure Call Settings"): type, reason and expiry, said in words, never as JSON.
    const documented = CallingSettingsResponse.parse({
      calling: {
        status: 'ENABLED',
        restrictions: {
          restrictions_list: [
            { type: 'RESTRICTED_BUSINESS_INITIATED_CALLING', reason: 'HIGH_NEGATIVE_FEEDBACK', expiration: 1797033600 },
          ],
        },
      },
    });
    expect(callingSettingsFindings(documented)).toContainEqual({
      level: 'problem',
      text: 'WhatsApp restricted calling customers from this number until 12 Dec: too many customers blocked or reported the number.',
      // The page words it as the account alerts are, in the agent's language.
      alert: {
        kind: 'restriction',
        restrictionType: 'RESTRICTED_BUSINESS_INITIATED_CALLING',
        reason: 'HIGH_NEGATIVE_FEEDBACK',
        expiresAtMs: 1797033600_000,
      },
    });
    expect(texts.some((t) => t.startsWith('warning: The call button is hidden'))).toBe(true);
  });

  it('an update leaves out holidays already past where the number keeps its hours (Meta refuses a past holiday)', () => {
    const current = CallingSettingsResponse.parse({
      calling: {
        status: 'ENABLED',
        call_hours: {
          status: 'ENABLED',
          timezone_id: 'Pacific/Kiritimati',
          weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0900', close_time: '1700' }],
          holiday_schedule: [
            { date: '2026-12-05', start_time: '0000', end_time: '2359' },
            { date: '2026-12-06', start_time: '0000', end_time: '2359' },
            { date: '2026-12-25', start_time: '0000', end_time: '2359' },
          ],
        },
      },
    });
    const view = callingSettingsView(current);
    if (!view.ok) throw new Error('view');
    // 5 Dec 23:00 UTC is already 6 Dec at UTC+14: the 5th is past there, the 6th is today and stays.
    const body = callingSettingsUpdate(view.values, current, Date.UTC(2026, 11, 5, 23));
    expect(body.calling.call_hours?.holiday_schedule.map((h) => h.date)).toEqual(['2026-12-06', '2026-12-25']);
  });

  it('an update always carries the current opening hours and holidays back (Meta replaces call_hours whole)', () => {
    const values = callingSettingsView(WITH_HOURS);
    if (!values.ok) throw new Error('view');
    const body = callingSettingsUpdate(
      { ...values.values, callback_permission_status: 'DISABLED', timezone_id: 'Europe/Madrid' },
      WITH_HOURS,
      Date.UTC(2025, 11, 1),
    );
    expect(body.calling.callback_permission_status).toBe('DISABLED');
    expect(body.calling.call_hours).toEqual({
      status: 'ENABLED',
      timezone_id: 'Europe/Madrid',
      weekly_operating_hours: WITH_HOURS.calling!.call_hours!.weekly_operating_hours,
      holiday_schedule: [{ date: '2026-01-01', start_time: '0000', end_time: '2359' }],
    });
  });

  it('leaves call hours out when there are none and they stay off', () => {
    const body = callingSettingsUpdate(
      {
        status: 'ENABLED',
        call_icon_visibility: 'DEFAULT',
        callback_permission_status: 'ENABLED',
        call_hours_status: 'DISABLED',
        timezone_id: 'UTC',
      },
      SIP_ON,
    );
    expect(body.calling).not.toHaveProperty('call_hours');
  });
});
