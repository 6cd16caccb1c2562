import { worstOf, type QualitySample } from '../shared/callQuality';
import { isRelayRefusal } from './relayRefusalWithin';
import { isLive, needsTerminate, transition, type CallInput, type CallState } from '../shared/callMachine';
import { DEFAULT_PREFERENCES, type AgentPreferences } from '../shared/settingsSchemas';
import type {
  ActionResult,
  CallbackOffer,
  CallView,
  DialResult,
  PermissionReply,
  PermissionView,
} from '../shared/ipcContract';
import type { CallSignal } from '../shared/callSignals';
import type { AssistantNote } from '../shared/botProtocol';
import { captureRequest, capturedKinds, type CallMediaNotice } from '../shared/metaCapture';
import { followedUpCall } from '../shared/followUpButton';
import { agentSaid, agentSentence } from '../shared/agentErrors';
import { refuse, sentence, whatsappSaid, type Sentence } from '../shared/sentence';
import { anyCallErrorSentence } from '../shared/callErrors';
import { errorText } from '../shared/errorText';
import { CALLBACK_PLACE_MS } from '../shared/queueCallbacks';
import type { Logger } from '../whatsapp/logger';
import { backoffMs, MAX_ATTEMPTS, mayRetry, type CallAction } from '../whatsapp/retryPolicy';
import { nextPermissionRequestAt, PERMISSION_REQUEST_MEMORY_MS } from '../shared/permissionRequestLimits';
import { memoryPermissionRequestLog, type PermissionRequestLog } from './permissionRequestLog';
import type { CallActions } from './transport/callTransport';

interface CallRecord {
  callId: string;
  /** Why the call ended, as messages for the page to word (beside the state's English message). */
  said?: Sentence[];
  direction: 'inbound' | 'outbound';
  /** For an outbound call, WhatsApp's answer to our offer, once it has come. */
  sdpAnswer?: string;
  from: string;
  callerName?: string;
  callerUsername?: string;
  customerUserId?: string;
  sdpOffer?: string;
  offeredAtMs: number;
  state: CallState;
  ringTimer?: ReturnType<typeof setTimeout>;
  quality?: QualitySample;
  billedDurationSec?: number;
  silent?: boolean;
  heldSinceMs?: number;
  captured?: Array<'recording' | 'transcription'>;
  followUpOf?: string;
  callbackData?: string;
  ctaPayload?: string;
  deeplinkPayload?: string;
  queue?: string;
  /** When the customer began waiting for an agent (the relay's queue wait before this ring), on this desk's clock. */
  waitingSinceMs?: number;
  line?: string;
  anchored?: boolean;
  assistant?: AssistantNote;
  assistants?: Array<{ id: string; name: string }>;
  handedTo?: string;
  transferredBy?: string;
  transferringTo?: string;
  transferDeclinedBy?: string;
  invitedBy?: string;
  conferenceWith?: string[];
  /** The customer waits in the team's hold room hearing music (consult before a warm transfer). */
  customerHeld?: boolean;
  /** A supervisor who barged in and is heard on this call. */
  supervisorOnCall?: string;
  /** That supervisor whispers: only this desk's agent hears them. */
  supervisorWhispering?: boolean;
  inviting?: string;
  /** Team relay: the agent who took the call. */
  agent?: string;
}

export interface CallCoordinatorOptions {
  /** Whatever carries the call actions to WhatsApp (Graph API or team relay); the coordinator does not know which. */
  transport: CallActions;
  logger: Logger;
  now?: () => number;
  /** Meta stops ringing the caller after 30 to 60 s; past this the call is missed. */
  ringTimeoutMs?: number;
  /** An incoming call's limit, read as it rings (a team relay ends its rings itself: deskRingLimit.ts). */
  inboundRingLimitMs?: () => number;
  /** Ended calls kept in memory for the call-ended screen. */
  keepEnded?: number;
  /** The agent's status decides whether a new call rings, rings out or is rejected. */
  preferences?: () => AgentPreferences;
  /** When permission requests went out, per customer (kept on disk by the desk). */
  permissionRequests?: PermissionRequestLog;
  /**
   * biz_opaque_callback_data for a call this desk answers or places (direct mode): WhatsApp echoes it in the
   * terminate and status webhooks. A team relay sends its own.
   */
  callbackData?: (customer: string) => string | undefined;
  /** Team relay: the agent this desk is signed in as, named in History for the calls it takes or places. */
  agentName?: () => string | undefined;
}

/**
 * Owns every call's state: applies call signals and agent actions through the pure state machine,
 * sends the actions through its transport, and makes sure a failed step never leaves a call open on Meta's side.
 */

