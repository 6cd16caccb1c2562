import { afterEach, describe, expect, it } from 'vitest';
import { loadWebhookFixture } from '../../fixtures/load';
import { startPhoneWithSim, SIM_SECRETS, type PhoneWithSim } from '../../sim/phoneWithSim';
import { postSignedWebhook, terminateWebhook } from '../../sim/webhookSender';
import { readCallbackData } from '../shared/callbackData';
import { createTonePeer } from '../relay/media/testTonePeer';

/**
 * Issue 27 through the desk's real path: signed webhooks into the desk's webhook server, the call coordinator, the
 * history on disk, and the Graph API simulator judging what the desk sends (its rules in sim/, apart from the app).
 */
let phone: PhoneWithSim | undefined;
const peers: Array<ReturnType<typeof createTonePeer>> = [];
afterEach(async () => {
  for (const p of peers.splice(0)) p.close();
  await phone?.close();
  phone = undefined;
});

async function start() {
  phone = await startPhoneWithSim();
  return phone;
}

/** A restriction's end in the future whenever the test runs (the fixture's is Meta's sample date). */
const UNTIL_MS = Date.UTC(2099, 11, 12);

/** Re-addresses a fixture to the simulator's number and delivers it signed, as Meta does. */
async function deliver(p: PhoneWithSim, fixture: string): Promise<number> {
  const body = JSON.stringify(loadWebhookFixture(fixture))
    .replaceAll('518638374672395', SIM_SECRETS.phoneNumberId)
    .replace('1797033600', String(UNTIL_MS / 1000));
  return (await postSignedWebhook(p.host.services.webhookUrl!, body, SIM_SECRETS.appSecret)).status;
}

async function status(p: PhoneWithSim) {
  return p.host.services.handlers['app:status']({});
}

async function until<T>(read: () => Promise<T> | T, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('calling contract 2026 at the desk (issue 27)', () => {
  it('sends callback data with pre_accept and accept, keeps what WhatsApp echoes on terminate, and exports it', async () => {
    const p = await start();
    const call = await p.sim.placeCall({ ctaPayload: 'buy-now' });
    const ringing = await until(
      () => p.host.services.handlers['calls:list']({}),
      (calls) => calls.some((c) => c.callId === call.callId && c.phase === 'ringing'),
    );
    const offer = ringing.find((c) => c.callId === call.callId)!.sdpOffer!;
    const peer = createTonePeer(600);
    peers.push(peer);
    const sdpAnswer = await peer.answer(offer);
    expect(await p.host.services.handlers['call:answer']({ callId: call.callId, sdpAnswer })).toEqual({ ok: true });

    const sent = p.sim.graph.requests.filter(
      (r) => (r.body as { call_id?: string } | undefined)?.call_id === call.callId,
    );
    const [preAccept, accept] = sent.map((r) => r.body as { action: string; biz_opaque_callback_data?: string });
    expect(preAccept?.action).toBe('pre_accept');
    expect(accept?.action).toBe('accept');
    expect(accept?.biz_opaque_callback_data).toBe(preAccept?.biz_opaque_callback_data);
    expect(readCallbackData(accept?.biz_opaque_callback_data)?.agent).toBeTruthy();
    expect(p.sim.graph.calls.get(call.callId)?.callbackData).toBe(accept?.biz_opaque_callback_data);

    await p.sim.hangUp(call.callId);
    const [entry] = await until(
      () => p.host.services.handlers['history:list']({ search: '', missedOnly: false, limit: 10 }),
      (rows) => rows[0]?.endReason !== undefined && rows[0]?.callbackData !== undefined,
    );
    expect(entry).toMatchObject({
      callId: call.callId,
      callbackData: accept?.biz_opaque_callback_data,
      ctaPayload: 'buy-now',
    });
    const csv = await p.host.services.handlers['history:exportCsv']({ search: '', missedOnly: false, limit: 10 });
    // The three columns side by side; History's later columns (agent, rating) may follow them.
    expect(csv.split('\r\n')[0]).toContain('"callback_data","cta_payload","deeplink_payload"');
    expect(csv).toContain('"buy-now"');
  });

  it('ends a call whose terminate error has no code, with a general sentence', async () => {
    const p = await start();
    const call = await p.sim.placeCall();
    await until(
      () => p.host.services.handlers['calls:list']({}),
      (calls) => calls.some((c) => c.callId === call.callId),
    );
    const body = terminateWebhook({
      callId: call.callId,
      from: call.from,
      phoneNumberId: SIM_SECRETS.phoneNumberId,
      status: 'FAILED',
      error: { code: 0, message: 'Something failed' },
    }) as any;
    delete body.entry[0].changes[0].value.calls[0].errors[0].code;
    delete body.entry[0].changes[0].value.errors[0].code;
    expect((await postSignedWebhook(p.host.services.webhookUrl!, body, SIM_SECRETS.appSecret)).status).toBe(200);
    const calls = await until(
      () => p.host.services.handlers['calls:list']({}),
      (list) => list.some((c) => c.callId === call.callId && c.phase === 'ended'),
    );
    expect(calls.find((c) => c.callId === call.callId)).toMatchObject({
      phase: 'ended',
      endReason: 'failed',
      message: expect.stringMatching(/without saying which/),
    });
  });

  it('shows an errors-only calls change (131044) and a calling restriction on the status line, in words', async () => {
    const p = await start();
    expect(await deliver(p, 'doc-errors-only-131044.json')).toBe(200);
    expect(await deliver(p, 'doc-account-update-calling-restriction.json')).toBe(200);
    const seen = await until(
      () => status(p),
      (s) => (s.accountAlerts ?? []).length === 2,
    );
    expect(seen.accountAlerts?.map((a) => a.alert)).toEqual([
      {
        kind: 'restriction',
        restrictionType: 'RESTRICTED_USER_INITIATED_CALLING',
        reason: 'LOW_PICKUP_RATE',
        expiresAtMs: UNTIL_MS,
      },
      { kind: 'calling_error', code: 131044, detail: 'The business has no valid payment method' },
    ]);
  });

  it('saves calling settings with a holiday already past left out, which the simulated Meta would refuse', async () => {
    const p = await start();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC' }).format(Date.now());
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC' }).format(Date.now() - 86_400_000);
    const period = { day_of_week: 'MONDAY', open_time: '0900', close_time: '1700' };
    const day = (date: string) => ({ date, start_time: '0000', end_time: '2359' });
    p.sim.graph.setCallingSettings({
      calling: {
        status: 'ENABLED',
        call_icon_visibility: 'DEFAULT',
        callback_permission_status: 'ENABLED',
        call_hours: {
          status: 'ENABLED',
          timezone_id: 'UTC',
          weekly_operating_hours: [period],
          holiday_schedule: [day(yesterday), day(today), day('2099-12-25')],
        },
      },
    });
    const read = await p.host.services.handlers['settings:callingRead']({});
    if (!read.ok) throw new Error(read.error);
    const saved = await p.host.services.handlers['settings:callingSave']({
      ...read.values,
      callback_permission_status: 'DISABLED',
    });
    expect(saved.ok).toBe(true);
    const calling = (
      p.sim.graph.callingSettings as { calling: { call_hours: unknown; callback_permission_status: string } }
    ).calling;
    expect(calling.callback_permission_status).toBe('DISABLED');
    expect(calling.call_hours).toEqual({
      status: 'ENABLED',
      timezone_id: 'UTC',
      weekly_operating_hours: [period],
      holiday_schedule: [day(today), day('2099-12-25')],
    });
  });
});
