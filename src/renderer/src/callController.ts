import { holdMusicBuffer } from './holdMusicFile';
import { errorText } from '../../shared/errorText';
import type { ActionResult, AppStatus, CallView, PermissionView } from '../../shared/ipcContract';
import type { AgentPreferences } from '../../shared/settingsSchemas';
import { api } from './bridge';
import { qualityFrom } from './callQualityInterval';
import { qualityWarnings, worstOf } from '../../shared/callQuality';
import { CallSession } from './rtc/callSession';
import { agentIsTyping, holdingToAnswer } from './focusRules';
import { routeAudio } from './rtc/devices';
import { LiveCall } from './rtc/liveCall';
import { startHoldMusic, startHoldSilence, type HoldMusic } from './rtc/holdMusic';
import { JobCancelled, jobSlots } from './rtc/jobSlots';
import { Ringtone } from './rtc/ringtone';
import { heldForWrapUp } from './teamStatus';
import { mediaOf, selectActive, selectRinging, usePhone } from './store';
import { i18n } from './i18n';
import { resultText, saidText } from './views/Said';
import { sentence, type Sentence } from '../../shared/sentence';

/** The window's calls with media, one object each. */
const liveCalls = new Map<string, LiveCall>();
const ringtone = new Ringtone();
let statsTimer: ReturnType<typeof setInterval> | undefined;
let qualityTick = 0;

const prefs = (): AgentPreferences | undefined => usePhone.getState().status?.preferences;

/** The live call with this id, if the window holds media for it. */
export function liveCall(callId: string): LiveCall | undefined {
  return liveCalls.get(callId);
}

/** Every element playing a caller, for re-routing when the speaker changes or goes. */
export function remoteAudioElements(): HTMLAudioElement[] {
  return [...liveCalls.values()].filter((c) => c.hasRemoteAudio).map((c) => c.remoteAudio());
}

function playRemote(callId: string, stream: MediaStream): void {
  const live = liveCalls.get(callId);
  if (!live) return;
  const audio = live.remoteAudio();
  audio.srcObject = stream;
  void routeAudio(audio, prefs()?.speakerDeviceId).then((routed) => {
    if (!routed) usePhone.setState({ deviceNotice: i18n.t('media.speakerMissing') });
  });
  audio
    .play()
    .catch((error: unknown) =>
      usePhone.getState().patchMedia(callId, { error: i18n.t('media.cannotPlay', { error: errorText(error) }) }),
    );
}

/** Ringing callers' audio, kept until the agent answers. */
const callerStreams = new Map<string, MediaStream>();

/**
 * Answers are built two at a time, oldest call first. In a burst (a queue overflowing onto this desk) WebRTC does
 * them one after the other anyway, and fifty at once kept the page too busy to draw the calls' cards; the agent
 * answers one call at a time, and the oldest is the one whose Answer has the focus.
 */
const answerSlots = jobSlots(2);

function prepare(call: CallView): void {
  if (liveCalls.has(call.callId) || !call.sdpOffer) return;
  const { patchMedia } = usePhone.getState();
  const offer = call.sdpOffer;
  const pending = answerSlots.run(
    () =>
      CallSession.prepare(offer, {
        iceServers: usePhone.getState().status?.iceServers ?? [],
        iceTransportPolicy: usePhone.getState().status?.iceTransportPolicy,
        micDeviceId: prefs()?.micDeviceId,
        // Played from Answer on: starting audio output while the call rings would compete with building the answer.
        onRemoteStream: (stream) => callerStreams.set(call.callId, stream),
        onConnectionState: (connection) => onConnectionState(call.callId, connection),
      }),
    () => liveCalls.has(call.callId),
  );
  liveCalls.set(call.callId, new LiveCall(call.callId, pending));
  pending.then(
    (session) => {
      if (call.anchored) connectRingingLeg(call.callId, session);
      // canSendDtmf is asked once answered: the getter is a synchronous trip into WebRTC, costly in a burst of calls.
      patchMedia(call.callId, { answerReady: true });
      showHeldBack(call.callId);
      maybeAutoAnswer(call.callId);
    },
    // An offer this phone cannot answer is declined on WhatsApp at once, so the caller is not left ringing.
    (error: unknown) => {
      showHeldBack(call.callId);
      // The call ended while its answer waited its turn: there is nothing to decline.
      if (error instanceof JobCancelled) return;
      endForMedia(call.callId, unanswerableReason(error), errorText(error));
    },
  );
}

