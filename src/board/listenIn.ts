import type { BoardRequest, TalkMode, TalkRefusal } from '../shared/boardSchemas';
import { say } from './i18n';
import { waitForCandidates } from '../renderer/src/rtc/waitForCandidates';
import { hasTurnServer } from '../shared/gatheringEnough';

/** What the listening panel shows. */
export interface ListenView {
  text: string;
  /** The switches offered: the modes the line is not in, once it is connected and a microphone is there. */
  modes: TalkMode[];
  active: boolean;
  /** A refusal or a change the supervisor did not ask for, said beside the line's state. */
  note?: string;
}

const GATHER_MS = 1500;

/**
 * The supervisor's own line into a call's room on the team's media server. The relay joins it muted, so nothing
 * said here is heard until Whisper or Barge in; the microphone track is also kept off until then, so the page sends silence.
 */
export function createListenIn(deps: {
  send(request: BoardRequest): void;
  show(view: ListenView): void;
  audio: HTMLAudioElement;
}) {
  let pc: RTCPeerConnection | undefined;
  let mic: MediaStreamTrack | undefined;
  let callId: string | undefined;
  let label = '';
  let mode: TalkMode = 'listen';
  /** The customer of the call listened to is on hold: a barge is then heard by the agent alone. */
  let customerHeld = false;

  function release(): void {
    pc?.close();
    pc = undefined;
    mic?.stop();
    mic = undefined;
    deps.audio.srcObject = null;
    callId = undefined;
    mode = 'listen';
    customerHeld = false;
  }

  /** The panel for the line's mode now: what the supervisor is heard by, and the other two modes to switch to. */
  function view(note?: string): ListenView {
    const who = { who: label };
    const text =
      mode === 'barge'
        ? say(customerHeld ? 'listen.heardCustomerHeld' : 'listen.heard', who)
        : mode === 'whisper'
          ? say('listen.whispering', who)
          : mic
            ? say('listen.muted', who)
            : say('listen.noMic', who);
    const modes = mic ? (['listen', 'whisper', 'barge'] as const).filter((m) => m !== mode) : [];
    return { text, modes, active: true, ...(note && { note }) };
  }

  return {
    listeningTo: () => callId,
    /** The Listen cell's words for a call: the line's mode on the call listened to, the button's elsewhere. */
    cellText(id: string): string {
      if (id !== callId) return say('listen.button');
      return mode === 'whisper'
        ? say('listen.cellWhispering')
        : mode === 'barge'
          ? say('listen.cellBarged')
          : say('listen.listening');
    },
    /** Asks the relay for a line into this call; `who` names it on the panel ("asha's call with …"). */
    start(id: string, who: string): void {
      if (callId) deps.send({ type: 'stop_listening', callId });
      release();
      callId = id;
      label = who;
      deps.show({ text: say('listen.connecting', { who: label }), modes: [], active: true });
      deps.send({ type: 'listen', callId: id });
    },
    /** The media server's offer, with the team's TURN servers (this supervisor's credentials) when it has TURN. */
    async onOffer(id: string, sdp: string, iceServers: RTCIceServer[]): Promise<void> {
      if (id !== callId) return;
      pc = new RTCPeerConnection({ iceServers });
      pc.ontrack = (event) => {
        deps.audio.srcObject = new MediaStream([event.track]);
        void deps.audio.play().catch(() => undefined);
      };
      try {
        const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        mic = stream.getAudioTracks()[0];
      } catch {
        mic = undefined;
      }
      if (id !== callId || !pc) return;
      await pc.setRemoteDescription({ type: 'offer', sdp });
      const transceiver = pc.getTransceivers()[0];
      if (mic && transceiver) {
        mic.enabled = false;
        await transceiver.sender.replaceTrack(mic);
        transceiver.direction = 'sendrecv';
      }
      await pc.setLocalDescription(await pc.createAnswer());
      await waitForCandidates(pc, GATHER_MS, hasTurnServer(iceServers));
      if (id !== callId || !pc.localDescription) return;
      deps.send({ type: 'listen_answer', callId: id, sdp: pc.localDescription.sdp });
    },
    /** The relay says how the line is now; `whisperEnded`: the call ended a whisper (a hold, a colleague, …). */
    onListening(id: string, heard: boolean, nowMode?: TalkMode, whisperEnded?: boolean): void {
      if (id !== callId) return;
      mode = nowMode ?? (heard ? 'barge' : 'listen');
      // The microphone is on only while someone hears it: the agent (whisper) or everyone (barge).
      if (mic) mic.enabled = mode !== 'listen';
      deps.show(view(whisperEnded ? say('listen.whisperEnded') : undefined));
    },
    /** Whether the listened call's customer is on hold now (from each snapshot); the panel follows a change. */
    onCustomerHeld(id: string, held: boolean): void {
      if (id !== callId || held === customerHeld) return;
      customerHeld = held;
      if (mode === 'barge') deps.show(view());
    },
    /** The relay kept the line as it was: the panel says why, in the board's language. */
    onRefused(id: string, why: TalkRefusal): void {
      if (id !== callId) return;
      deps.show(view(say(`talkRefused.${why}`)));
    },
    onEnded(id: string, reason: string): void {
      if (id !== callId) return;
      release();
      deps.show({ text: reason, modes: [], active: false });
    },
    /** Listen only, whisper to the agent, or barge in. */
    talk(next: TalkMode): void {
      if (callId && next !== mode) deps.send({ type: 'talk', callId, mode: next });
    },
    stop(): void {
      if (callId) deps.send({ type: 'stop_listening', callId });
    },
  };
}