export function createCallCoordinator(options: CallCoordinatorOptions) {
  const { transport, logger: log } = options;
  const now = options.now ?? Date.now;
  const ringTimeoutMs = options.ringTimeoutMs ?? 60_000;
  const keepEnded = options.keepEnded ?? 50;
  const preferences = options.preferences ?? (() => DEFAULT_PREFERENCES);
  const requestLog = options.permissionRequests ?? memoryPermissionRequestLog();
  const nextRequestAt = (to: string): number | undefined =>
    nextPermissionRequestAt(requestLog.sentAt(to, now() - PERMISSION_REQUEST_MEMORY_MS), now());
  const calls = new Map<string, CallRecord>();
  const listeners = new Set<(view: CallView) => void>();
  const permissionListeners = new Set<(reply: PermissionReply) => void>();
  /** Customers' callbacks the team relay offers this agent now, by id. */
  const callbackOffers = new Map<string, CallbackOffer>();
  /**
   * Callbacks this agent took whose call is not placed yet: a check failed before the call went out, so they stay
   * theirs to try again or pass until the relay's time to place it runs out.
   */
  const callbacksInHand = new Map<string, { offer: CallbackOffer; timer: ReturnType<typeof setTimeout> }>();
  const callbackListeners = new Set<(offers: CallbackOffer[]) => void>();
  /** Callbacks handed back to wait for the customer's call permission, by id (their customer): the page says so. */
  const awaitingPermission = new Map<string, string>();
  const goneListeners = new Set<(callbackIds: string[]) => void>();
  /** Callbacks awaiting permission are gone (withdrawn, or their customer erased): the page drops its line on them. */
  function permissionWaitsGone(callbackIds: string[]): void {
    for (const id of callbackIds) awaitingPermission.delete(id);
    if (callbackIds.length > 0) for (const listener of goneListeners) listener(callbackIds);
  }
  const offersNow = (): CallbackOffer[] =>
    [...callbackOffers.values(), ...[...callbacksInHand.values()].map((h) => ({ ...h.offer, inHand: true }))].sort(
      (a, b) => a.waitingSinceMs - b.waitingSinceMs,
    );
  /** The callback leaves this desk (offered or in hand); whether it was here. */
  const forgetCallback = (callbackId: string): boolean => {
    const held = callbacksInHand.get(callbackId);
    if (held) clearTimeout(held.timer);
    return callbacksInHand.delete(callbackId) || callbackOffers.delete(callbackId);
  };
  function holdCallback(offer: CallbackOffer): void {
    const { inHand: _inHand, ...plain } = offer;
    const timer = setTimeout(() => {
      if (callbacksInHand.delete(offer.callbackId)) tellCallbacks();
    }, CALLBACK_PLACE_MS);
    timer.unref?.();
    callbacksInHand.set(offer.callbackId, { offer: plain, timer });
  }
  const tellCallbacks = (): void => {
    const offers = offersNow();
    for (const listener of callbackListeners) listener(offers);
  };
  const mediaListeners = new Set<(notice: CallMediaNotice) => void>();

  function view(call: CallRecord): CallView {
    const s = call.state;
    return {
      callId: call.callId,
      direction: call.direction,
      from: call.from,
      callerName: call.callerName,
      callerUsername: call.callerUsername,
      customerUserId: call.customerUserId,
      phase: s.phase,
      endReason: s.phase === 'ended' ? s.reason : undefined,
      message: s.phase === 'ended' ? s.message : undefined,
      said: s.phase === 'ended' ? call.said : undefined,
      sdpOffer: isLive(s) ? call.sdpOffer : undefined,
      offeredAtMs: call.offeredAtMs,
      answeredAtMs: 'answeredAtMs' in s ? s.answeredAtMs : undefined,
      endedAtMs: s.phase === 'ended' ? s.endedAtMs : undefined,
      quality: call.quality,
      billedDurationSec: call.billedDurationSec,
      silent: call.silent,
      sdpAnswer: isLive(s) ? call.sdpAnswer : undefined,
      heldSinceMs: s.phase === 'active' ? call.heldSinceMs : undefined,
      captured: call.captured,
      followUpOf: call.followUpOf,
      callbackData: call.callbackData,
      ctaPayload: call.ctaPayload,
      deeplinkPayload: call.deeplinkPayload,
      queue: call.queue,
      waitingSinceMs: call.waitingSinceMs,
      line: call.line,
      anchored: call.anchored,
      assistant: call.assistant,
      assistants: isLive(s) ? call.assistants : undefined,
      handedTo: call.handedTo,
      transferredBy: call.transferredBy,
      transferringTo: isLive(s) ? call.transferringTo : undefined,
      transferDeclinedBy: isLive(s) ? call.transferDeclinedBy : undefined,
      invitedBy: call.invitedBy,
      conferenceWith: isLive(s) ? call.conferenceWith : undefined,
      customerHeld: isLive(s) ? call.customerHeld : undefined,
      supervisorOnCall: isLive(s) ? call.supervisorOnCall : undefined,
      supervisorWhispering: isLive(s) && call.supervisorOnCall ? call.supervisorWhispering : undefined,
      inviting: isLive(s) ? call.inviting : undefined,
      agent: call.agent,
    };
  }

  function publish(call: CallRecord): void {
    const snapshot = view(call);
    for (const listener of listeners) listener(snapshot);
  }

  function forgetOldEnded(): void {
    const ended = [...calls.values()].filter((c) => !isLive(c.state));
    for (const call of ended.slice(0, Math.max(0, ended.length - keepEnded))) calls.delete(call.callId);
  }

  function apply(call: CallRecord, input: CallInput): boolean {
    let next = transition(call.state, input);
    if (next === call.state) return false;
    // A colleague's ring (transfer, conference) that ended unanswered was not the customer calling this desk.
    const colleaguesRing = call.state.phase === 'ringing' && Boolean(call.invitedBy || call.transferredBy);
    if (
      colleaguesRing &&
      next.phase === 'ended' &&
      ['missed', 'passed_on', 'withdrawn_not_ready'].includes(next.reason)
    )
      next = { ...next, reason: 'invitation_ended' };
    call.state = next;
    if (!isLive(next)) {
      clearTimeout(call.ringTimer);
      forgetOldEnded();
      log.info('call ended', { callId: call.callId, reason: next.phase === 'ended' ? next.reason : undefined });
    }
    publish(call);
    return true;
  }

  /** What the agent reads when a request to WhatsApp failed: Meta's code in plain words where it is known. */
  const failureText = agentSentence;
  const failureSaid = agentSaid;

  /** Sends one Graph request, repeating it only where the retry policy says that is safe. */
  async function send(call: CallRecord, action: CallAction, request: () => Promise<void>): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await request();
        return;
      } catch (error) {
        const again = attempt < MAX_ATTEMPTS[action] && mayRetry(action, error);
        log.warn(`${action} failed`, { callId: call.callId, attempt, willRetry: again, error: errorText(error) });
        if (!again) throw error;
        await new Promise((r) => setTimeout(r, backoffMs(attempt)));
      }
    }
  }

  /** Ends the call on Meta's side; returns what went wrong when even the retries failed. */
  async function endOnMeta(call: CallRecord, action: 'terminate' | 'reject'): Promise<string | undefined> {
    try {
      await send(call, action, () => transport[action](call.callId));
      return undefined;
    } catch (error) {
      return errorText(error);
    }
  }

  /** A ringing inbound call and its customer, from the offer or from an end that overtook it. */
  function inboundRecord(event: Extract<CallSignal, { type: 'call_offered' | 'call_terminated' }>): CallRecord {
    const { callId, from, callerName, callerUsername, customerUserId } = event;
    return {
      callId,
      direction: 'inbound',
      from,
      callerName,
      callerUsername,
      customerUserId,
      offeredAtMs: now(),
      state: { phase: 'ringing' },
    };
  }

  function onOffered(event: Extract<CallSignal, { type: 'call_offered' }>): void {
    const earlier = calls.get(event.callId);
    // A call passed on from this desk may come back to it (the queue overflows to everyone), and a colleague may ask
    // again after this desk declined (a transfer or a consult): it rings again.
    const againFromColleague = Boolean(event.transferredBy || event.invitedBy);
    const passedOnBefore =
      earlier?.state.phase === 'ended' && ['passed_on', 'withdrawn_not_ready'].includes(earlier.state.reason);
    if (earlier && !(passedOnBefore || (earlier.state.phase === 'ended' && againFromColleague))) return;
    if (earlier) clearTimeout(earlier.ringTimer);
    const ringing = inboundRecord(event);
    const call: CallRecord = {
      ...ringing,
      waitingSinceMs: event.waitedMs === undefined ? undefined : ringing.offeredAtMs - event.waitedMs,
      sdpOffer: event.sdpOffer,
      followUpOf: followedUpCall(event.ctaPayload),
      ctaPayload: event.ctaPayload,
      deeplinkPayload: event.deeplinkPayload,
      queue: event.queue,
      line: event.line,
      anchored: event.anchored,
      assistant: event.assistant,
      assistants: event.assistants,
      transferredBy: event.transferredBy,
      invitedBy: event.invitedBy,
    };
    calls.set(call.callId, call);
    const prefs = preferences();
    if (prefs.status === 'away' && prefs.awayAction === 'reject') {
      publish(call);
      call.said = [sentence('autoRejectedAway')];
      apply(call, { type: 'reject_clicked', atMs: now(), message: 'Rejected automatically: you were away.' });
      void endOnMeta(call, 'reject');
      return;
    }
    call.silent = prefs.status === 'away';
    // Past the ring time the caller gets a definite end, not ringing that stops on its own.
    call.ringTimer = setTimeout(() => {
      if (apply(call, { type: 'ring_timeout', atMs: now() })) void endOnMeta(call, 'reject');
    }, options.inboundRingLimitMs?.() ?? ringTimeoutMs);
    log.info('call ringing', { callId: call.callId, from: call.from, silent: call.silent });
    publish(call);
  }

  function onTerminated(event: Extract<CallSignal, { type: 'call_terminated' }>): void {
    const failed = event.status === 'FAILED';
    const first = event.errors[0];
    const message = first ? anyCallErrorSentence(first.code) : undefined;
    const said = first ? [whatsappSaid(first.code)] : undefined;
    if (first)
      log.info('call ended by WhatsApp with an error', {
        callId: event.callId,
        code: first.code,
        detail: first.message,
      });
    let call = calls.get(event.callId);
    const outbound = event.direction === 'BUSINESS_INITIATED' || (event.direction === undefined && dialsInFlight > 0);
    if (!call && outbound) {
      // The end of a call this desk is placing overtook the reply to connect: applied once that reply comes.
      earlyFor(event.callId).terminated = { failed, message, said };
      return;
    }
    if (!call) {
      // The terminate overtook its connect: record the call so the agent still sees it was missed.
      call = inboundRecord(event);
      calls.set(call.callId, call);
    }
    call.billedDurationSec = event.durationSec ?? call.billedDurationSec;
    // WhatsApp echoes what was sent with the answer (or connect), and the payloads the customer tapped.
    call.callbackData = event.bizOpaque ?? call.callbackData;
    call.ctaPayload = event.ctaPayload ?? call.ctaPayload;
    call.deeplinkPayload = event.deeplinkPayload ?? call.deeplinkPayload;
    if (isLive(call.state)) call.said = said;
    // The queue, not the caller, ended a call still ringing here: listed as turned away, not to call back.
    if (event.turnedAway && (call.state.phase === 'ringing' || call.state.phase === 'answering'))
      apply(call, { type: 'turned_away', atMs: now() });
    else apply(call, { type: 'remote_terminated', failed, message, atMs: now() });
  }

  async function answer(callId: string, sdpAnswer: string, agentChoseCapture?: boolean): Promise<ActionResult> {
    const call = calls.get(callId);
    if (!call) return refuse('This call is no longer known.', sentence('callGone'));
    // A held call waits while the agent takes another; a live one must be held or ended first.
    const busy = [...calls.values()].find((c) => c !== call && needsTerminate(c.state) && c.heldSinceMs === undefined);
    if (busy) return refuse('Hold or hang up the current call before answering another one.', sentence('answerBusy'));
    if (!apply(call, { type: 'answer_clicked' }))
      return refuse(`The call is ${call.state.phase}, it cannot be answered.`, sentence('cannotAnswer'));
    try {
      // Meta requires the very same SDP string in both requests.
      call.callbackData = options.callbackData?.(call.from);
      await send(call, 'pre_accept', () => transport.preAccept(callId, sdpAnswer, call.callbackData));
      if (!apply(call, { type: 'pre_accept_ok' })) {
        await endOnMeta(call, 'terminate');
        return refuse('The caller hung up.', sentence('callerHungUp'));
      }
      const capture = captureRequest(preferences().capture, agentChoseCapture);
      await send(call, 'accept', () => transport.accept(callId, sdpAnswer, capture, call.callbackData));
      call.captured = capturedKinds(capture);
      call.agent ??= options.agentName?.();
      if (!apply(call, { type: 'accept_ok', atMs: now() })) {
        await endOnMeta(call, 'terminate');
        return refuse('The caller hung up.', sentence('callerHungUp'));
      }
      return { ok: true };
    } catch (error) {
      // A colleague pressed Answer first: the call is theirs, as if it had stopped ringing here; nothing to end.
      if (isRelayRefusal(error) && error.said?.key === 'relayAnsweredElsewhere' && call.state.phase === 'answering') {
        log.info('answered by a colleague first', { callId });
        apply(call, { type: 'answer_lost', atMs: now() });
        return refuse(error.message, error.said);
      }
      const wasPreAccepted = call.state.phase === 'pre_accepted';
      const message = `The call could not be answered. ${failureText(error)}`;
      call.said = [sentence('answerFailed'), failureSaid(error)];
      log.error('answer failed', { callId, error: errorText(error) });
      if (apply(call, { type: 'failed', message, atMs: now() })) {
        // Leave nothing ringing or open on Meta's side.
        await endOnMeta(call, wasPreAccepted ? 'terminate' : 'reject');
      }
      return refuse(message, sentence('answerFailed'), failureSaid(error));
    }
  }

  async function reject(callId: string): Promise<ActionResult> {
    const call = calls.get(callId);
    if (!call) return refuse('This call is no longer known.', sentence('callGone'));
    if (!apply(call, { type: 'reject_clicked', atMs: now() }))
      return refuse(`The call is ${call.state.phase}.`, sentence('callNotLive'));
    const failure = await endOnMeta(call, 'reject');
    return failure
      ? refuse(
          `Rejected here, but WhatsApp did not confirm: ${failure}`,
          sentence('rejectUnconfirmed', { error: failure }),
        )
      : { ok: true };
  }

  /** Puts an answered call on hold or takes it back; the page sends the hold music, this keeps the record. */
  function hold(callId: string, held: boolean): ActionResult {
    const call = calls.get(callId);
    if (!call || call.state.phase !== 'active')
      return refuse('Only a call in progress can be held.', sentence('holdOnlyActive'));
    if (held && call.heldSinceMs === undefined) {
      const otherHeld = [...calls.values()].some((c) => c !== call && c.heldSinceMs !== undefined && isLive(c.state));
      if (otherHeld)
        return refuse('Another call is already on hold: take it back or end it first.', sentence('holdOtherHeld'));
      call.heldSinceMs = now();
    } else if (!held && call.heldSinceMs !== undefined) {
      // Taking a held call back while talking on another is a swap: that one goes on hold in the same step.
      const talking = [...calls.values()].find(
        (c) => c !== call && needsTerminate(c.state) && c.heldSinceMs === undefined,
      );
      if (talking && talking.state.phase !== 'active')
        return refuse('Wait until the current call is connected, or hang it up, first.', sentence('holdWaitConnected'));
      call.heldSinceMs = undefined;
      if (talking) {
        talking.heldSinceMs = now();
        holdInTeamRoom(talking, true);
        publish(talking);
      }
    }
    holdInTeamRoom(call, held);
    publish(call);
    return { ok: true };
  }

  /**
   * A call whose media the team's server anchors: its customer also waits in the server's hold room, hearing the
   * team's music from Janus (the page's own hold loop then goes only into the call's own room).
   */
  function holdInTeamRoom(call: CallRecord, held: boolean): void {
    // A call the desk carries itself: the team relay only hears of the hold (its board shows it).
    if (!call.anchored && options.transport.callHeld)
      options.transport
        .callHeld(call.callId, held)
        .catch((error: unknown) =>
          log.warn('hold not told to the team', { callId: call.callId, error: errorText(error) }),
        );
    if (!call.anchored || !options.transport.holdCustomer) return;
    options.transport
      .holdCustomer(call.callId, held)
      .catch((error: unknown) =>
        log.warn('customer not moved to the team’s hold room', { callId: call.callId, error: errorText(error) }),
      );
  }

  async function hangup(callId: string): Promise<ActionResult> {
    const call = calls.get(callId);
    if (!call) return refuse('This call is no longer known.', sentence('callGone'));
    if (!apply(call, { type: 'hangup_clicked' }))
      return refuse(`The call is ${call.state.phase}.`, sentence('callNotLive'));
    const failure = await endOnMeta(call, 'terminate');
    const error = failure ? `Hung up here, but WhatsApp did not confirm: ${failure}` : undefined;
    if (failure) call.said = [sentence('hangupUnconfirmed', { error: failure })];
    apply(call, { type: 'terminate_sent', atMs: now(), message: error });
    return error && failure ? refuse(error, sentence('hangupUnconfirmed', { error: failure })) : { ok: true };
  }

  async function mediaFailed(callId: string, reason: string, detail?: string, said?: Sentence): Promise<ActionResult> {
    const call = calls.get(callId);
    if (!call || !isLive(call.state)) return { ok: true };
    log.warn('call ended for its media', { callId, reason, detail });
    const mustTerminate = needsTerminate(call.state);
    // Kept as a message, so the wrap-up and History word it in whatever language the agent reads them in.
    if (said) call.said = [said];
    apply(call, { type: 'failed', message: reason, atMs: now() });
    await endOnMeta(call, mustTerminate ? 'terminate' : 'reject');
    return { ok: true };
  }

  /** Answers and statuses that overtook the reply to our connect request, by call id. */
  const early = new Map<
    string,
    {
      sdpAnswer?: string;
      statuses: Array<'RINGING' | 'ACCEPTED' | 'REJECTED'>;
      terminated?: { failed: boolean; message?: string; said?: Sentence[] };
    }
  >();
  let dialsInFlight = 0;
  const earlyFor = (callId: string) => {
    let entry = early.get(callId);
    if (!entry) {
      entry = { statuses: [] };
      early.set(callId, entry);
      // Only calls this desk is placing right now can be early; forget strays after a minute.
      setTimeout(() => early.delete(callId), 60_000).unref?.();
    }
    return entry;
  };

  async function permission(to: string): Promise<PermissionView> {
    const reply = await transport.callPermission(to);
    const can = (name: string) => reply.actions?.find((a) => a.action_name === name)?.can_perform_action;
    const nextRequestAtMs = nextRequestAt(to);
    return {
      status: reply.permission.status,
      canCall: can('start_call') ?? reply.permission.status !== 'no_permission',
      canRequest: (can('send_call_permission_request') ?? false) && nextRequestAtMs === undefined,
      nextRequestAtMs,
    };
  }

  /**
   * The agent takes a callback offered to them (in hand until its call is placed), or passes on one offered or in
   * hand: a pass leaves their list, and so does a callback the relay no longer gives them.
   */
  async function answerCallback(callbackId: string, answer: 'accept' | 'decline'): Promise<ActionResult> {
    const offer = callbackOffers.get(callbackId) ?? callbacksInHand.get(callbackId)?.offer;
    forgetCallback(callbackId);
    if (offer && answer === 'accept') holdCallback(offer);
    tellCallbacks();
    if (!offer) return refuse('That callback is no longer yours.', sentence('callbackGone'));
    try {
      await transport.answerCallback?.(callbackId, answer);
      return { ok: true };
    } catch (error) {
      log.warn('callback answer refused', { callbackId, error: errorText(error) });
      if (forgetCallback(callbackId)) tellCallbacks();
      return refuse(`That callback is no longer yours. ${failureText(error)}`, sentence('callbackGone'));
    }
  }
  /** The callback's call went out, or the relay took it back (its attempt counted): no longer in hand. */
  function callbackDone(callbackId: string | undefined): void {
    if (callbackId && forgetCallback(callbackId)) tellCallbacks();
  }

  /**
   * A callback's customer has not given call permission: a permission request goes out when WhatsApp allows one, and
   * the callback waits again (the tap on "call me back" is no permission, Meta's "Business-initiated calls").
   */
  async function callbackWithoutPermission(callbackId: string, to: string, allowed: PermissionView) {
    callbackDone(callbackId);
    const asked = allowed.canRequest && (await requestPermission(to)).ok;
    if (asked) {
      awaitingPermission.set(callbackId, to);
      // A bounded memory: the oldest goes first.
      if (awaitingPermission.size > 100) awaitingPermission.delete(awaitingPermission.keys().next().value!);
    }
    await transport
      .answerCallback?.(callbackId, 'not_placed', asked ? 'permission_requested' : 'no_permission')
      .catch((error: unknown) => log.warn('callback not handed back', { callbackId, error: errorText(error) }));
    return asked
      ? refuse(
          'A call-permission request was sent; the callback waits for them.',
          sentence('callbackPermissionRequested'),
        )
      : refuse('This customer has not given permission to be called.', sentence('callbackNoPermission'));
  }

  async function dial(
    to: string,
    sdpOffer: string,
    agentChoseCapture?: boolean,
    callbackId?: string,
  ): Promise<DialResult> {
    const busy = [...calls.values()].find((c) => needsTerminate(c.state));
    if (busy) return refuse('Hang up the current call before placing another one.', sentence('dialBusy'));
    // A callback's call takes it first; one already in hand (a try that failed before its call) is tried again.
    if (callbackId && !callbacksInHand.has(callbackId)) {
      const taken = await answerCallback(callbackId, 'accept');
      if (!taken.ok) return taken;
    }
    let allowed: PermissionView;
    try {
      allowed = await permission(to);
    } catch (error) {
      return {
        ...refuse(
          `The call permission could not be checked. ${failureText(error)}`,
          sentence('permissionCheckFailed'),
          failureSaid(error),
        ),
        detail: errorText(error).slice(0, 2000),
      };
    }
    if (!allowed.canCall && callbackId)
      return { ...(await callbackWithoutPermission(callbackId, to, allowed)), permission: allowed };
    if (!allowed.canCall) {
      return {
        ...refuse('This customer has not given permission to be called.', sentence('noCallPermission')),
        permission: allowed,
      };
    }
    let callId: string;
    dialsInFlight += 1;
    const capture = captureRequest(preferences().capture, agentChoseCapture);
    const callbackData = options.callbackData?.(to);
    try {
      ({ callId } = await transport.connect(to, sdpOffer, capture, callbackData, callbackId));
      callbackDone(callbackId);
    } catch (error) {
      // The relay counted the attempt (or the callback is no longer this agent's): it leaves the desk.
      callbackDone(callbackId);
      log.warn('connect failed', { to, error: errorText(error) });
      return {
        ...refuse(`The call could not be placed. ${failureText(error)}`, sentence('dialFailed'), failureSaid(error)),
        detail: errorText(error).slice(0, 2000),
      };
    } finally {
      dialsInFlight -= 1;
    }
    const buffered = early.get(callId);
    early.delete(callId);
    const call: CallRecord = {
      callId,
      direction: 'outbound',
      from: to,
      offeredAtMs: now(),
      state: { phase: 'dialing' },
      sdpAnswer: buffered?.sdpAnswer,
      captured: capturedKinds(capture),
      callbackData,
      agent: options.agentName?.(),
    };
    calls.set(callId, call);
    log.info('call placed', { callId, to });
    publish(call);
    for (const status of buffered?.statuses ?? []) onOutboundStatus(callId, status);
    if (buffered?.terminated) {
      const { said, ...terminated } = buffered.terminated;
      call.said = said;
      apply(call, { type: 'remote_terminated', ...terminated, atMs: now() });
    }
    // A customer who never picks up gets a definite end rather than a phone ringing on.
    call.ringTimer = setTimeout(() => {
      if (call.state.phase !== 'dialing' && call.state.phase !== 'remote_ringing') return;
      call.said = [sentence('customerNoAnswer')];
      if (apply(call, { type: 'failed', message: 'The customer did not answer.', atMs: now() })) {
        void endOnMeta(call, 'terminate');
      }
    }, ringTimeoutMs);
    return { ok: true, callId };
  }

  function onOutboundAnswer(callId: string, sdpAnswer: string): void {
    const call = calls.get(callId);
    if (!call) {
      earlyFor(callId).sdpAnswer = sdpAnswer;
      return;
    }
    call.sdpAnswer = sdpAnswer;
    publish(call);
  }

  function onOutboundStatus(callId: string, status: 'RINGING' | 'ACCEPTED' | 'REJECTED'): void {
    const call = calls.get(callId);
    if (!call) {
      earlyFor(callId).statuses.push(status);
      return;
    }
    if (status === 'RINGING') apply(call, { type: 'remote_ringing' });
    else if (status === 'ACCEPTED') apply(call, { type: 'remote_accepted', atMs: now() });
    else {
      call.said = [sentence('customerDeclined')];
      apply(call, { type: 'remote_rejected', atMs: now() });
    }
  }

  async function requestPermission(to: string): Promise<ActionResult> {
    if (nextRequestAt(to) !== undefined) {
      return refuse(
        'WhatsApp allows no more permission requests to this customer yet (one a day, two a week).',
        sentence('permissionLimit'),
      );
    }
    try {
      await transport.requestCallPermission(to);
      requestLog.add(to, now());
      return { ok: true };
    } catch (error) {
      log.warn('permission request failed', { to, error: errorText(error) });
      return {
        ...refuse(
          `The permission request was not sent. ${failureText(error)}`,
          sentence('permissionNotSent'),
          failureSaid(error),
        ),
        detail: errorText(error).slice(0, 2000),
      };
    }
  }

  /** An agent won the call through the team relay (a colleague: stop ringing here); `by` names them. */
  function taken(callId: string, by: string | undefined): void {
    const call = calls.get(callId);
    if (!call) return;
    call.agent = by ?? call.agent;
    if (!apply(call, { type: 'taken_elsewhere', atMs: now() }) && by) publish(call);
  }

  /** Not answered in time here: the team relay offered the call to a colleague. */
  function passedOn(callId: string, afterSec: number, because?: 'not_ready'): void {
    const call = calls.get(callId);
    if (!call) return;
    clearTimeout(call.ringTimer);
    if (apply(call, { type: 'passed_on', atMs: now(), notReady: because === 'not_ready' }))
      log.info('call passed on to a colleague', { callId, afterSec, because });
  }

  /** The colleague took the transferred call: it leaves this desk, with nothing to end on WhatsApp. */
  function transferred(callId: string, to: string): void {
    const call = calls.get(callId);
    if (call && apply(call, { type: 'transferred', atMs: now() })) log.info('call transferred', { callId, to });
  }

  function conferenceChanged(callId: string, others: string[]): void {
    const call = calls.get(callId);
    if (!call || !isLive(call.state)) return;
    call.conferenceWith = others;
    if (call.inviting && others.includes(call.inviting)) call.inviting = undefined;
    publish(call);
  }

  function supervisorOnCall(callId: string, supervisor: string, whispering = false): void {
    const call = calls.get(callId);
    if (!call || !isLive(call.state)) return;
    call.supervisorOnCall = supervisor || undefined;
    call.supervisorWhispering = Boolean(supervisor) && whispering;
    const what = !supervisor
      ? 'the supervisor left the call or went back to listening'
      : whispering
        ? 'a supervisor whispers to the agent'
        : 'a supervisor barged into the call';
    log.info(what, { callId, supervisor });
    publish(call);
  }

  function customerHeld(callId: string, held: boolean, by: string): void {
    const call = calls.get(callId);
    if (!call || !isLive(call.state)) return;
    call.customerHeld = held;
    log.info(held ? 'customer on the team’s hold music' : 'customer back in the call', { callId, by });
    publish(call);
  }

  /** The customer of an anchored team call to the hold room (music) or back: anyone on the call may ask. */
  async function holdCustomer(callId: string, held: boolean): Promise<ActionResult> {
    const call = calls.get(callId);
    if (!call || call.state.phase !== 'active')
      return refuse('Only a call in progress can do that.', sentence('onlyActive'));
    if (!options.transport.holdCustomer)
      return refuse('The hold room needs the team relay and its media server.', sentence('holdRoomNeedsRelay'));
    try {
      await options.transport.holdCustomer(callId, held);
    } catch (error) {
      return refuse(failureText(error), failureSaid(error));
    }
    return { ok: true };
  }

  function transferDeclined(callId: string, to: string): void {
    const call = calls.get(callId);
    if (!call || !isLive(call.state)) return;
    call.transferringTo = undefined;
    call.inviting = undefined;
    call.transferDeclinedBy = to;
    publish(call);
  }

  /** Blind transfer of an anchored call to a colleague (team relay): they ring; the call stays here until they answer. */
  async function transfer(callId: string, to: string, conference = false, consult = false): Promise<ActionResult> {
    const call = calls.get(callId);
    if (!call || call.state.phase !== 'active')
      return refuse('Only a call in progress can be transferred.', sentence('transferOnlyActive'));
    if (!options.transport.transfer)
      return refuse('Calls can be transferred only through the team relay.', sentence('transferNeedsRelay'));
    try {
      // Consult first (warm transfer): the customer waits on the hold music while the colleague rings and talks.
      if (consult) {
        if (!options.transport.holdCustomer)
          throw new Error('The hold room needs the team relay and its media server.');
        await options.transport.holdCustomer(callId, true);
      }
      await options.transport.transfer(callId, to, conference || consult);
    } catch (error) {
      if (consult) await options.transport.holdCustomer?.(callId, false).catch(() => undefined);
      return refuse(failureText(error), failureSaid(error));
    }
    conference ||= consult;
    if (conference) call.inviting = to;
    else call.transferringTo = to;
    call.transferDeclinedBy = undefined;
    publish(call);
    return { ok: true };
  }

  /** The agent hands the anchored call to a bot of its queue (team relay): the call leaves this desk for the wrap-up. */
  async function handToBot(callId: string, bot: string, note: string): Promise<ActionResult> {
    const call = calls.get(callId);
    if (!call || call.state.phase !== 'active')
      return refuse('Only a call in progress can be handed to an assistant.', sentence('handBackOnlyActive'));
    if (!options.transport.handToBot)
      return refuse('Calls can be handed to an assistant only through the team relay.', sentence('handBackNeedsRelay'));
    try {
      const to = await options.transport.handToBot(callId, bot, note);
      call.handedTo = to;
      // The relay's call_transferred may have ended the call here already (it can overtake this reply): either way
      // it ends once, and the card then says to whom it was handed.
      transferred(callId, to);
      publish(call);
    } catch (error) {
      return refuse(failureText(error), failureSaid(error));
    }
    return { ok: true };
  }

  function recordQuality(callId: string, sample: QualitySample): ActionResult {
    const call = calls.get(callId);
    if (!call || !isLive(call.state)) return { ok: false, error: 'No live call with this id.' };
    call.quality = worstOf(call.quality, sample);
    publish(call);
    return { ok: true };
  }

  async function endWhere(which: (state: CallState) => boolean, message: string, said: Sentence): Promise<void> {
    const chosen = [...calls.values()].filter((c) => which(c.state));
    await Promise.all(
      chosen.map(async (call) => {
        const action = needsTerminate(call.state) ? 'terminate' : 'reject';
        call.said = [said];
        apply(call, { type: 'failed', message, atMs: now() });
        await endOnMeta(call, action);
      }),
    );
  }

  return {
    /** Every call signal but the team's news about missed calls (the history's) and a supervisor's status (the desk's). */
    handleSignal(signal: Exclude<CallSignal, { type: 'missed_handled' | 'status_set' | 'agent_state' }>): void {
      if (signal.type === 'call_offered') onOffered(signal);
      else if (signal.type === 'call_terminated') onTerminated(signal);
      else if (signal.type === 'call_taken') taken(signal.callId, signal.by);
      else if (signal.type === 'call_passed_on') passedOn(signal.callId, signal.afterSec, signal.because);
      else if (signal.type === 'call_transferred') transferred(signal.callId, signal.to);
      else if (signal.type === 'transfer_declined') transferDeclined(signal.callId, signal.to);
      else if (signal.type === 'conference') conferenceChanged(signal.callId, signal.with);
      else if (signal.type === 'customer_held') customerHeld(signal.callId, signal.held, signal.by);
      else if (
        signal.type === 'customer_hold_wanted' ||
        signal.type === 'desk_heard_wanted' ||
        signal.type === 'account_alert' ||
        signal.type === 'call_rated'
      )
        return;
      else if (signal.type === 'callback_offered') {
        const { type: _type, ...offer } = signal;
        callbackOffers.set(offer.callbackId, offer);
        tellCallbacks();
      } else if (signal.type === 'callback_withdrawn') {
        if (forgetCallback(signal.callbackId)) tellCallbacks();
        if (awaitingPermission.has(signal.callbackId)) permissionWaitsGone([signal.callbackId]);
      } else if (signal.type === 'supervisor_on_call')
        supervisorOnCall(signal.callId, signal.supervisor, signal.whispering);
      else if (signal.type === 'outbound_answered') onOutboundAnswer(signal.callId, signal.sdpAnswer);
      else if (signal.type === 'outbound_status') onOutboundStatus(signal.callId, signal.status);
      else if (signal.type === 'call_media') {
        const { type: _type, ...notice } = signal;
        for (const listener of mediaListeners) listener(notice);
      } else {
        const { type: _type, ...reply } = signal;
        log.info('call permission reply', { response: reply.response, permanent: reply.permanent });
        for (const listener of permissionListeners) listener(reply);
      }
    },
    /** Back from Away: calls still ringing out become ordinary ringing calls the agent can answer. */
    /**
     * Ended calls with customers the team erased (offered before the erasure) leave this desk: the page is told to
     * drop their cards, and they are listed no more.
     */
    forgetEnded(erasedBefore: (customer: string) => number | undefined): number {
      let forgotten = 0;
      for (const call of [...calls.values()]) {
        const until = erasedBefore(call.from);
        if (isLive(call.state) || until === undefined || call.offeredAtMs > until) continue;
        calls.delete(call.callId);
        for (const listener of listeners) listener({ ...view(call), forgotten: true });
        forgotten += 1;
      }
      return forgotten;
    },
    agentStatusChanged(status: AgentPreferences['status']): void {
      if (status === 'away') return;
      for (const call of calls.values()) {
        if (call.silent && call.state.phase === 'ringing') {
          call.silent = false;
          publish(call);
        }
      }
    },
    answer,
    reject,
    hold,
    transfer,
    holdCustomer,
    handToBot,
    hangup,
    mediaFailed,
    recordQuality,
    dial,
    permission,
    requestPermission,
    list: (): CallView[] => [...calls.values()].map(view),
    get: (callId: string): CallView | undefined => {
      const call = calls.get(callId);
      return call && view(call);
    },
    /** Customers' answers to call-permission requests, for the dial box. */
    answerCallback,
    /** The callbacks offered to this agent now, oldest call first. */
    callbackOffers: offersNow,
    /** The relay is gone (or replaced): its offers went with the session; a new sign-in is offered them afresh. */
    dropCallbackOffers(): void {
      if (callbackOffers.size === 0 && callbacksInHand.size === 0) return;
      log.info('callback offers dropped: the relay connection is lost', { offers: callbackOffers.size });
      callbackOffers.clear();
      for (const id of [...callbacksInHand.keys()]) forgetCallback(id);
      tellCallbacks();
    },
    /** The relay ended this desk's session and passed on what rang here: those calls leave the desk. */
    ringsPassedOn(): void {
      for (const call of calls.values()) {
        if (call.state.phase !== 'ringing') continue;
        clearTimeout(call.ringTimer);
        if (apply(call, { type: 'passed_on', atMs: now() }))
          log.info('ringing call left the desk: the relay ended its session', { callId: call.callId });
      }
    },
    /** The callbacks offered to this agent now, oldest call first, each time they change. */
    /**
     * The team erased these customers (`erasedBefore` says until when, undefined: not erased): their callbacks that
     * waited for permission are gone with the relay's copy.
     */
    forgetErasedCallbacks(erasedBefore: (customer: string) => number | undefined): void {
      permissionWaitsGone(
        [...awaitingPermission].filter(([, customer]) => erasedBefore(customer) !== undefined).map(([id]) => id),
      );
    },
    /** Callbacks the page said were waiting for permission that are gone (`forgetErasedCallbacks`, withdrawn). */
    onCallbacksGone(listener: (callbackIds: string[]) => void): () => void {
      goneListeners.add(listener);
      return () => goneListeners.delete(listener);
    },
    onCallbackOffers(listener: (offers: CallbackOffer[]) => void): () => void {
      callbackListeners.add(listener);
      return () => callbackListeners.delete(listener);
    },
    onPermissionReply(listener: (reply: PermissionReply) => void): () => void {
      permissionListeners.add(listener);
      return () => permissionListeners.delete(listener);
    },
    /** WhatsApp's recordings and transcripts of ended calls, as they become ready. */
    onMedia(listener: (notice: CallMediaNotice) => void): () => void {
      mediaListeners.add(listener);
      return () => mediaListeners.delete(listener);
    },
    onUpdate(listener: (view: CallView) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Ends every live call on Meta's side; run before the app quits. */
    async shutdown(): Promise<void> {
      await endWhere(isLive, 'The app was closed during the call.', sentence('appClosed'));
    },
    /** Ends the calls whose audio lived in a window that has gone; ringing calls can still be answered from a new one. */
    async endAnswered(message: string, said: Sentence): Promise<void> {
      await endWhere(needsTerminate, message, said);
    },
  };
}

export type CallCoordinator = ReturnType<typeof createCallCoordinator>;