/**
 * An anchored call's offer is the team's media server's, never WhatsApp's: the answer goes to the relay while the call
 * rings, so the desk's leg connects before Answer (the relay lets it into a fresh call's room at volume 0 while nobody
 * else is there, and keeps any other desk's leg out before the customer's joins). Janus's own checks reach the desk,
 * so the desk's ICE still starts on pre_accepted: started here it slowed a colleague's ring for a transfer, whose leg
 * the relay starts only on Answer. A refusal changes nothing: the leg then starts on Answer.
 */
function connectRingingLeg(callId: string, session: CallSession): void {
  void api.invoke('call:ringingLeg', { callId, sdpAnswer: session.localSdp }).catch(() => undefined);
}

/**
 * A new call's card waits for its answer to be ready, at most this long. Drawing the card first would make each
 * WebRTC step wait behind the render and first paint (~10 ms); this way the card appears with Answer already
 * enabled, a few milliseconds later than it could, and a slow answer never hides a call.
 */
const RING_HOLD_MS = 40;
const heldBack = new Map<string, { view: CallView; timer: ReturnType<typeof setTimeout> }>();

function showHeldBack(callId: string): void {
  const waiting = heldBack.get(callId);
  if (!waiting) return;
  clearTimeout(heldBack.get(callId)?.timer);
  heldBack.delete(callId);
  clearTimeout(waiting.timer);
  showCall(waiting.view);
  updateRingtone();
}

/** Puts a call's news in the store; a ringing call leaves the agent's tab alone while they type there. */
function showCall(view: CallView): void {
  usePhone.getState().upsertCall(view, agentIsTyping());
}

/** The sentence the agent sees when the caller's offer cannot be answered here. */
function unanswerableReason(error: unknown): Sentence {
  const text = errorText(error);
  if (/no audio|m-line|m=audio/i.test(text)) return sentence('mediaDeclinedNoAudio');
  return sentence('mediaDeclinedSetup');
}

/** Main keeps why as a message (worded wherever it is shown) and its English for the log. */
function endForMedia(callId: string, said: Sentence, detail?: string): void {
  liveCalls.get(callId)?.stopWatchdog();
  const reason = saidText(said, i18n.getFixedT('en')).slice(0, 500);
  // Bounded here, so a huge browser error never makes the request itself fail.
  void api.invoke('call:mediaFailed', { callId, reason, said, detail: detail?.slice(0, 4000) });
}

/**
 * Why a call's audio failed, for the agent: what the network blocks when TURN was configured and none of its servers
 * could be reached (the direct path failed too), otherwise `usual`.
 */
async function mediaFailedReason(callId: string, usual: Sentence): Promise<Sentence> {
  const unreachable = (await liveCalls.get(callId)?.ready())?.unreachableTurn ?? [];
  return unreachable.length > 0 ? sentence('mediaNetworkBlocked', { servers: unreachable.join(', ') }) : usual;
}

function endForMediaFailure(callId: string, usual: Sentence): void {
  void mediaFailedReason(callId, usual).then((reason) => endForMedia(callId, reason));
}

/** Gives lost audio a bounded time to come back (or to come up at all) before the call is ended for good. */
function startMediaWatchdog(callId: string, reason: Sentence): void {
  const timeoutMs = usePhone.getState().status?.mediaTimeoutMs ?? 30_000;
  liveCalls.get(callId)?.startWatchdog(timeoutMs, () => endForMediaFailure(callId, reason));
}

function onConnectionState(callId: string, connection: RTCPeerConnectionState): void {
  const { patchMedia } = usePhone.getState();
  patchMedia(callId, { connection });
  if (connection === 'connected') {
    liveCalls.get(callId)?.stopWatchdog();
    patchMedia(callId, { connectionNotice: undefined });
  } else if (connection === 'disconnected') {
    patchMedia(callId, { connectionNotice: i18n.t('media.connectionLost') });
    startMediaWatchdog(callId, sentence('mediaLostForGood'));
  } else if (connection === 'failed') {
    endForMediaFailure(callId, sentence('mediaFailed'));
  }
}

