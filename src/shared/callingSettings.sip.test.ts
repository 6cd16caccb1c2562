import { describe, expect, it } from 'vitest';
import { sipProblem } from '../../sim/sipRules';
import {
  CallingSettingsResponse,
  callingSettingsUpdate,
  callingSettingsView,
  sipProblems,
  type SipChange,
} from './callingSettings';

/**
 * SIP and the SRTP key exchange as "Configure Call Settings" and the "SIP Configuration Guide" (Meta, 2026) describe
 * them: `sip.status`, `sip.webhook_delivery`, `sip.servers[{hostname, port, request_uri_user_params}]` (one server per
 * number, TLS, port 5061 by default) and `srtp_key_exchange_protocol` DTLS or SDES, SDES only with SIP signalling.
 * GET sample written by hand from the request sample on those pages.
 */
const WITH_SIP = CallingSettingsResponse.parse({
  calling: {
    status: 'ENABLED',
    call_icon_visibility: 'DEFAULT',
    callback_permission_status: 'ENABLED',
    sip: {
      status: 'ENABLED',
      webhook_delivery: 'ENABLED',
      servers: [{ hostname: 'sip.example.com', port: 5061, request_uri_user_params: { trunk: 'wa', tgrp: 'b1' } }],
    },
    srtp_key_exchange_protocol: 'SDES',
  },
});
const OFF: SipChange = {
  status: 'DISABLED',
  webhook_delivery: 'DISABLED',
  hostname: '',
  port: '',
  request_uri_user_params: '',
};

describe('SIP settings at WhatsApp', () => {
  it('are read into the form the operator edits, parameters one name=value a line', () => {
    const view = callingSettingsView(WITH_SIP);
    expect(view.ok && view.values.sip).toEqual({
      status: 'ENABLED',
      webhook_delivery: 'ENABLED',
      hostname: 'sip.example.com',
      port: '5061',
      request_uri_user_params: 'trunk=wa\ntgrp=b1',
    });
    expect(view.ok && view.values.srtp_key_exchange_protocol).toBe('SDES');
    const none = callingSettingsView(CallingSettingsResponse.parse({ calling: { status: 'ENABLED' } }));
    expect(none.ok && none.values.sip).toEqual(OFF);
    expect(none.ok && none.values.srtp_key_exchange_protocol).toBe('DTLS');
  });

  it('are sent as Meta takes them: one server, port 5061 when none is typed, parameters as an object', () => {
    const view = callingSettingsView(WITH_SIP);
    if (!view.ok) throw new Error(view.error);
    const sip: SipChange = {
      ...OFF,
      status: 'ENABLED',
      hostname: 'pbx.example.org',
      request_uri_user_params: 'a=1\n\n b=x.y ',
    };
    const body = callingSettingsUpdate({ ...view.values, sip, srtp_key_exchange_protocol: 'DTLS' }, WITH_SIP);
    expect(body.calling.sip).toEqual({
      status: 'ENABLED',
      webhook_delivery: 'DISABLED',
      servers: [{ hostname: 'pbx.example.org', port: 5061, request_uri_user_params: { a: '1', b: 'x.y' } }],
    });
    expect(body.calling.srtp_key_exchange_protocol).toBe('DTLS');
    // The simulated Meta, whose rules are written apart, takes what the desk sends.
    expect(sipProblem(body.calling, body.calling)).toBeUndefined();
    // Left alone (absent from the change), neither is sent.
    const untouched = callingSettingsUpdate(
      { ...view.values, sip: undefined, srtp_key_exchange_protocol: undefined },
      WITH_SIP,
    );
    expect(untouched.calling).not.toHaveProperty('sip');
    expect(untouched.calling).not.toHaveProperty('srtp_key_exchange_protocol');
  });

  it('name what WhatsApp would refuse before anything is sent, as the simulated Meta refuses it', () => {
    const on = { ...OFF, status: 'ENABLED' as const };
    expect(sipProblems({ ...on }, 'DTLS')).toEqual([{ key: 'hostnameMissing' }]);
    expect(sipProblems({ ...on, hostname: '203.0.113.7' }, 'DTLS')).toEqual([
      { key: 'hostnameInvalid', values: { host: '203.0.113.7' } },
    ]);
    expect(sipProblems({ ...on, hostname: 'sip.example.com', port: '70000' }, 'DTLS')).toEqual([
      { key: 'portInvalid', values: { port: '70000' } },
    ]);
    expect(sipProblems({ ...on, hostname: 'sip.example.com', request_uri_user_params: 'a=b;c\nok=1' }, 'DTLS')).toEqual(
      [{ key: 'paramInvalid', values: { line: 'a=b;c' } }],
    );
    expect(sipProblems(OFF, 'SDES')).toEqual([{ key: 'sdesNeedsSip' }]);
    expect(sipProblems(undefined, 'SDES')).toEqual([{ key: 'sdesNeedsSip' }]);
    expect(sipProblems({ ...on, hostname: 'sip.example.com', port: '5062' }, 'SDES')).toEqual([]);
    expect(sipProblems(undefined, undefined)).toEqual([]);

    // The simulator's own rules refuse the same shapes when they reach it anyway.
    const server = (extra: Record<string, unknown>) => ({ sip: { status: 'ENABLED', servers: [{ ...extra }] } });
    expect(sipProblem({ sip: { status: 'ENABLED', servers: [] } }, {})).toMatch(/required when SIP is enabled/);
    expect(sipProblem(server({ hostname: '203.0.113.7' }), {})).toMatch(/not a host name/);
    expect(sipProblem(server({ hostname: 'sip.example.com', port: 70000 }), {})).toMatch(/1 to 65535/);
    expect(sipProblem(server({ hostname: 'sip.example.com', request_uri_user_params: { a: 1 } }), {})).toMatch(
      /strings/,
    );
    expect(
      sipProblem(
        { sip: { status: 'ENABLED', servers: [{ hostname: 'a.example.com' }, { hostname: 'b.example.com' }] } },
        {},
      ),
    ).toMatch(/one SIP server/);
    expect(sipProblem({ srtp_key_exchange_protocol: 'SDES' }, { srtp_key_exchange_protocol: 'SDES' })).toMatch(
      /only when SIP signaling is enabled/,
    );
    expect(sipProblem({ srtp_key_exchange_protocol: 'ZRTP' }, {})).toMatch(/DTLS or SDES/);
    expect(sipProblem({ sip: { status: 'ENABLED', webhook_delivery: 'yes', servers: [] } }, {})).toMatch(
      /webhook_delivery/,
    );
  });
});
