import { answerProblems, holdBackCandidates, declineNonAudioSections } from '../../../shared/sdpChecks';
import { hasTurnServer, unreachableTurn, type GatheredCandidate } from '../../../shared/gatheringEnough';
import { waitForCandidates } from './waitForCandidates';
import { openMic } from './devices';

export interface CallSessionOptions {
  iceServers: RTCIceServer[];
  /** `relay`: only TURN relay candidates, so the audio goes through TURN (offices that let no UDP out). */
  iceTransportPolicy?: RTCIceTransportPolicy;
  micDeviceId?: string;
  /** Bound on ICE gathering: an unreachable STUN server would otherwise hold the answer for ~40 s. */
  gatherTimeoutMs?: number;
  onRemoteStream?: (stream: MediaStream) => void;
  onConnectionState?: (state: RTCPeerConnectionState) => void;
}

export interface MediaStats {
  packetsReceived: number;
  packetsSent: number;
  packetsLost: number;
  inboundEnergy: number;
  audioLevel: number;
  /** Cumulative energy Chromium measured from the local microphone (media-source), for dead-mic detection. */
  micEnergy: number;
  jitterMs?: number;
  rttMs?: number;
}

/**
 * One call's media. Inbound: the SDP answer is built while the phone rings, so Answer is instant, and the
 * microphone is only attached once WhatsApp has confirmed the accept (anchored: at the click, muted on Janus). Outbound: the desk offers, with the
 * microphone attached from the start, and applies WhatsApp's answer when it comes.
 */
export class CallSession {
  private mic?: MediaStreamTrack;
  private micError?: string;
  private micReady: Promise<void> = Promise.resolve();
  private sending = false;
  private remoteCandidates: RTCIceCandidateInit[] = [];
  private iceStarted = false;
  private muted = false;
  /** The agent's voice may reach the caller: only once WhatsApp has connected the call. */
  private micOpen = false;
  /** Set when the chosen microphone was missing and the default one is used instead. */
  micFellBack = false;
  /** Every local candidate gathered, to tell the agent what the network blocks if the audio fails. */
  private gathered: GatheredCandidate[] = [];
  private iceServers: RTCIceServer[] = [];

  private constructor(
    private readonly pc: RTCPeerConnection,
    private readonly sender: RTCRtpSender,
    /** The local SDP: the answer for an inbound call, the offer for an outbound one. */
    readonly localSdp: string,
  ) {}

  /** A peer connection wired to the session's callbacks, closed again if `build` fails. */
  private static async withPeerConnection(
    options: CallSessionOptions,
    build: (pc: RTCPeerConnection) => Promise<CallSession>,
  ): Promise<CallSession> {
    const pc = new RTCPeerConnection({
      iceServers: options.iceServers,
      iceTransportPolicy: options.iceTransportPolicy ?? 'all',
      bundlePolicy: 'max-bundle',
      rtcpMuxPolicy: 'require',
    });
    const gathered: GatheredCandidate[] = [];
    pc.addEventListener('icecandidate', ({ candidate }) => {
      if (candidate) gathered.push({ protocol: candidate.protocol ?? '', type: candidate.type ?? '' });
    });
    pc.addEventListener('track', (event) =>
      options.onRemoteStream?.(event.streams[0] ?? new MediaStream([event.track])),
    );
    pc.addEventListener('connectionstatechange', () => options.onConnectionState?.(pc.connectionState));
    try {
      const session = await build(pc);
      session.gathered = gathered;
      session.iceServers = options.iceServers;
      return session;
    } catch (error) {
      pc.close();
      throw error;
    }
  }

  static prepare(offerSdp: string, options: CallSessionOptions): Promise<CallSession> {
    return CallSession.withPeerConnection(options, async (pc) => {
      const held = holdBackCandidates(offerSdp);
      await pc.setRemoteDescription({ type: 'offer', sdp: held.offer });
      const transceiver = pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
      if (!transceiver) throw new Error('The caller offered no audio.');
      // A voice phone: any other line (WhatsApp's video, once it comes) is declined (port 0, RFC 3264), never the call.
      for (const other of pc.getTransceivers()) if (other !== transceiver) other.direction = 'inactive';
      // Send direction is negotiated now; the track itself is attached only after accept succeeds.
      transceiver.direction = 'sendrecv';
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      await waitForCandidates(
        pc,
        options.gatherTimeoutMs ?? 2000,
        hasTurnServer(options.iceServers),
        options.iceTransportPolicy === 'relay',
      );
      const sdp = declineNonAudioSections(pc.localDescription?.sdp ?? answer.sdp ?? '');
      const problems = answerProblems(sdp, offerSdp);
      if (problems.length > 0)
        throw new Error(`This computer produced an answer WhatsApp would refuse: ${problems.join('; ')}`);
      const session = new CallSession(pc, transceiver.sender, sdp);
      session.remoteCandidates = held.candidates;
      session.micReady = session.acquireMic(options.micDeviceId);
      return session;
    });
  }

