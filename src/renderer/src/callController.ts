import { estimateMos, type QualitySample } from '../../shared/callQuality';
import type { ActionResult, AppStatus, CallView, PermissionView } from '../../shared/ipcContract';
import type { AgentPreferences } from '../../shared/settingsSchemas';
import type { ShortcutAction } from '../../shared/shortcuts';
import { api } from './bridge';
import { CallSession, type MediaStats } from './rtc/callSession';
import { listAudioDevices, routeAudio } from './rtc/devices';
import { Ringtone } from './rtc/ringtone';
import { selectActive, selectRinging, usePhone } from './store';

const sessions = new Map<string, Promise<CallSession>>();
const remoteAudio = new Map<string, HTMLAudioElement>();
const lastStats = new Map<string, MediaStats>();
const autoAnswered = new Set<string>();
const mediaWatchdogs = new Map<string, ReturnType<typeof setTimeout>>();
const ringtone = new Ringtone();
let statsTimer: ReturnType<typeof setInterval> | undefined;
let qualityTick = 0;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const prefs = (): AgentPreferences | undefined => usePhone.getState().status?.preferences;

function playRemote(callId: string, stream: MediaStream): void {
  let audio = remoteAudio.get(callId);
  if (!audio) {
    audio = new Audio();
    audio.autoplay = true;
    remoteAudio.set(callId, audio);
  }
  audio.srcObject = stream;
  void routeAudio(audio, prefs()?.speakerDeviceId).then((routed) => {
    if (!routed) usePhone.setState({ deviceNotice: 'The chosen speaker is not connected; using the default output.' });
  });
  audio.play().catch((error: unknown) => usePhone.getState().patchMedia(callId, { error: `Cannot play the caller's audio: ${errorText(error)}` }));
}

function prepare(call: CallView): void {
  if (sessions.has(call.callId) || !call.sdpOffer) return;
  const { patchMedia } = usePhone.getState();
  const pending = CallSession.prepare(call.sdpOffer, {
    iceServers: usePhone.getState().status?.iceServers ?? [],
    micDeviceId: prefs()?.micDeviceId,
    onRemoteStream: (stream) => playRemote(call.callId, stream),
    onConnectionState: (connection) => onConnectionState(call.callId, connection),
  });
  sessions.set(call.callId, pending);
  pending.then(
    (session) => {
      patchMedia(call.callId, { answerReady: true, canSendDtmf: session.canSendDtmf });
      maybeAutoAnswer(call.callId);
    },
    (error: unknown) => patchMedia(call.callId, { error: errorText(error) }),
  );
}

function endForMedia(callId: string, reason: string): void {
  stopMediaWatchdog(callId);
  void api.invoke('call:mediaFailed', { callId, reason });
}

function stopMediaWatchdog(callId: string): void {
  clearTimeout(mediaWatchdogs.get(callId));
  mediaWatchdogs.delete(callId);
}

/** Gives lost audio a bounded time to come back (or to come up at all) before the call is ended for good. */
function startMediaWatchdog(callId: string, reason: string): void {
  if (mediaWatchdogs.has(callId)) return;
  const timeoutMs = usePhone.getState().status?.mediaTimeoutMs ?? 10_000;
  mediaWatchdogs.set(callId, setTimeout(() => endForMedia(callId, reason), timeoutMs));
}

function onConnectionState(callId: string, connection: RTCPeerConnectionState): void {
  const { patchMedia } = usePhone.getState();
  patchMedia(callId, { connection });
  if (connection === 'connected') {
    stopMediaWatchdog(callId);
    patchMedia(callId, { connectionNotice: undefined });
  } else if (connection === 'disconnected') {
    patchMedia(callId, { connectionNotice: 'Connection to the caller lost. Trying to recover…' });
    startMediaWatchdog(callId, 'The connection to the caller was lost and did not come back.');
  } else if (connection === 'failed') {
    endForMedia(callId, 'The audio connection to WhatsApp failed.');
  }
}

function release(callId: string): void {
  stopMediaWatchdog(callId);
  const pending = sessions.get(callId);
  sessions.delete(callId);
  lastStats.delete(callId);
  pending?.then((s) => s.close()).catch(() => undefined);
  const audio = remoteAudio.get(callId);
  if (audio) audio.srcObject = null;
  remoteAudio.delete(callId);
}

/** Rings only for calls that need the agent: not while away (ring-out), not while busy or on another call. */
function updateRingtone(): void {
  const state = usePhone.getState();
  const ringing = selectRinging(state).some((c) => c.phase === 'ringing');
  const quiet = state.status?.preferences.status === 'busy' || selectActive(state) !== undefined;
  if (ringing && !quiet) ringtone.start();
  else ringtone.stop();
  usePhone.setState({ ringtonePlaying: ringtone.playing });
}

