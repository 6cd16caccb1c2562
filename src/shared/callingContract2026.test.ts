import { describe, expect, it } from 'vitest';
import { loadWebhookFixture } from '../../fixtures/load';
import { accountAlertSentence, keepAlert, type ReceivedAccountAlert } from './accountAlerts';
import { buildCallbackData, CALLBACK_DATA_MAX, readCallbackData } from './callbackData';
import { anyCallErrorSentence, callErrorSentence, KNOWN_CALL_ERROR_CODES } from './callErrors';
import { ConnectBody } from './graphSchemas';
import { parseWebhook, type CallEvent } from './parseWebhook';

function events(body: unknown): CallEvent[] {
  const result = parseWebhook(body);
  if (!result.ok) throw new Error(result.error);
  expect(result.skipped).toEqual([]);
  return result.events;
}

describe("Meta's calling error table (Troubleshoot WhatsApp Calling Errors, June 2026)", () => {
  // Every code in the table, the ones added with issue 27 among them.
  const TABLE = [
    100, 613, 131009, 131030, 131044, 131055, 138000, 138001, 138002, 138003, 138004, 138005, 138006, 138007, 138009,
    138012, 138013, 138014, 138015, 138017, 138018, 138019, 138020, 138021, 138022, 138023,
  ];
  it.each(TABLE)('code %i has a sentence of its own, with the code kept', (code) => {
    expect(KNOWN_CALL_ERROR_CODES).toContain(code);
    expect(callErrorSentence(code)).toMatch(new RegExp(`^[A-Z].+\\. \\(WhatsApp code ${code}\\)$`));
  });
  it('keeps a general sentence with the code for a code it does not know, and one for an error without a code', () => {
    expect(anyCallErrorSentence(139999)).toBe('WhatsApp reported a problem with this call (WhatsApp code 139999).');
    expect(anyCallErrorSentence(undefined)).toMatch(/without saying which/);
  });
});

describe('webhooks of issue 27, from fixtures written from Meta’s pages', () => {
  it('turns a calls change carrying only errors (131044) into an alert for the operator', () => {
    expect(events(loadWebhookFixture('doc-errors-only-131044.json'))).toEqual([
      {
        type: 'account_alert',
        phoneNumberId: '518638374672395',
        alert: { kind: 'calling_error', code: 131044, detail: 'The business has no valid payment method' },
      },
    ]);
  });

  it('applies a terminate whose error has no code, instead of dropping it', () => {
    const body = loadWebhookFixture('live-terminate-failed-138021-2025-10-17.json') as any;
    const value = body.entry[0].changes[0].value;
    delete value.calls[0].errors[0].code;
    delete value.errors[0].code;
    const [event] = events(body);
    expect(event).toMatchObject({ type: 'call_terminated', status: 'FAILED', errors: [{ code: undefined }] });
  });

  it('reads biz_opaque_callback_data and the tapped payloads back from terminate, and the callback data from status', () => {
    const [terminate] = events(loadWebhookFixture('doc-terminate.json'));
    expect(terminate).toMatchObject({
      type: 'call_terminated',
      bizOpaque: 'random_string',
      ctaPayload: 'cta_payload',
      deeplinkPayload: 'deeplink_payload',
    });
    const [status] = events(loadWebhookFixture('doc-status-ringing.json'));
    expect(status).toMatchObject({ type: 'outbound_status', bizOpaque: 'random_string' });
  });

  it('reads a calling restriction with its type, reason and expiry, and says it in words', () => {
    const [event] = events(loadWebhookFixture('doc-account-update-calling-restriction.json'));
    expect(event).toEqual({
      type: 'account_alert',
      alert: {
        kind: 'restriction',
        restrictionType: 'RESTRICTED_USER_INITIATED_CALLING',
        reason: 'LOW_PICKUP_RATE',
        expiresAtMs: Date.UTC(2026, 11, 12),
      },
    });
    if (event?.type !== 'account_alert') throw new Error('no alert');
    expect(accountAlertSentence(event.alert)).toBe(
      'WhatsApp restricted calling on this number until 12 Dec: too many missed calls.',
    );
  });

  it('reads the low pick-up rate warning and a settings change', () => {
    const [warning] = events(loadWebhookFixture('doc-account-update-low-pickup-warning.json'));
    expect(warning).toMatchObject({ alert: { kind: 'warning', warning: 'USER_INITIATED_CALLS_LOW_PICKUP_RATE' } });
    const [settings] = events(loadWebhookFixture('doc-account-settings-update.json'));
    expect(settings).toEqual({
      type: 'account_alert',
      phoneNumberId: '518638374672395',
      alert: { kind: 'settings_changed' },
    });
  });

  it('skips an account_update it cannot read, item by item, and acknowledges the rest', () => {
    const body = loadWebhookFixture('doc-account-update-calling-restriction.json') as any;
    body.entry[0].changes[0].value.restrictions.restrictions_list[0].type = 42;
    const result = parseWebhook(body);
    expect(result).toMatchObject({ ok: true, events: [], skipped: [{ path: 'entry[0].changes[0].value' }] });
  });
});

