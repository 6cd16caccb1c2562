import { answerProblems } from '../../../shared/sdpChecks';

export interface AnswerSessionOptions {
  iceServers: RTCIceServer[];
  /** Bound on ICE gathering: an unreachable STUN server would otherwise hold the answer for ~40 s. */
  gatherTimeoutMs?: number;
  onRemoteStream?: (stream: MediaStream) => void;
  onConnectionState?: (state: RTCPeerConnectionState) => void;
}

export interface MediaStats {
  packetsReceived: number;
  packetsSent: number;
  inboundEnergy: number;
  audioLevel: number;
  jitterMs?: number;
  rttMs?: number;
  packetsLost: number;
}

function waitForGathering(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', check);
      resolve();
    };
    const check = () => {
      if (pc.iceGatheringState === 'complete') done();
    };
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', check);
  });
}

function micConstraints(): MediaStreamConstraints {
  return { audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true }, video: false };
}

/**
 * One inbound call's media: the SDP answer is built while the phone rings, so Answer is instant,
 * and the microphone is only attached once WhatsApp has confirmed the accept.
 */
export class AnswerSession {
  private mic?: MediaStreamTrack;
  private micError?: string;
  private micReady: Promise<void> = Promise.resolve();

  private constructor(
    private readonly pc: RTCPeerConnection,
    private readonly sender: RTCRtpSender,
    readonly answerSdp: string,
  ) {}

  static async prepare(offerSdp: string, options: AnswerSessionOptions): Promise<AnswerSession> {
    const pc = new RTCPeerConnection({ iceServers: options.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    try {
      pc.addEventListener('track', (event) => {
        options.onRemoteStream?.(event.streams[0] ?? new MediaStream([event.track]));
      });
      pc.addEventListener('connectionstatechange', () => options.onConnectionState?.(pc.connectionState));
      await pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
      const transceiver = pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
      if (!transceiver) throw new Error('The caller offered no audio.');
      // Send direction is negotiated now; the track itself is attached only after accept succeeds.
      transceiver.direction = 'sendrecv';
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await waitForGathering(pc, options.gatherTimeoutMs ?? 2000);
      const sdp = pc.localDescription?.sdp ?? answer.sdp ?? '';
      const problems = answerProblems(sdp);
      if (problems.length > 0) throw new Error(`This computer produced an answer WhatsApp would refuse: ${problems.join('; ')}`);
      const session = new AnswerSession(pc, transceiver.sender, sdp);
      session.micReady = session.acquireMic();
      return session;
    } catch (error) {
      pc.close();
      throw error;
    }
  }

  private async acquireMic(): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(micConstraints());
      this.mic = stream.getAudioTracks()[0];
    } catch (error) {
      this.micError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }

  /** Starts sending the microphone; call only after WhatsApp answered 200 to accept. */
  async startSending(): Promise<void> {
    await this.micReady;
    if (!this.mic) throw new Error(`Microphone unavailable (${this.micError ?? 'no device'}). The caller cannot hear you.`);
    await this.sender.replaceTrack(this.mic);
  }

  setMuted(muted: boolean): void {
    if (this.mic) this.mic.enabled = !muted;
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  async stats(): Promise<MediaStats> {
    const report = await this.pc.getStats();
    const out: MediaStats = { packetsReceived: 0, packetsSent: 0, inboundEnergy: 0, audioLevel: 0, packetsLost: 0 };
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.packetsReceived = Number(s.packetsReceived ?? 0);
        out.packetsLost = Number(s.packetsLost ?? 0);
        out.inboundEnergy = Number(s.totalAudioEnergy ?? 0);
        out.audioLevel = Number(s.audioLevel ?? 0);
        if (typeof s.jitter === 'number') out.jitterMs = s.jitter * 1000;
      } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        out.packetsSent = Number(s.packetsSent ?? 0);
      } else if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') {
        out.rttMs = s.currentRoundTripTime * 1000;
      }
    });
    return out;
  }

  close(): void {
    this.mic?.stop();
    this.pc.close();
  }
}