function maybeAutoAnswer(callId: string): void {
  const state = usePhone.getState();
  const call = state.calls[callId];
  const p = state.status?.preferences;
  if (!call || call.phase !== 'ringing' || call.silent || !p?.autoAnswer || p.status !== 'available') return;
  if (selectActive(state) || autoAnswered.has(callId)) return;
  autoAnswered.add(callId);
  void answerCall(callId);
}

/** Interval figures: loss over the last period, not since the call began, so a bad patch shows at once. */
function qualityFrom(previous: MediaStats | undefined, now: MediaStats): QualitySample {
  const received = now.packetsReceived - (previous?.packetsReceived ?? 0);
  const lost = now.packetsLost - (previous?.packetsLost ?? 0);
  const lossPct = received + lost > 0 ? (Math.max(0, lost) / (received + Math.max(0, lost))) * 100 : 0;
  const rttMs = now.rttMs;
  const jitterMs = now.jitterMs;
  const mos = estimateMos(rttMs ?? 0, jitterMs ?? 0, lossPct);
  return { rttMs, jitterMs, lossPct: Math.round(lossPct * 100) / 100, mos };
}

async function pollStats(): Promise<void> {
  qualityTick += 1;
  for (const [callId, pending] of sessions) {
    const session = await pending.catch(() => undefined);
    const call = usePhone.getState().calls[callId];
    if (!session || !call || call.phase !== 'active') continue;
    const stats = await session.stats();
    const quality = qualityFrom(lastStats.get(callId), stats);
    lastStats.set(callId, stats);
    usePhone.getState().patchMedia(callId, { ...stats, quality, micLabel: session.micLabel });
    // Main keeps the worst figures for the history; every 2 s is plenty for that.
    if (qualityTick % 4 === 0 && stats.packetsReceived > 0) void api.invoke('call:quality', { callId, sample: quality });
  }
}

function applyOutboundAnswer(view: CallView): void {
  if (view.direction !== 'outbound' || !view.sdpAnswer) return;
  const answer = view.sdpAnswer;
  void sessions
    .get(view.callId)
    ?.then((s) => s.applyAnswer(answer))
    .catch((error: unknown) => endForMedia(view.callId, `WhatsApp's answer could not be used: ${errorText(error)}`));
}

function onCallUpdated(view: CallView): void {
  usePhone.getState().upsertCall(view);
  applyOutboundAnswer(view);
  if (view.phase === 'ringing') prepare(view);
  if (view.phase === 'pre_accepted') void sessions.get(view.callId)?.then((s) => s.startIce()).catch(() => undefined);
  if (view.phase === 'ended') release(view.callId);
  updateRingtone();
}

function onStatus(status: AppStatus): void {
  usePhone.getState().setStatus(status);
  void ringtone.setDevice(status.preferences.ringerDeviceId);
  updateRingtone();
}

/** When a device disappears mid-call, move the call to the default device rather than go silent. */
async function onDeviceChange(): Promise<void> {
  const { inputs, outputs } = await listAudioDevices();
  const p = prefs();
  const state = usePhone.getState();
  const active = selectActive(state);
  const session = active ? await sessions.get(active.callId)?.catch(() => undefined) : undefined;
  const micId = session?.micDeviceId;
  if (session && micId && !inputs.some((d) => d.deviceId === micId)) {
    const { label } = await session.switchMic(undefined);
    usePhone.setState({ deviceNotice: `Microphone disconnected; now using ${label || 'the default microphone'}.` });
  }
  if (p?.speakerDeviceId && !outputs.some((d) => d.deviceId === p.speakerDeviceId)) {
    for (const audio of remoteAudio.values()) await routeAudio(audio, undefined);
    usePhone.setState({ deviceNotice: 'Speaker disconnected; now using the default output.' });
  }
}

export async function startCallController(): Promise<void> {
  api.on('call:updated', onCallUpdated);
  api.on('app:status', onStatus);
  api.on('shortcut:pressed', ({ action }) => void runShortcut(action));
  navigator.mediaDevices?.addEventListener('devicechange', () => void onDeviceChange());
  onStatus(await api.invoke('app:status', {}));
  for (const call of await api.invoke('calls:list', {})) onCallUpdated(call);
  statsTimer ??= setInterval(() => void pollStats(), 500);
}

export async function answerCall(callId: string): Promise<void> {
  const { patchMedia } = usePhone.getState();
  const pending = sessions.get(callId);
  if (!pending) return patchMedia(callId, { error: 'This call has no audio offer to answer.' });
  let session: CallSession;
  try {
    session = await pending;
  } catch (error) {
    // Without an answer there is nothing to accept; end the call so it does not ring on for the caller.
    await api.invoke('call:mediaFailed', { callId, reason: `Could not prepare audio: ${errorText(error)}` });
    return;
  }
  const result = await api.invoke('call:answer', { callId, sdpAnswer: session.answerSdp });
  if (!result.ok) return patchMedia(callId, { error: result.error });
  // Normally started on the pre_accepted update already; this covers an update that raced the reply.
  await session.startIce();
  if (session.connectionState !== 'connected') startMediaWatchdog(callId, 'The audio never connected after answering.');
  try {
    await session.startSending();
    patchMedia(callId, {
      micLabel: session.micLabel,
      notice: session.micFellBack ? 'The chosen microphone is not connected; using the default one.' : undefined,
    });
  } catch (error) {
    patchMedia(callId, { error: errorText(error) });
  }
}

