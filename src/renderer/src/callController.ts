import type { CallView } from '../../shared/ipcContract';
import { api } from './bridge';
import { AnswerSession } from './rtc/answerSession';
import { Ringtone } from './rtc/ringtone';
import { usePhone } from './store';

const sessions = new Map<string, Promise<AnswerSession>>();
const remoteAudio = new Map<string, HTMLAudioElement>();
const ringtone = new Ringtone();
let iceServers: RTCIceServer[] = [];
let statsTimer: ReturnType<typeof setInterval> | undefined;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function playRemote(callId: string, stream: MediaStream): void {
  let audio = remoteAudio.get(callId);
  if (!audio) {
    audio = new Audio();
    audio.autoplay = true;
    remoteAudio.set(callId, audio);
  }
  audio.srcObject = stream;
  audio.play().catch((error: unknown) => usePhone.getState().patchMedia(callId, { error: `Cannot play the caller's audio: ${errorText(error)}` }));
}

function prepare(call: CallView): void {
  if (sessions.has(call.callId) || !call.sdpOffer) return;
  const { patchMedia } = usePhone.getState();
  const pending = AnswerSession.prepare(call.sdpOffer, {
    iceServers,
    onRemoteStream: (stream) => playRemote(call.callId, stream),
    onConnectionState: (connection) => {
      patchMedia(call.callId, { connection });
      if (connection === 'failed') void api.invoke('call:mediaFailed', { callId: call.callId, reason: 'The audio connection to WhatsApp failed.' });
    },
  });
  sessions.set(call.callId, pending);
  pending.then(
    () => patchMedia(call.callId, { answerReady: true }),
    (error: unknown) => patchMedia(call.callId, { error: errorText(error) }),
  );
}

function release(callId: string): void {
  const pending = sessions.get(callId);
  sessions.delete(callId);
  pending?.then((s) => s.close()).catch(() => undefined);
  const audio = remoteAudio.get(callId);
  if (audio) audio.srcObject = null;
  remoteAudio.delete(callId);
}

function updateRingtone(): void {
  const ringing = Object.values(usePhone.getState().calls).some((c) => c.phase === 'ringing');
  if (ringing) ringtone.start();
  else ringtone.stop();
  usePhone.setState({ ringtonePlaying: ringtone.playing });
}

async function pollStats(): Promise<void> {
  for (const [callId, pending] of sessions) {
    const session = await pending.catch(() => undefined);
    if (!session) continue;
    const stats = await session.stats();
    usePhone.getState().patchMedia(callId, stats);
  }
}

function onCallUpdated(view: CallView): void {
  usePhone.getState().upsertCall(view);
  if (view.phase === 'ringing') prepare(view);
  if (view.phase === 'ended') release(view.callId);
  updateRingtone();
}

export async function startCallController(): Promise<void> {
  api.on('call:updated', onCallUpdated);
  const status = await api.invoke('app:status', {});
  iceServers = status.iceServers;
  usePhone.getState().setStatus(status);
  for (const call of await api.invoke('calls:list', {})) onCallUpdated(call);
  statsTimer ??= setInterval(() => void pollStats(), 500);
}

export async function answerCall(callId: string): Promise<void> {
  const { patchMedia } = usePhone.getState();
  const pending = sessions.get(callId);
  if (!pending) return patchMedia(callId, { error: 'This call has no audio offer to answer.' });
  let session: AnswerSession;
  try {
    session = await pending;
  } catch (error) {
    // Without an answer there is nothing to accept; end the call so it does not ring on for the caller.
    await api.invoke('call:mediaFailed', { callId, reason: `Could not prepare audio: ${errorText(error)}` });
    return;
  }
  const result = await api.invoke('call:answer', { callId, sdpAnswer: session.answerSdp });
  if (!result.ok) return patchMedia(callId, { error: result.error });
  try {
    await session.startSending();
  } catch (error) {
    patchMedia(callId, { error: errorText(error) });
  }
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
