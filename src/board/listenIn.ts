import type { BoardRequest } from '../shared/boardSchemas';
import { say } from './i18n';
import { waitForCandidates } from '../renderer/src/rtc/waitForCandidates';
import { hasTurnServer } from '../shared/gatheringEnough';

/** What the listening panel shows. */
export interface ListenView {
  text: string;
  /** Barge in is offered (listening, not yet heard, and a microphone is there). */
  canBarge: boolean;
  active: boolean;
}

const GATHER_MS = 1500;

/**
 * The supervisor's own line into a call's room on the team's media server. The relay joins it muted, so nothing
 * said here is heard until Barge in; the microphone track is also kept off until then, so the page sends silence.
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
  let heard = false;

  function release(): void {
    pc?.close();
    pc = undefined;
    mic?.stop();
    mic = undefined;
    deps.audio.srcObject = null;
    callId = undefined;
    heard = false;
  }

  return {
    listeningTo: () => callId,
    /** Asks the relay for a line into this call; `who` names it on the panel ("asha's call with …"). */
    start(id: string, who: string): void {
      if (callId) deps.send({ type: 'stop_listening', callId });
      release();
      callId = id;
      label = who;
      deps.show({ text: say('listen.connecting', { who: label }), canBarge: false, active: true });
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
    onListening(id: string, nowHeard: boolean): void {
      if (id !== callId) return;
      heard = nowHeard;
      if (mic) mic.enabled = heard;
      deps.show(
        heard
          ? { text: say('listen.heard', { who: label }), canBarge: false, active: true }
          : {
              text: mic ? say('listen.muted', { who: label }) : say('listen.noMic', { who: label }),
              canBarge: Boolean(mic),
              active: true,
            },
      );
    },
    onEnded(id: string, reason: string): void {
      if (id !== callId) return;
      release();
      deps.show({ text: reason, canBarge: false, active: false });
    },
    barge(): void {
      if (callId && !heard) deps.send({ type: 'barge', callId });
    },
    stop(): void {
      if (callId) deps.send({ type: 'stop_listening', callId });
    },
  };
}