function release(callId: string): void {
  callerStreams.delete(callId);
  liveCalls.get(callId)?.dispose();
  liveCalls.delete(callId);
}

/** Rings only for calls that need the agent: not while away (ring-out), not while busy or on another call. */
function updateRingtone(): void {
  const state = usePhone.getState();
  const ringing = selectRinging(state).some((c) => c.phase === 'ringing');
  const onCall = selectActive(state) !== undefined;
  // Busy and wrap-up: calls show without ringing.
  const quiet = state.status?.preferences.status === 'busy' || heldForWrapUp(state.status);
  if (ringing && !quiet) ringtone.start(onCall ? 'waiting' : 'ring');
  else ringtone.stop();
  usePhone.setState({ ringtonePlaying: ringtone.playing });
}

function maybeAutoAnswer(callId: string): void {
  const state = usePhone.getState();
  const call = state.calls[callId];
  const p = state.status?.preferences;
  if (!call || call.phase !== 'ringing' || call.silent || !p?.autoAnswer || p.status !== 'available') return;
  const live = liveCalls.get(callId);
  if (selectActive(state) || !live || live.autoAnswered) return;
  live.autoAnswered = true;
  void answerCall(callId);
}

async function pollStats(): Promise<void> {
  qualityTick += 1;
  for (const [callId, live] of liveCalls) {
    const session = await live.ready();
    const call = usePhone.getState().calls[callId];
    if (!session || !call || call.phase !== 'active') continue;
    const stats = await session.stats();
    const quality = qualityFrom(live.lastStats, stats);
    live.lastStats = stats;
    // Held, the microphone is not sent at all: silence from it then is no fault.
    const muted = mediaOf(usePhone.getState(), callId).muted || call.heldSinceMs !== undefined;
    // An outbound call sends nothing before the customer answers; only a call in progress is judged.
    const micSilent = live.deadMic.sample(Date.now(), stats.micEnergy, muted);
    usePhone.getState().patchMedia(callId, { ...stats, quality, micLabel: session.micLabel, micSilent });
    // Main keeps the worst figures for the history: it hears the worst of each 2 s, and a poor moment at once (the
    // call may end before the next report).
    if (stats.packetsReceived === 0) continue;
    live.worstUnsent = worstOf(live.worstUnsent, quality);
    if (qualityTick % 4 === 0 || qualityWarnings(quality).length > 0) {
      void api.invoke('call:quality', { callId, sample: live.worstUnsent });
      live.worstUnsent = undefined;
    }
  }
}

function applyOutboundAnswer(view: CallView): void {
  if (view.direction !== 'outbound' || !view.sdpAnswer) return;
  const answer = view.sdpAnswer;
  void liveCalls
    .get(view.callId)
    ?.session.then((s) => s.applyAnswer(answer))
    .catch((error: unknown) =>
      endForMedia(view.callId, sentence('mediaFailed'), `WhatsApp's answer could not be used: ${errorText(error)}`),
    );
}

/** The customer picked up a call the agent placed: only now does the microphone reach them. */
function openOutboundMic(view: CallView): void {
  if (view.direction !== 'outbound' || view.phase !== 'active') return;
  void liveCalls
    .get(view.callId)
    ?.ready()
    .then((session) => session?.startSending())
    .catch((error: unknown) => usePhone.getState().patchMedia(view.callId, { error: errorText(error) }));
}

/** A call whose customer the team erased: its card, number and media state leave the page. */
function forgetCall(callId: string): void {
  clearTimeout(heldBack.get(callId)?.timer);
  heldBack.delete(callId);
  usePhone.setState((s) => {
    const { [callId]: _call, ...calls } = s.calls;
    const { [callId]: _media, ...media } = s.media;
    return { calls, media, shownEndedId: s.shownEndedId === callId ? undefined : s.shownEndedId };
  });
  updateRingtone();
}

