import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { loadSdpFixture } from '../../fixtures/load';
import type { CallView } from '../shared/ipcContract';
import type { CallEvent } from '../shared/parseWebhook';
import { AgentFacingError } from '../shared/agentErrors';
import { relayRefusalWordsEn } from '../shared/relayRefusalWords';
import { createCallCoordinator, type CallCoordinator } from './callCoordinator';
import { graphCallActions } from './transport/directTransport';
import { callSignalFromWebhook } from '../whatsapp/callSignalFromWebhook';
import { createGraphClient } from '../whatsapp/graphClient';
import { createMemoryLogger } from '../whatsapp/logger';

const TOKEN = 'EAAGcoordinatorToken123456';
const PNID = '100';
const ANSWER = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');

let sim: GraphApiSim;

/** Hands a webhook event to the coordinator as the direct transport does. */
function deliver(target: CallCoordinator, event: CallEvent): void {
  const signal = callSignalFromWebhook(event);
  if (signal && signal.type !== 'missed_handled' && signal.type !== 'status_set' && signal.type !== 'agent_state')
    target.handleSignal(signal);
}
let coordinator: CallCoordinator;
let updates: CallView[];

function start(ringTimeoutMs = 60_000): void {
  const graph = createGraphClient({ accessToken: TOKEN, phoneNumberId: PNID, baseUrl: sim.baseUrl, timeoutMs: 500 });
  coordinator = createCallCoordinator({
    transport: graphCallActions(graph),
    logger: createMemoryLogger(),
    ringTimeoutMs,
  });
  updates = [];
  coordinator.onUpdate((v) => updates.push(v));
}

beforeEach(async () => {
  sim = await startGraphApiSim({ accessToken: TOKEN, phoneNumberId: PNID });
  start();
});
afterEach(() => sim.close());

function offer(callId: string): void {
  sim.offerCall(callId);
  const event: CallEvent = {
    type: 'call_offered',
    callId,
    phoneNumberId: PNID,
    from: '4412345',
    to: '1',
    callerName: 'Kim',
    timestampMs: Date.now(),
    sdpOffer: 'v=0\r\n',
  };
  deliver(coordinator, event);
}

function remoteEnd(callId: string, status = 'COMPLETED', errors: { code: number; message: string }[] = []): void {
  deliver(coordinator, {
    type: 'call_terminated',
    callId,
    phoneNumberId: PNID,
    from: '4412345',
    to: '1',
    status,
    timestampMs: Date.now(),
    errors,
  });
}