describe('alerts kept for the status line', () => {
  const at = (alert: ReceivedAccountAlert['alert'], atMs: number): ReceivedAccountAlert => ({ alert, atMs });
  it('keeps one per subject, newest first, and drops restrictions that have expired', () => {
    const now = 1_000_000;
    let list: ReceivedAccountAlert[] = [];
    list = keepAlert(list, at({ kind: 'restriction', restrictionType: 'A', expiresAtMs: now + 10 }, 1), now);
    list = keepAlert(list, at({ kind: 'warning', warning: 'W' }, 2), now);
    list = keepAlert(list, at({ kind: 'restriction', restrictionType: 'A', expiresAtMs: now + 99 }, 3), now);
    expect(list.map((r) => r.atMs)).toEqual([3, 2]);
    expect(keepAlert(list, undefined, now + 100).map((r) => r.atMs)).toEqual([2]);
  });
  it('never lets a run of lesser alerts push out a restriction in force', () => {
    const now = 1_000_000;
    let list: ReceivedAccountAlert[] = [];
    list = keepAlert(list, at({ kind: 'restriction', restrictionType: 'R' }, 0), now);
    for (let i = 1; i <= 30; i += 1) list = keepAlert(list, at({ kind: 'warning', warning: `W${i}` }, i), now, 5);
    expect(list).toHaveLength(5);
    expect(list.map((r) => r.atMs)).toEqual([30, 29, 28, 27, 0]);
  });
});

describe('biz_opaque_callback_data', () => {
  it('ties the call to team, queue, agent and ticket, and reads them back', () => {
    const text = buildCallbackData({
      team: 'wa-relay',
      queue: 'support',
      agent: 'asha',
      ticket: 'https://crm/1?a=b&c',
    });
    expect(text).toBe('v=1&team=wa-relay&queue=support&agent=asha&ticket=https%3A%2F%2Fcrm%2F1%3Fa%3Db%26c');
    expect(readCallbackData(text)).toEqual({
      team: 'wa-relay',
      queue: 'support',
      agent: 'asha',
      ticket: 'https://crm/1?a=b&c',
    });
    expect(readCallbackData('random_string')).toBeUndefined();
    expect(buildCallbackData({})).toBeUndefined();
  });
  it('stays within Meta’s 512 characters however long the values', () => {
    const text = buildCallbackData({ team: 't'.repeat(300), agent: 'ä'.repeat(300), ticket: 'x'.repeat(50) })!;
    expect(text.length).toBeLessThanOrEqual(CALLBACK_DATA_MAX);
    expect(readCallbackData(text)?.ticket).toBe('x'.repeat(50));
  });
});

describe('connect bodies', () => {
  const base = { messaging_product: 'whatsapp', action: 'connect', session: { sdp_type: 'offer', sdp: 'v=0\r\n' } };
  it('take `to` and `recipient` together (Meta calls `to`), and refuse neither', () => {
    expect(ConnectBody.safeParse({ ...base, to: '447700900123', recipient: 'US.1234' }).success).toBe(true);
    expect(ConnectBody.safeParse({ ...base, recipient: 'US.1234' }).success).toBe(true);
    expect(ConnectBody.safeParse(base).success).toBe(false);
  });
});