function onCallUpdated(view: CallView): void {
  if (view.forgotten) return forgetCall(view.callId);
  // A later update of a held-back call: the held-back view goes in first, so the order stays as main sent it.
  const wasHeld = heldBack.has(view.callId);
  showHeldBack(view.callId);
  const isNew = !wasHeld && !usePhone.getState().calls[view.callId] && !liveCalls.has(view.callId);
  if (view.phase === 'ringing' && isNew && view.sdpOffer) {
    // Its answer will wait behind others: the card shows at once rather than after its hold.
    const queued = answerSlots.full;
    heldBack.set(view.callId, { view, timer: setTimeout(() => showHeldBack(view.callId), RING_HOLD_MS) });
    prepare(view);
    if (queued) showHeldBack(view.callId);
    return;
  }
  showCall(view);
  applyOutboundAnswer(view);
  openOutboundMic(view);
  if (view.phase === 'ringing') prepare(view);
  if (view.phase === 'pre_accepted')
    void liveCalls
      .get(view.callId)
      ?.session.then((s) => s.startIce())
      .catch(() => undefined);
  if (view.phase === 'ended') release(view.callId);
  updateRingtone();
}

export function onStatus(status: AppStatus): void {
  usePhone.getState().setStatus(status);
  void ringtone.setDevice(status.preferences.ringerDeviceId);
  ringtone.setVolume(status.preferences.ringerVolume ?? 0.5);
  usePhone.setState({ ringerGain: ringtone.gainValue });
  updateRingtone();
}

/** Phases whose audio lives in the page that answered or placed the call. */
const WITH_MEDIA = new Set<CallView['phase']>(['answering', 'pre_accepted', 'dialing', 'remote_ringing', 'active']);

/** Reads the whole state from main: at start, and when the link to it comes back. */
async function catchUp(): Promise<void> {
  onStatus(await api.invoke('app:status', {}));
  usePhone.setState({ callbackOffers: await api.invoke('callbacks:list', {}) });
  for (const call of await api.invoke('calls:list', {})) {
    // Answered or placed by a page that is gone (a reload, another tab closed): its audio went with it and cannot
    // come back, so the call is ended at once and the agent told why, not left "connecting" until WhatsApp drops it.
    if (WITH_MEDIA.has(call.phase) && !liveCalls.has(call.callId)) {
      onCallUpdated(call);
      endForMedia(call.callId, sentence('mediaPageLeft'));
      continue;
    }
    onCallUpdated(call);
  }
}

export async function startCallController(): Promise<void> {
  api.on('call:updated', onCallUpdated);
  api.on('app:status', onStatus);
  api.on('callbacks:offered', (offers) => {
    // Offered again once the customer allowed calls: the line saying it waits for their permission is stale.
    const notice = usePhone.getState().callbackNotice;
    const allowed = offers.some(
      (o) => o.callbackId === notice?.callbackId && !o.inHand && o.lastFailure === 'permission_requested',
    );
    usePhone.setState({ callbackOffers: offers, ...(allowed && { callbackNotice: undefined }) });
  });
  // A callback said to wait for the customer's permission is gone: its line goes with it.
  api.on('callbacks:gone', ({ callbackIds }) => {
    const notice = usePhone.getState().callbackNotice;
    if (notice && callbackIds.includes(notice.callbackId)) usePhone.setState({ callbackNotice: undefined });
  });
  api.on('permission:replied', (reply) =>
    usePhone.setState((s) => ({ permissionReplies: { ...s.permissionReplies, [reply.customer]: reply } })),
  );
  // In the browser host the page may act only once the host has made it the phone's window.
  let isTheWindow = api.onWindow === undefined;
  api.onWindow?.((decided) => {
    const tookOver = decided && !isTheWindow;
    isTheWindow = decided;
    usePhone.setState({ otherWindow: !decided });
    // The window taking over (after a reload, or after the other closed) reads the calls and status afresh.
    if (tookOver) void catchUp().catch(() => undefined);
  });
  api.onSignInRefused?.(() => usePhone.setState({ signInRefused: true }));
  api.onLink?.((up) => {
    usePhone.setState({ backendLost: !up });
    if (up && isTheWindow) void catchUp().catch(() => undefined);
  });
  if (isTheWindow) await catchUp();
  statsTimer ??= setInterval(() => void pollStats(), 500);
}

