import { describe, expect, it } from 'vitest';
import { parseWebhook } from './parseWebhook';
import { loadWebhookFixture, webhookFixtureNames } from '../../fixtures/load';

function parseOk(body: unknown) {
  const result = parseWebhook(body);
  if (!result.ok) throw new Error(result.error);
  return result.events;
}

describe('parseWebhook', () => {
  it.each(webhookFixtureNames())('parses the reference fixture %s', (name) => {
    expect(parseOk(loadWebhookFixture(name)).length).toBeGreaterThan(0);
  });

  it('turns the live connect into a call offer with the SDP and caller', () => {
    const [event] = parseOk(loadWebhookFixture('live-connect-user-initiated-2025-10-17.json'));
    expect(event).toMatchObject({
      type: 'call_offered',
      from: '917358580180',
      to: '15551441906',
      callerName: '917358580180',
      phoneNumberId: '518638374672395',
      timestampMs: 1760681506000,
    });
    expect(event?.type === 'call_offered' && event.sdpOffer.startsWith('v=0\r\n')).toBe(true);
  });

  it('reads status, duration and the error of the live failed terminate', () => {
    const [event] = parseOk(loadWebhookFixture('live-terminate-failed-138021-2025-10-17.json'));
    expect(event).toMatchObject({ type: 'call_terminated', status: 'FAILED', durationSec: 20 });
    expect(event?.type === 'call_terminated' && event.errors).toEqual([
      { code: 138021, message: 'WhatsApp client terminated the call due to not receiving any media for a long time.' },
    ]);
  });

  it('uses value-level errors when the call carries none', () => {
    const [event] = parseOk(loadWebhookFixture('doc-terminate.json'));
    expect(event?.type === 'call_terminated' && event.errors[0]?.code).toBe(131000);
  });

  it('reads a business-initiated connect as the answer to our offer', () => {
    const [event] = parseOk(loadWebhookFixture('doc-connect-business-initiated.json'));
    expect(event).toMatchObject({ type: 'outbound_answered', sdpAnswer: '<<RFC 8866 SDP>>' });
  });

  it('reads call status and permission replies', () => {
    expect(parseOk(loadWebhookFixture('doc-status-ringing.json'))[0]).toMatchObject({
      type: 'outbound_status',
      status: 'RINGING',
      recipient: '163155536021',
    });
    expect(parseOk(loadWebhookFixture('doc-permission-reply.json'))[0]).toMatchObject({
      type: 'permission_reply',
      response: 'accept',
      permanent: false,
      expiresAtMs: 1672249624000,
    });
  });

  it('tolerates unknown extra fields', () => {
    const body = loadWebhookFixture('live-connect-user-initiated-2025-10-17.json') as any;
    body.entry[0].time = 1;
    body.entry[0].changes[0].value.calls[0].new_field = { nested: true };
    expect(parseOk(body)).toHaveLength(1);
  });

  it('skips a call missing a required field, naming its exact path', () => {
    const body = loadWebhookFixture('live-connect-user-initiated-2025-10-17.json') as any;
    delete body.entry[0].changes[0].value.calls[0].session.sdp;
    const result = parseWebhook(body);
    expect(result.ok && result.events).toEqual([]);
    expect(result.ok && result.skipped[0]?.reason).toMatch(
      /^entry\[0\]\.changes\[0\]\.value\.calls\[0\]\.session\.sdp: /,
    );
  });

  it('skips a call with a wrong type, naming its path', () => {
    const body = loadWebhookFixture('live-terminate-failed-138021-2025-10-17.json') as any;
    body.entry[0].changes[0].value.calls[0].duration = 'twenty';
    const result = parseWebhook(body);
    expect(result.ok && result.skipped[0]?.reason).toMatch(/calls\[0\]\.duration/);
  });

  it('reads what Meta’s pages allow to vary: duration and error codes as strings, any direction', () => {
    const body = loadWebhookFixture('live-terminate-failed-138021-2025-10-17.json') as any;
    const call = body.entry[0].changes[0].value.calls[0];
    call.duration = '20';
    call.direction = 'SOMETHING_NEW';
    if (call.errors) call.errors[0].code = '138021';
    const [event] = parseOk(body);
    expect(event).toMatchObject({ type: 'call_terminated', durationSec: 20, direction: 'SOMETHING_NEW' });
  });

  it('delivers the good call of a delivery whose neighbour is malformed', () => {
    const body = loadWebhookFixture('live-connect-user-initiated-2025-10-17.json') as any;
    const good = body.entry[0].changes[0].value.calls[0];
    body.entry[0].changes[0].value.calls = [{ ...good, id: 'broken', session: { sdp_type: 'offer' } }, good];
    const result = parseWebhook(body);
    expect(result.ok && result.events.map((e) => (e as { callId: string }).callId)).toEqual([good.id]);
    expect(result.ok && result.skipped.map((p) => p.path)).toEqual(['entry[0].changes[0].value.calls[0]']);
  });

  it('refuses as a whole only what is not a WhatsApp webhook at all', () => {
    expect(parseWebhook({ object: 'page', entry: [] }).ok).toBe(false);
    expect(parseWebhook({ object: 'whatsapp_business_account', entry: [] })).toMatchObject({
      ok: false,
      error: '.entry: entry is empty',
    });
    expect(parseWebhook(null).ok).toBe(false);
  });

  it('ignores call events and statuses it does not know', () => {
    const body = loadWebhookFixture('doc-connect-user-initiated.json') as any;
    body.entry[0].changes[0].value.calls[0].event = 'hold';
    expect(parseWebhook(body)).toEqual({ ok: true, events: [], skipped: [] });
    const status = loadWebhookFixture('doc-status-ringing.json') as any;
    status.entry[0].changes[0].value.statuses[0].status = 'SOMETHING_NEW';
    expect(parseWebhook(status)).toEqual({ ok: true, events: [], skipped: [] });
  });

  it('acknowledges other fields and plain messages without events', () => {
    const body = {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: '1',
          changes: [
            { field: 'account_update', value: { anything: true } },
            {
              field: 'messages',
              value: {
                messaging_product: 'whatsapp',
                metadata: { display_phone_number: '1', phone_number_id: '2' },
                messages: [{ from: '3', id: 'wamid.x', timestamp: '1', type: 'text', text: { body: 'hi' } }],
              },
            },
          ],
        },
      ],
    };
    expect(parseOk(body)).toEqual([]);
  });

  it('skips a calls change with neither calls, statuses nor errors, saying why', () => {
    const body = loadWebhookFixture('doc-status-ringing.json') as any;
    delete body.entry[0].changes[0].value.statuses;
    expect(parseWebhook(body)).toMatchObject({
      ok: true,
      events: [],
      skipped: [{ reason: expect.stringContaining('"calls", "statuses" or "errors"') }],
    });
  });
});