  private async acquireMic(deviceId?: string): Promise<void> {
    try {
      const { track, fellBack } = await openMic(deviceId);
      this.mic = track;
      this.micFellBack = fellBack;
    } catch (error) {
      this.micError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }

  /** Builds the offer for a call the agent places. */
  static offer(options: CallSessionOptions): Promise<CallSession> {
    return CallSession.withPeerConnection(options, async (pc) => {
      const { track, fellBack } = await openMic(options.micDeviceId);
      // Attached so the offer is complete, but silent until the customer has answered (startSending).
      track.enabled = false;
      const transceiver = pc.addTransceiver(track, { direction: 'sendrecv' });
      await pc.setLocalDescription(await pc.createOffer());
      await waitForCandidates(
        pc,
        options.gatherTimeoutMs ?? 2000,
        hasTurnServer(options.iceServers),
        options.iceTransportPolicy === 'relay',
      );
      const session = new CallSession(pc, transceiver.sender, pc.localDescription?.sdp ?? '');
      session.mic = track;
      session.micFellBack = fellBack;
      session.sending = true;
      session.iceStarted = true;
      return session;
    });
  }

  private answerApplied = false;

  /** Applies WhatsApp's answer to an outbound call (once; the same answer may be announced twice). */
  async applyAnswer(sdp: string): Promise<void> {
    if (this.answerApplied) return;
    this.answerApplied = true;
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  /** Lets ICE reach the caller: call once WhatsApp has our answer and the call is ours. */
  async startIce(): Promise<void> {
    if (this.iceStarted) return;
    this.iceStarted = true;
    for (const candidate of this.remoteCandidates) await this.pc.addIceCandidate(candidate);
  }

  /**
   * Starts sending the microphone; call only after WhatsApp answered 200 to accept, or at the Answer click on an
   * anchored call, whose leg the relay keeps muted on Janus until then.
   */
  async startSending(): Promise<void> {
    await this.micReady;
    if (!this.mic)
      throw new Error(`Microphone unavailable (${this.micError ?? 'no device'}). The caller cannot hear you.`);
    this.micOpen = true;
    this.mic.enabled = !this.muted;
    if (this.sending) return;
    await this.sender.replaceTrack(this.mic);
    this.sending = true;
  }

  /** Moves the call to another microphone without renegotiation; the caller hears no gap beyond a few ms. */
  async switchMic(deviceId?: string): Promise<{ fellBack: boolean; label: string }> {
    await this.micReady;
    const { track, fellBack } = await openMic(deviceId);
    track.enabled = this.micOpen && !this.muted;
    if (this.sending) await this.sender.replaceTrack(track);
    this.mic?.stop();
    this.mic = track;
    this.micFellBack = fellBack;
    return { fellBack, label: track.label };
  }

  get micLabel(): string | undefined {
    return this.mic?.label;
  }

  get micDeviceId(): string | undefined {
    return this.mic?.getSettings().deviceId;
  }

  /** Sends `track` instead of the microphone (hold music), or the microphone again with undefined; no renegotiation. */
  async sendInsteadOfMic(track: MediaStreamTrack | undefined): Promise<void> {
    if (!this.sending) return;
    await this.sender.replaceTrack(track ?? this.mic ?? null);
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    if (this.mic) this.mic.enabled = this.micOpen && !muted;
  }

  /** DTMF needs telephone-event in the negotiated SDP; WhatsApp offers it at 8 kHz. */
  get canSendDtmf(): boolean {
    return Boolean(this.sender.dtmf?.canInsertDTMF);
  }

  sendDtmf(tones: string, onTone: (tone: string) => void): void {
    const dtmf = this.sender.dtmf;
    if (!dtmf) throw new Error('This call cannot send keypad tones.');
    dtmf.ontonechange = (event) => {
      if (event.tone) onTone(event.tone);
    };
    dtmf.insertDTMF(dtmf.toneBuffer + tones, 120, 70);
  }

  /**
   * The TURN servers that gave this call no relay candidate: when its audio fails, the network blocks both the
   * direct path and them. Empty when TURN answered or none was configured.
   */
  get unreachableTurn(): string[] {
    return unreachableTurn(this.iceServers, this.gathered);
  }

  get connectionState(): RTCPeerConnectionState {
    return this.pc.connectionState;
  }

  async stats(): Promise<MediaStats> {
    const report = await this.pc.getStats();
    const out: MediaStats = {
      packetsReceived: 0,
      packetsSent: 0,
      inboundEnergy: 0,
      audioLevel: 0,
      packetsLost: 0,
      micEnergy: 0,
    };
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.packetsReceived = Number(s.packetsReceived ?? 0);
        out.packetsLost = Math.max(0, Number(s.packetsLost ?? 0));
        out.inboundEnergy = Number(s.totalAudioEnergy ?? 0);
        out.audioLevel = Number(s.audioLevel ?? 0);
        if (typeof s.jitter === 'number') out.jitterMs = s.jitter * 1000;
      } else if (s.type === 'media-source' && s.kind === 'audio') {
        out.micEnergy = Number(s.totalAudioEnergy ?? 0);
      } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        out.packetsSent = Number(s.packetsSent ?? 0);
      } else if (s.type === 'remote-inbound-rtp' && typeof s.roundTripTime === 'number') {
        out.rttMs = s.roundTripTime * 1000;
      } else if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') {
        out.rttMs ??= s.currentRoundTripTime * 1000;
      }
    });
    return out;
  }

  close(): void {
    this.mic?.stop();
    this.pc.close();
  }
}