/** Where the desk asks per call: whether the agent ticked "Record this call" on the ringing card. */
const captureChoices = new Map<string, boolean>();
export function chooseCapture(callId: string, capture: boolean): void {
  captureChoices.set(callId, capture);
}

export async function answerCall(callId: string): Promise<void> {
  const { patchMedia } = usePhone.getState();
  const live = liveCalls.get(callId);
  if (!live) return patchMedia(callId, { error: i18n.t('media.noOffer') });
  if (live.answerPressed) return;
  live.answerPressed = true;
  let session: CallSession;
  try {
    session = await live.session;
  } catch (error) {
    // Without an answer there is nothing to accept; end the call so it does not ring on for the caller.
    endForMedia(callId, unanswerableReason(error), errorText(error));
    return;
  }
  // Anchored: the voice goes into the desk's leg from the click; Janus keeps it out of the call until WhatsApp's 200
  // to accept (the relay unmutes the leg then), so it is heard the moment the call opens. Failures show below.
  if (usePhone.getState().calls[callId]?.anchored) void session.startSending().catch(() => undefined);
  const capture = captureChoices.get(callId);
  captureChoices.delete(callId);
  const answered = api.invoke('call:answer', {
    callId,
    sdpAnswer: session.localSdp,
    ...(capture === undefined ? {} : { capture }),
  });
  // The request is on its way first; the caller's audio output starts while WhatsApp confirms.
  const caller = callerStreams.get(callId);
  callerStreams.delete(callId);
  if (caller) playRemote(callId, caller);
  const result = await answered;
  if (!result.ok) {
    // A colleague answered first: the card says so ("Answered by a colleague"); no failure to show beside it.
    if (usePhone.getState().calls[callId]?.endReason === 'answered_elsewhere') return;
    return patchMedia(callId, { error: resultText(result, i18n.t) });
  }
  // Normally started on the pre_accepted update already; this covers an update that raced the reply.
  await session.startIce();
  if (session.connectionState !== 'connected') startMediaWatchdog(callId, sentence('mediaNeverConnected'));
  try {
    await session.startSending();
    patchMedia(callId, {
      canSendDtmf: session.canSendDtmf,
      micLabel: session.micLabel,
      notice: session.micFellBack ? i18n.t('media.micFellBack') : undefined,
    });
  } catch (error) {
    patchMedia(callId, { error: errorText(error) });
  }
}

/** Places a call to a customer; says why when WhatsApp does not allow it yet. */
export async function dialCall(
  to: string,
  capture?: boolean,
  callbackId?: string,
): Promise<{ ok: true } | { ok: false; error: string; detail?: string; permission?: PermissionView }> {
  // The call id is WhatsApp's, known only once connect has answered; media events before that have no call.
  let callId = '';
  let session: CallSession;
  try {
    session = await CallSession.offer({
      iceServers: usePhone.getState().status?.iceServers ?? [],
      iceTransportPolicy: usePhone.getState().status?.iceTransportPolicy,
      micDeviceId: prefs()?.micDeviceId,
      onRemoteStream: (stream) => playRemote(callId, stream),
      onConnectionState: (connection) => onConnectionState(callId, connection),
    });
  } catch (error) {
    return { ok: false, error: i18n.t('media.prepareFailed', { error: errorText(error) }) };
  }
  const result = await api.invoke('call:dial', {
    to,
    sdpOffer: session.localSdp,
    ...(capture === undefined ? {} : { capture }),
    ...(callbackId === undefined ? {} : { callbackId }),
  });
  if (!result.ok) {
    session.close();
    return result;
  }
  callId = result.callId;
  liveCalls.set(callId, new LiveCall(callId, Promise.resolve(session)));
  const view = usePhone.getState().calls[result.callId];
  // The answer may have come with the update that raced this reply.
  if (view) {
    applyOutboundAnswer(view);
    openOutboundMic(view);
  }
  return { ok: true };
}

/**
 * The agent takes a callback offered to them (or tries again one in hand) and calls the customer back at once,
 * through the usual outbound way: main takes it from the relay once the call's media is ready.
 */