describe('customers known by business-scoped user ID (usernames)', () => {
  it('reads a username customer’s connect from Meta’s documented shape: no phone number, a user ID and a username', () => {
    const [event] = parseOk(loadWebhookFixture('doc-connect-username-only.json'));
    expect(event).toMatchObject({
      type: 'call_offered',
      from: 'US.13491208655302741918',
      customerUserId: 'US.13491208655302741918',
      callerName: 'Maria',
      callerUsername: 'maria.lopez',
    });
  });

  it('reads a profile that holds only a username, or nothing at all', () => {
    const body = loadWebhookFixture('doc-connect-username-only.json') as any;
    body.entry[0].changes[0].value.contacts[0].profile = { username: 'only.handle' };
    expect(parseOk(body)[0]).toMatchObject({ callerUsername: 'only.handle', callerName: undefined });
    body.entry[0].changes[0].value.contacts[0].profile = {};
    expect(parseOk(body)[0]).toMatchObject({ from: 'US.13491208655302741918', callerUsername: undefined });
  });

  it('keeps a hostile profile name harmless: bidi overrides dropped, 5 KB cut to a card’s length', () => {
    const body = loadWebhookFixture('doc-connect-username-only.json') as any;
    body.entry[0].changes[0].value.contacts[0].profile = { name: `\u202Elive ${'x'.repeat(5000)}`, username: 'm' };
    const name = (parseOk(body)[0] as { callerName: string }).callerName;
    expect(name.startsWith('live x')).toBe(true);
    expect(name).toHaveLength(100);
  });

  it('names the customer of a business-initiated terminate by the callee, not by the business', () => {
    const body = loadWebhookFixture('doc-connect-username-only.json') as any;
    const call = body.entry[0].changes[0].value.calls[0];
    Object.assign(call, {
      event: 'terminate',
      status: 'COMPLETED',
      direction: 'BUSINESS_INITIATED',
      from: '16315553601',
    });
    delete call.session;
    delete call.from_user_id;
    call.to_user_id = 'US.13491208655302741918';
    delete call.to;
    expect(parseOk(body)[0]).toMatchObject({ type: 'call_terminated', from: 'US.13491208655302741918' });
  });
});