describe('call coordinator', () => {
  it('a colleague’s invitation or transfer that ends unanswered is not a missed call of this desk', () => {
    const ring = (callId: string, extra: { invitedBy?: string; transferredBy?: string }) =>
      coordinator.handleSignal({
        type: 'call_offered',
        callId,
        from: '4412345',
        callerName: 'Kim',
        timestampMs: Date.now(),
        sdpOffer: 'v=0\r\n',
        anchored: true,
        ...extra,
      });
    ring('invite', { invitedBy: 'asha' });
    ring('transfer', { transferredBy: 'asha' });
    ring('customer', {});
    // Asha hangs up while the invitation rings; the transfer rings out; the customer's own call is missed.
    remoteEnd('invite');
    coordinator.handleSignal({ type: 'call_passed_on', callId: 'transfer', afterSec: 0 });
    remoteEnd('customer');
    expect(coordinator.get('invite')?.endReason).toBe('invitation_ended');
    expect(coordinator.get('transfer')?.endReason).toBe('invitation_ended');
    expect(coordinator.get('customer')?.endReason).toBe('missed');
  });

  it('a call that waited in the queue before it rang here is known to have waited since then; one without a wait is not', () => {
    const ring = (callId: string, waitedMs?: number) =>
      coordinator.handleSignal({
        type: 'call_offered',
        callId,
        from: '4412345',
        timestampMs: Date.now(),
        sdpOffer: 'v=0\r\n',
        queue: 'Support',
        waitedMs,
      });
    const before = Date.now();
    ring('waited', 70_000);
    ring('direct');
    const waited = coordinator.get('waited')!;
    expect(waited.offeredAtMs - waited.waitingSinceMs!).toBe(70_000);
    expect(waited.waitingSinceMs).toBeGreaterThanOrEqual(before - 70_000);
    expect(coordinator.get('direct')?.waitingSinceMs).toBeUndefined();
  });

  it('a call its queue turned away while it rang here is turned away, not missed; one ended by the caller is missed', () => {
    const ring = (callId: string) =>
      coordinator.handleSignal({
        type: 'call_offered',
        callId,
        from: '4412345',
        timestampMs: Date.now(),
        sdpOffer: 'v=0\r\n',
      });
    ring('waited');
    ring('gave-up');
    coordinator.handleSignal({
      type: 'call_terminated',
      callId: 'waited',
      from: '4412345',
      status: 'COMPLETED',
      errors: [],
      turnedAway: 'max_wait',
    });
    remoteEnd('gave-up');
    expect(coordinator.get('waited')?.endReason).toBe('turned_away');
    expect(coordinator.get('gave-up')?.endReason).toBe('missed');
  });

  it('forgets ended calls with a customer the team erased (offered before the erasure), telling the page; keeps live ones', () => {
    offer('erased-ended');
    remoteEnd('erased-ended');
    offer('erased-live');
    const erasure = Date.now();
    updates = [];
    const forgotten = coordinator.forgetEnded((customer) => (customer === '4412345' ? erasure : undefined));
    expect(forgotten).toBe(1);
    expect(coordinator.get('erased-ended')).toBeUndefined();
    expect(coordinator.list().map((c) => c.callId)).toEqual(['erased-live']);
    expect(updates).toEqual([expect.objectContaining({ callId: 'erased-ended', forgotten: true })]);
    // A later call with the same customer (after the erasure) is kept.
    remoteEnd('erased-live');
    expect(coordinator.forgetEnded((customer) => (customer === '4412345' ? erasure - 60_000 : undefined))).toBe(0);
  });

  it('rings, then answers with pre_accept and accept carrying the same SDP', async () => {
    offer('c1');
    expect(coordinator.get('c1')).toMatchObject({ phase: 'ringing', callerName: 'Kim', sdpOffer: 'v=0\r\n' });
    expect(await coordinator.answer('c1', ANSWER)).toEqual({ ok: true });
    expect(sim.actionsFor('c1')).toEqual(['pre_accept:200', 'accept:200']);
    expect(updates.map((u) => u.phase)).toEqual(['ringing', 'answering', 'pre_accepted', 'active']);
    expect(coordinator.get('c1')?.answeredAtMs).toBeTypeOf('number');
  });

  it('a call the team relay passes on stops ringing here with nothing sent to WhatsApp, and may ring here again', async () => {
    offer('c-pass');
    coordinator.handleSignal({ type: 'call_passed_on', callId: 'c-pass', afterSec: 15 });
    expect(coordinator.get('c-pass')).toMatchObject({ phase: 'ended', endReason: 'passed_on' });
    expect(sim.actionsFor('c-pass')).toEqual([]);
    // The queue overflows to everyone, this desk included: it rings again and can be answered.
    offer('c-pass');
    expect(coordinator.get('c-pass')).toMatchObject({ phase: 'ringing' });
    expect(await coordinator.answer('c-pass', ANSWER)).toEqual({ ok: true });
    // A retried offer of a call that is already ringing or answered changes nothing.
    offer('c-pass');
    expect(coordinator.get('c-pass')).toMatchObject({ phase: 'active' });
  });

  it('a ring the team relay withdraws because the agent went not ready says so, and may ring here again', async () => {
    offer('c-not-ready');
    coordinator.handleSignal({ type: 'call_passed_on', callId: 'c-not-ready', afterSec: 0, because: 'not_ready' });
    expect(coordinator.get('c-not-ready')).toMatchObject({ phase: 'ended', endReason: 'withdrawn_not_ready' });
    expect(sim.actionsFor('c-not-ready')).toEqual([]);
    // Available again while the call still waits: it rings here again.
    offer('c-not-ready');
    expect(coordinator.get('c-not-ready')).toMatchObject({ phase: 'ringing' });
  });

  it('rejects a failed pre_accept on Meta, says why in plain words, and leaves nothing ringing', async () => {
    offer('c2');
    sim.addFault({ action: 'pre_accept', status: 500, body: { error: { message: 'Connection error', code: 138004 } } });
    const result = await coordinator.answer('c2', ANSWER);
    expect(result).toEqual({
      ok: false,
      error:
        'The call could not be answered. WhatsApp had a connection problem with this call: try again. (WhatsApp code 138004)',
      said: [{ key: 'answerFailed' }, { key: 'whatsappCode', values: { code: 138004 } }],
    });
    expect(coordinator.get('c2')).toMatchObject({
      phase: 'ended',
      endReason: 'failed',
      message: expect.stringContaining('could not be answered'),
    });
    expect(sim.actionsFor('c2')).toEqual(['pre_accept:500', 'reject:200']);
  });

  it('a colleague who pressed Answer first has the call: this desk shows it answered by a colleague and ends nothing', async () => {
    const graph = createGraphClient({ accessToken: TOKEN, phoneNumberId: PNID, baseUrl: sim.baseUrl, timeoutMs: 500 });
    const lost = new AgentFacingError(relayRefusalWordsEn.relayAnsweredElsewhere, undefined, {
      key: 'relayAnsweredElsewhere',
    });
    coordinator = createCallCoordinator({
      // The team relay refuses this desk's answer: another agent's came first.
      transport: { ...graphCallActions(graph), preAccept: () => Promise.reject(lost) },
      logger: createMemoryLogger(),
      ringTimeoutMs: 60_000,
    });
    offer('c-race');
    const result = await coordinator.answer('c-race', ANSWER);
    expect(result).toMatchObject({ ok: false, said: [{ key: 'relayAnsweredElsewhere' }] });
    // Not a failed call (a tester saw a red "Call failed" card for minutes), and nothing rejected on WhatsApp.
    expect(coordinator.get('c-race')).toMatchObject({ phase: 'ended', endReason: 'answered_elsewhere' });
    expect(sim.actionsFor('c-race')).toEqual([]);
  });

  it('terminates a call whose accept failed after pre_accept', async () => {
    offer('c3');
    sim.addFault({ action: 'accept', status: 400, body: { error: { message: 'Invalid parameter', code: 100 } } });
    expect((await coordinator.answer('c3', ANSWER)).ok).toBe(false);
    expect(sim.actionsFor('c3')).toEqual(['pre_accept:200', 'accept:400', 'terminate:200']);
    expect(sim.calls.get('c3')?.state).toBe('terminated');
  });

  it('terminates when the caller hung up while the answer was on its way', async () => {
    offer('c4');
    sim.addFault({ action: 'pre_accept', delayMs: 150 });
    const answering = coordinator.answer('c4', ANSWER);
    await new Promise((r) => setTimeout(r, 50));
    remoteEnd('c4');
    expect(await answering).toEqual({ ok: false, error: 'The caller hung up.', said: [{ key: 'callerHungUp' }] });
    expect(coordinator.get('c4')).toMatchObject({ phase: 'ended', endReason: 'missed' });
    expect(sim.actionsFor('c4')).toEqual(['pre_accept:200', 'terminate:200']);
  });

  it('rejects a call on WhatsApp when its ring time runs out, and logs it as missed', async () => {
    start(50);
    offer('timed-out');
    await expect.poll(() => sim.actionsFor('timed-out')).toEqual(['reject:200']);
    expect(coordinator.get('timed-out')).toMatchObject({ phase: 'ended', endReason: 'missed' });
  });

  it('leaves an incoming call ringing for as long as its limit says (a team relay ends its own rings)', async () => {
    const graph = createGraphClient({ accessToken: TOKEN, phoneNumberId: PNID, baseUrl: sim.baseUrl, timeoutMs: 500 });
    let limitMs = 400;
    coordinator = createCallCoordinator({
      transport: graphCallActions(graph),
      logger: createMemoryLogger(),
      ringTimeoutMs: 50,
      inboundRingLimitMs: () => limitMs,
    });
    offer('long-ring');
    await new Promise((r) => setTimeout(r, 200));
    expect(sim.actionsFor('long-ring')).toEqual([]);
    expect(coordinator.get('long-ring')).toMatchObject({ phase: 'ringing' });
    await expect.poll(() => sim.actionsFor('long-ring')).toEqual(['reject:200']);
    limitMs = 50;
    offer('short-ring');
    await expect.poll(() => sim.actionsFor('short-ring'), { timeout: 300 }).toEqual(['reject:200']);
  });

  it('declines a ringing call whose offer the desk cannot answer, with the agent’s sentence and the detail in the log', async () => {
    offer('unanswerable');
    await coordinator.mediaFailed('unanswerable', 'This call could not be taken.', 'InvalidAccessError: no audio');
    expect(sim.actionsFor('unanswerable')).toEqual(['reject:200']);
    expect(coordinator.get('unanswerable')).toMatchObject({ phase: 'ended', message: 'This call could not be taken.' });
  });

  it('rejects, and hangs up with terminate', async () => {
    offer('c5');
    expect(await coordinator.reject('c5')).toEqual({ ok: true });
    expect(coordinator.get('c5')).toMatchObject({ endReason: 'rejected' });
    offer('c6');
    await coordinator.answer('c6', ANSWER);
    expect(await coordinator.hangup('c6')).toEqual({ ok: true });
    expect(coordinator.get('c6')).toMatchObject({ phase: 'ended', endReason: 'answered' });
    expect(sim.actionsFor('c6')).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  });

  it('retries terminate once after a 503 and still ends the call', async () => {
    offer('c7');
    await coordinator.answer('c7', ANSWER);
    sim.addFault({ action: 'terminate', status: 503 });
    expect(await coordinator.hangup('c7')).toEqual({ ok: true });
    expect(sim.actionsFor('c7').slice(-2)).toEqual(['terminate:503', 'terminate:200']);
  });

  it('tells the agent when WhatsApp never confirmed the hang-up, and still ends it locally', async () => {
    offer('c8');
    await coordinator.answer('c8', ANSWER);
    sim.addFault({ action: 'terminate', status: 500, times: 3 });
    const result = await coordinator.hangup('c8');
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('did not confirm') });
    expect(coordinator.get('c8')?.phase).toBe('ended');
  });

  it('repeats a pre_accept refused with 429, since Meta did not process it', async () => {
    offer('r429');
    sim.addFault({
      action: 'pre_accept',
      status: 429,
      body: { error: { message: 'Call rate limit exceeded', code: 138005 } },
    });
    expect(await coordinator.answer('r429', ANSWER)).toEqual({ ok: true });
    expect(sim.actionsFor('r429')).toEqual(['pre_accept:429', 'pre_accept:200', 'accept:200']);
  });

  it('never repeats an accept that timed out (it may have taken effect) and terminates instead', async () => {
    offer('slow');
    sim.addFault({ action: 'accept', delayMs: 800 });
    const result = await coordinator.answer('slow', ANSWER);
    expect(result).toEqual({
      ok: false,
      error: 'The call could not be answered. WhatsApp did not answer in time: try again in a moment.',
      said: [{ key: 'answerFailed' }, { key: 'netTimeout' }],
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(sim.actionsFor('slow').filter((a) => a.startsWith('accept'))).toHaveLength(1);
    expect(sim.actionsFor('slow')).toContain('terminate:200');
    expect(sim.calls.get('slow')?.state).toBe('terminated');
  });

  it('never repeats a pre_accept answered with 500', async () => {
    offer('p500');
    sim.addFault({ action: 'pre_accept', status: 500 });
    expect((await coordinator.answer('p500', ANSWER)).ok).toBe(false);
    expect(sim.actionsFor('p500')).toEqual(['pre_accept:500', 'reject:200']);
  });

  it('records a terminate that overtook its connect as a missed call', () => {
    remoteEnd('c9');
    expect(coordinator.get('c9')).toMatchObject({ phase: 'ended', endReason: 'missed', from: '4412345' });
  });

  it('ends a remote hang-up and a failed call with the webhook’s reason in plain words, code kept', async () => {
    offer('c10');
    await coordinator.answer('c10', ANSWER);
    remoteEnd('c10');
    expect(coordinator.get('c10')).toMatchObject({ endReason: 'remote_hangup' });
    offer('c11');
    await coordinator.answer('c11', ANSWER);
    remoteEnd('c11', 'FAILED', [{ code: 138021, message: 'no media' }]);
    expect(coordinator.get('c11')).toMatchObject({
      endReason: 'failed',
      message:
        'The customer’s WhatsApp stopped hearing audio from this phone, so WhatsApp ended the call. (WhatsApp code 138021)',
    });
    offer('c11b');
    remoteEnd('c11b', 'FAILED', [{ code: 139999, message: 'something new' }]);
    // A code this phone does not know keeps a general sentence with the code; Meta's own words go to the log.
    expect(coordinator.get('c11b')).toMatchObject({
      message: 'WhatsApp reported a problem with this call (WhatsApp code 139999).',
    });
  });

  it('keeps the duration Meta bills, from its terminate webhook, with the call', async () => {
    offer('billed');
    await coordinator.answer('billed', ANSWER);
    deliver(coordinator, {
      type: 'call_terminated',
      callId: 'billed',
      phoneNumberId: PNID,
      from: '4412345',
      to: '1',
      status: 'COMPLETED',
      durationSec: 42,
      timestampMs: Date.now(),
      errors: [],
    });
    expect(coordinator.get('billed')).toMatchObject({ phase: 'ended', billedDurationSec: 42 });
  });

  it('marks a call missed when nobody answers in time', async () => {
    start(80);
    offer('c12');
    await new Promise((r) => setTimeout(r, 150));
    expect(coordinator.get('c12')).toMatchObject({ phase: 'ended', endReason: 'missed' });
  });

  it('refuses a second answer while a call is live, and lets both ring', async () => {
    offer('a');
    offer('b');
    expect(coordinator.list().map((c) => c.phase)).toEqual(['ringing', 'ringing']);
    await coordinator.answer('a', ANSWER);
    expect(await coordinator.answer('b', ANSWER)).toEqual({
      ok: false,
      error: 'Hold or hang up the current call before answering another one.',
      said: [{ key: 'answerBusy' }],
    });
    expect(coordinator.get('b')?.phase).toBe('ringing');
  });

  it('holds one call to answer another, swaps, and never has two on hold or two live', async () => {
    offer('h1');
    offer('h2');
    await coordinator.answer('h1', ANSWER);
    expect(coordinator.hold('h1', true)).toEqual({ ok: true });
    expect(coordinator.get('h1')?.heldSinceMs).toBeGreaterThan(0);
    expect(await coordinator.answer('h2', ANSWER)).toEqual({ ok: true });
    expect(coordinator.hold('h2', true)).toEqual({
      ok: false,
      error: 'Another call is already on hold: take it back or end it first.',
      said: [{ key: 'holdOtherHeld' }],
    });
    // Taking h1 back while on h2 swaps them.
    expect(coordinator.hold('h1', false)).toEqual({ ok: true });
    expect(coordinator.get('h1')?.heldSinceMs).toBeUndefined();
    expect(coordinator.get('h2')?.heldSinceMs).toBeGreaterThan(0);
    expect(coordinator.hold('h2', false)).toEqual({ ok: true });
    await coordinator.hangup('h2');
    expect(coordinator.get('h1')).toMatchObject({ phase: 'active' });
    expect(coordinator.get('h1')?.heldSinceMs).toBeGreaterThan(0);
    expect(coordinator.hold('h1', false)).toEqual({ ok: true });
    expect(coordinator.get('h1')?.heldSinceMs).toBeUndefined();
    expect(sim.calls.get('h1')?.state).not.toBe('terminated');
    expect(coordinator.hold('h2', true)).toEqual({
      ok: false,
      error: 'Only a call in progress can be held.',
      said: [{ key: 'holdOnlyActive' }],
    });
  });

  it('ends every live call on Meta before shutting down', async () => {
    offer('s1');
    await coordinator.answer('s1', ANSWER);
    offer('s2');
    await coordinator.shutdown();
    expect(sim.calls.get('s1')?.state).toBe('terminated');
    expect(sim.calls.get('s2')?.state).toBe('rejected');
  });

  it('ends a call whose media failed, terminating it on Meta', async () => {
    offer('m1');
    await coordinator.answer('m1', ANSWER);
    await coordinator.mediaFailed('m1', 'The audio connection to WhatsApp failed.');
    expect(coordinator.get('m1')).toMatchObject({
      endReason: 'failed',
      message: 'The audio connection to WhatsApp failed.',
    });
    expect(sim.calls.get('m1')?.state).toBe('terminated');
  });
});