export async function takeCallback(callbackId: string, customer: string): ReturnType<typeof dialCall> {
  return dialCall(customer, undefined, callbackId);
}

/** The agent passes a callback on (offered, or in hand after a failed try): the relay offers it to the next one. */
export async function passCallback(callbackId: string): Promise<ActionResult> {
  return api.invoke('callback:answer', { callbackId, answer: 'decline' });
}

export async function requestPermission(to: string): Promise<ActionResult> {
  return api.invoke('call:requestPermission', { to });
}

export async function rejectCall(callId: string): Promise<void> {
  const result = await api.invoke('call:reject', { callId });
  if (!result.ok) usePhone.getState().patchMedia(callId, { error: resultText(result, i18n.t) });
}

export async function hangupCall(callId: string): Promise<void> {
  const result = await api.invoke('call:hangup', { callId });
  if (!result.ok) usePhone.getState().patchMedia(callId, { error: resultText(result, i18n.t) });
}

/** What a held call sends: the hold loop on a direct call; silence on an anchored one, whose music Janus plays. */
function holdSound(callId: string): () => HoldMusic {
  if (usePhone.getState().calls[callId]?.anchored) return startHoldSilence;
  return () => startHoldMusic(holdMusicBuffer());
}

/** Holds a call: WhatsApp keeps getting audio (the hold loop), the agent stops hearing the caller. */
export async function holdCall(callId: string): Promise<boolean> {
  const live = liveCalls.get(callId);
  // The music starts at once; main's record follows, and a refusal there takes the music back.
  const [result] = await Promise.all([api.invoke('call:hold', { callId, held: true }), live?.hold(holdSound(callId))]);
  if (!result.ok) {
    await live?.resume();
    usePhone
      .getState()
      .patchMedia(callId, { error: resultText(result, i18n.t), callerAudible: live?.callerAudible ?? true });
    return false;
  }
  usePhone.getState().patchMedia(callId, { callerAudible: live?.callerAudible ?? false });
  return true;
}

/** Takes a held call back; a call being talked on is held first, so this is also the swap. */
export async function resumeCall(callId: string): Promise<void> {
  const talking = selectActive(usePhone.getState());
  const other = talking && talking.callId !== callId ? liveCalls.get(talking.callId) : undefined;
  const live = liveCalls.get(callId);
  // Main swaps the two in one step; the page moves the music and the microphone at the same time, and undoes
  // that if main refuses.
  const [result] = await Promise.all([
    api.invoke('call:hold', { callId, held: false }),
    live?.resume(),
    talking && other?.hold(holdSound(talking.callId)),
  ]);
  if (!result.ok) {
    await Promise.all([live?.hold(holdSound(callId)), other?.resume()]);
    return usePhone.getState().patchMedia(callId, { error: resultText(result, i18n.t) });
  }
  if (talking && other) usePhone.getState().patchMedia(talking.callId, { callerAudible: other.callerAudible });
  usePhone.getState().patchMedia(callId, { callerAudible: live?.callerAudible ?? false });
}

/** Call waiting: the current call goes on hold and the ringing one is answered. */
export async function holdAndAnswer(ringingId: string): Promise<void> {
  const live = selectActive(usePhone.getState());
  if (live) holdingToAnswer(live.callId, true);
  if (live && !(await holdCall(live.callId))) return holdingToAnswer(live.callId, false);
  await answerCall(ringingId);
}

/** Call waiting: the current call is ended and the ringing one answered. */
export async function endAndAnswer(ringingId: string): Promise<void> {
  const live = selectActive(usePhone.getState());
  if (live) await hangupCall(live.callId);
  await answerCall(ringingId);
}

export function setMuted(callId: string, muted: boolean): void {
  usePhone.getState().patchMedia(callId, { muted });
  void liveCalls.get(callId)?.session.then((s) => s.setMuted(muted));
}

export async function sendDtmf(callId: string, tone: string): Promise<void> {
  const session = await liveCalls.get(callId)?.ready();
  session?.sendDtmf(tone, (sent) => {
    const media = usePhone.getState().media[callId];
    usePhone.getState().patchMedia(callId, { dtmfSent: `${media?.dtmfSent ?? ''}${sent}` });
  });
}