/** Places a call to a customer; says why when WhatsApp does not allow it yet. */
export async function dialCall(to: string): Promise<{ ok: true } | { ok: false; error: string; permission?: PermissionView }> {
  let session: CallSession;
  try {
    session = await CallSession.offer({
      iceServers: usePhone.getState().status?.iceServers ?? [],
      micDeviceId: prefs()?.micDeviceId,
      onRemoteStream: (stream) => playRemote(callIdOf(session), stream),
      onConnectionState: (connection) => onConnectionState(callIdOf(session), connection),
    });
  } catch (error) {
    return { ok: false, error: `Could not prepare the call: ${errorText(error)}` };
  }
  const result = await api.invoke('call:dial', { to, sdpOffer: session.answerSdp });
  if (!result.ok) {
    session.close();
    return result;
  }
  dialled.set(session, result.callId);
  sessions.set(result.callId, Promise.resolve(session));
  const view = usePhone.getState().calls[result.callId];
  // The answer may have come with the update that raced this reply.
  if (view) applyOutboundAnswer(view);
  return { ok: true };
}

const dialled = new WeakMap<CallSession, string>();
const callIdOf = (session: CallSession): string => dialled.get(session) ?? '';

export async function requestPermission(to: string): Promise<ActionResult> {
  return api.invoke('call:requestPermission', { to });
}

export async function rejectCall(callId: string): Promise<void> {
  const result = await api.invoke('call:reject', { callId });
  if (!result.ok) usePhone.getState().patchMedia(callId, { error: result.error });
}

export async function hangupCall(callId: string): Promise<void> {
  const result = await api.invoke('call:hangup', { callId });
  if (!result.ok) usePhone.getState().patchMedia(callId, { error: result.error });
}

export function setMuted(callId: string, muted: boolean): void {
  usePhone.getState().patchMedia(callId, { muted });
  void sessions.get(callId)?.then((s) => s.setMuted(muted));
}

export async function sendDtmf(callId: string, tone: string): Promise<void> {
  const session = await sessions.get(callId);
  session?.sendDtmf(tone, (sent) => {
    const media = usePhone.getState().media[callId];
    usePhone.getState().patchMedia(callId, { dtmfSent: `${media?.dtmfSent ?? ''}${sent}` });
  });
}

/** Applies a device choice at once to the live call, the ringer and the remote audio. */
export async function applyDevices(patch: Pick<AgentPreferences, 'micDeviceId' | 'speakerDeviceId' | 'ringerDeviceId'>): Promise<void> {
  const next = await api.invoke('preferences:save', patch);
  const status = usePhone.getState().status;
  if (status) onStatus({ ...status, preferences: next });
  const active = selectActive(usePhone.getState());
  if (!active) return;
  const session = await sessions.get(active.callId)?.catch(() => undefined);
  if (session && 'micDeviceId' in patch) {
    const { label } = await session.switchMic(patch.micDeviceId);
    usePhone.getState().patchMedia(active.callId, { micLabel: label });
  }
  if ('speakerDeviceId' in patch) {
    const audio = remoteAudio.get(active.callId);
    if (audio) await routeAudio(audio, patch.speakerDeviceId);
  }
}

export async function savePreferences(patch: Partial<AgentPreferences>): Promise<void> {
  const before = usePhone.getState().status;
  // Shown at once; main's answer (or the old value, if main refuses) follows.
  if (before) usePhone.getState().setStatus({ ...before, preferences: { ...before.preferences, ...patch } });
  try {
    const next = await api.invoke('preferences:save', patch);
    const status = usePhone.getState().status;
    if (status) onStatus({ ...status, preferences: next });
  } catch (error) {
    if (before) onStatus(before);
    usePhone.setState({ deviceNotice: `Could not save the preference: ${errorText(error)}` });
  }
}

/** Keyboard shortcuts act on the oldest ringing call or the live one. */
export async function runShortcut(action: ShortcutAction): Promise<void> {
  const state = usePhone.getState();
  const ringing = selectRinging(state).find((c) => c.phase === 'ringing');
  const active = selectActive(state);
  if (action === 'answer' && ringing && !active) await answerCall(ringing.callId);
  else if (action === 'reject' && ringing) await rejectCall(ringing.callId);
  else if (action === 'mute' && active) setMuted(active.callId, !(state.media[active.callId]?.muted ?? false));
  else if (action === 'hangup' && active) await hangupCall(active.callId);
}