describe('call coordinator, outbound', () => {
  const OFFER = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');

  function start(ringTimeoutMs?: number): { coordinator: CallCoordinator; updates: CallView[] } {
    const graph = createGraphClient({ accessToken: TOKEN, phoneNumberId: PNID, baseUrl: sim.baseUrl, timeoutMs: 500 });
    const c = createCallCoordinator({
      transport: graphCallActions(graph),
      logger: createMemoryLogger(),
      ringTimeoutMs,
    });
    const seen: CallView[] = [];
    c.onUpdate((v) => seen.push(v));
    return { coordinator: c, updates: seen };
  }

  it('keeps a callback whose permission check failed in hand, to try again or pass; it leaves once its call is out', async () => {
    sim.setPermission('447700900321', 'temporary');
    const graph = createGraphClient({ accessToken: TOKEN, phoneNumberId: PNID, baseUrl: sim.baseUrl, timeoutMs: 500 });
    const answers: string[] = [];
    const c = createCallCoordinator({
      transport: {
        ...graphCallActions(graph),
        answerCallback: async (id, answer) => {
          answers.push(`${id}:${answer}`);
          return { customer: '447700900321' };
        },
      },
      logger: createMemoryLogger(),
    });
    const lists: string[][] = [];
    c.onCallbackOffers((offers) => lists.push(offers.map((o) => `${o.callbackId}${o.inHand ? ' in hand' : ''}`)));
    const offered = { callbackId: 'cb1', customer: '447700900321', queue: 'Care', waitingSinceMs: 1, attempts: 0 };
    c.handleSignal({ type: 'callback_offered', ...offered, untilMs: Date.now() + 60_000 });
    sim.addFault({ action: 'call_permissions', status: 400 });
    const failed = await c.dial('447700900321', OFFER, undefined, 'cb1');
    expect(failed).toMatchObject({ ok: false, said: [{ key: 'permissionCheckFailed' }, { key: 'whatsappRefused' }] });
    expect(c.callbackOffers()).toMatchObject([{ callbackId: 'cb1', inHand: true }]);
    // Tried again: taken once only, and gone from the desk once the call is placed.
    const placed = await c.dial('447700900321', OFFER, undefined, 'cb1');
    expect(placed.ok).toBe(true);
    expect(answers).toEqual(['cb1:accept']);
    expect(c.callbackOffers()).toEqual([]);
    expect(lists).toEqual([['cb1'], ['cb1 in hand'], []]);
  });

  it('tells the page a callback waiting for the customer’s permission is gone when the relay withdraws it or the customer is erased', async () => {
    const graph = createGraphClient({ accessToken: TOKEN, phoneNumberId: PNID, baseUrl: sim.baseUrl, timeoutMs: 500 });
    const answers: string[] = [];
    const c = createCallCoordinator({
      transport: {
        ...graphCallActions(graph),
        answerCallback: async (id, answer, why) => {
          answers.push(`${id}:${answer}:${why ?? ''}`);
          return { customer: id === 'cb1' ? '447700900321' : '447700900322' };
        },
      },
      logger: createMemoryLogger(),
    });
    const gone: string[][] = [];
    c.onCallbacksGone((ids) => gone.push(ids));
    for (const [callbackId, customer] of [
      ['cb1', '447700900321'],
      ['cb2', '447700900322'],
    ]) {
      c.handleSignal({
        type: 'callback_offered',
        callbackId: callbackId!,
        customer: customer!,
        queue: 'Care',
        waitingSinceMs: 1,
        attempts: 0,
        untilMs: Date.now() + 60_000,
      });
      expect(await c.dial(customer!, OFFER, undefined, callbackId)).toMatchObject({
        ok: false,
        said: [{ key: 'callbackPermissionRequested' }],
      });
    }
    expect(answers.filter((a) => a.includes('not_placed'))).toEqual([
      'cb1:not_placed:permission_requested',
      'cb2:not_placed:permission_requested',
    ]);
    // An erasure of the first customer: only their callback is gone; one not erased stays.
    c.forgetErasedCallbacks((customer) => (customer === '447700900321' ? 1 : undefined));
    expect(gone).toEqual([['cb1']]);
    c.forgetErasedCallbacks((customer) => (customer === '447700900321' ? 1 : undefined));
    expect(gone).toEqual([['cb1']]);
    // The relay withdraws the other.
    c.handleSignal({ type: 'callback_withdrawn', callbackId: 'cb2' });
    expect(gone).toEqual([['cb1'], ['cb2']]);
  });

  it('refuses to place a call without permission, and says whether a request may be sent', async () => {
    const { coordinator: c } = start();
    expect(await c.dial('447700900321', OFFER)).toEqual({
      ok: false,
      error: 'This customer has not given permission to be called.',
      said: [{ key: 'noCallPermission' }],
      permission: { status: 'no_permission', canCall: false, canRequest: true },
    });
    expect(sim.requests.map((r) => r.path)).toEqual([`/v23.0/${PNID}/call_permissions?user_wa_id=447700900321`]);
  });

  it('places a call, then follows WhatsApp: answer, ringing, accepted', async () => {
    sim.setPermission('447700900321', 'temporary');
    const { coordinator: c, updates: seen } = start();
    const result = await c.dial('447700900321', OFFER);
    if (!result.ok) throw new Error(result.error);
    deliver(c, {
      type: 'outbound_answered',
      callId: result.callId,
      phoneNumberId: PNID,
      to: '447700900321',
      timestampMs: 1,
      sdpAnswer: 'v=0 answer',
    });
    deliver(c, {
      type: 'outbound_status',
      callId: result.callId,
      phoneNumberId: PNID,
      status: 'RINGING',
      recipient: '447700900321',
      timestampMs: 1,
    });
    deliver(c, {
      type: 'outbound_status',
      callId: result.callId,
      phoneNumberId: PNID,
      status: 'ACCEPTED',
      recipient: '447700900321',
      timestampMs: 2,
    });
    expect(seen.map((v) => v.phase)).toEqual(['dialing', 'dialing', 'remote_ringing', 'active']);
    expect(c.get(result.callId)).toMatchObject({
      direction: 'outbound',
      from: '447700900321',
      sdpAnswer: 'v=0 answer',
    });
  });

  it('keeps an answer and statuses that overtook the reply to connect', async () => {
    sim.setPermission('447700900321', 'permanent');
    sim.setConnectReplyDelay(200);
    const { coordinator: c } = start();
    sim.onAction((action, call) => {
      if (action !== 'connect') return;
      deliver(c, {
        type: 'outbound_answered',
        callId: call.id,
        phoneNumberId: PNID,
        to: '447700900321',
        timestampMs: 1,
        sdpAnswer: 'v=0 early',
      });
      deliver(c, {
        type: 'outbound_status',
        callId: call.id,
        phoneNumberId: PNID,
        status: 'RINGING',
        recipient: '447700900321',
        timestampMs: 1,
      });
    });
    const result = await c.dial('447700900321', OFFER);
    if (!result.ok) throw new Error(result.error);
    expect(c.get(result.callId)).toMatchObject({ phase: 'remote_ringing', sdpAnswer: 'v=0 early' });
  });

  it('cancels a call still ringing at the customer with terminate', async () => {
    sim.setPermission('447700900321', 'temporary');
    const { coordinator: c } = start();
    const result = await c.dial('447700900321', OFFER);
    if (!result.ok) throw new Error(result.error);
    expect(await c.hangup(result.callId)).toEqual({ ok: true });
    expect(c.get(result.callId)).toMatchObject({ phase: 'ended', endReason: 'missed' });
    expect(sim.actionsFor(result.callId)).toEqual(['terminate:200']);
  });

  it('ends a call the customer never picks up, with terminate, when the ring time runs out', async () => {
    sim.setPermission('447700900321', 'temporary');
    const { coordinator: c } = start(80);
    const result = await c.dial('447700900321', OFFER);
    if (!result.ok) throw new Error(result.error);
    await expect.poll(() => sim.actionsFor(result.callId)).toEqual(['terminate:200']);
    expect(c.get(result.callId)).toMatchObject({ phase: 'ended', message: 'The customer did not answer.' });
  });

  it('keeps a terminate that overtook the reply to connect and ends that call, with no phantom inbound call', async () => {
    sim.setPermission('447700900321', 'permanent');
    sim.setConnectReplyDelay(150);
    const { coordinator: c } = start();
    sim.onAction((action, call) => {
      if (action !== 'connect') return;
      deliver(c, {
        type: 'call_terminated',
        callId: call.id,
        phoneNumberId: PNID,
        from: '447700900321',
        to: '1',
        status: 'FAILED',
        direction: 'BUSINESS_INITIATED',
        timestampMs: 1,
        errors: [{ code: 138001, message: 'Receiver is uncallable' }],
      });
    });
    const result = await c.dial('447700900321', OFFER);
    if (!result.ok) throw new Error(result.error);
    expect(c.list()).toEqual([
      expect.objectContaining({ callId: result.callId, direction: 'outbound', phase: 'ended', endReason: 'failed' }),
    ]);
  });

  it('knows WhatsApp’s request limits: a second request the same day is not sent, and the view says when it may be', async () => {
    const { coordinator: c } = start();
    expect(await c.requestPermission('447700900654')).toEqual({ ok: true });
    const again = await c.requestPermission('447700900654');
    expect(again).toMatchObject({ ok: false, error: expect.stringContaining('one a day, two a week') });
    expect(sim.permissionRequests.filter((to) => to === '447700900654')).toHaveLength(1);
    const view = await c.permission('447700900654');
    expect(view.canRequest).toBe(false);
    expect(view.nextRequestAtMs).toBeGreaterThan(Date.now() + 23 * 3600_000);
  });

  it('sends a permission request', async () => {
    const { coordinator: c } = start();
    expect(await c.requestPermission('447700900321')).toEqual({ ok: true });
    expect(sim.permissionRequests).toEqual(['447700900321']);
  });
});
