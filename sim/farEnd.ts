import wrtc from '@roamhq/wrtc';
import { startIceLiteFront, type Impairment } from './iceLiteFront';
import { toneLevel } from './toneLevel';

const { RTCPeerConnection, nonstandard } = wrtc;

const SAMPLE_RATE = 48_000;
const FRAME = 480; // 10 ms, the only frame size RTCAudioSource takes
const WHATSAPP_OPUS_FMTP =
  'maxaveragebitrate=20000;maxplaybackrate=16000;minptime=20;sprop-maxcapturerate=16000;useinbandfec=1';

export interface FarEndOptions {
  /** Tone the caller "speaks"; 0 sends silence. */
  toneHz?: number;
  amplitude?: number;
  /** WhatsApp drops a call that gets no media for 20 s after it starts. */
  noMediaTimeoutMs?: number;
  onNoMedia?: () => void;
  gatherTimeoutMs?: number;
  /** WhatsApp offers telephone-event/8000 for DTMF; false models a peer that does not. */
  offerDtmf?: boolean;
  /** Loss and delay on the media between the app and WhatsApp's edge (changeable mid-call with `impair`). */
  network?: Impairment;
  /** The address WhatsApp's edge listens on toward the business (a media server that never uses loopback). */
  edgeHost?: string;
  /** The business's offer, for a call the business places: the far end answers it instead of offering. */
  answerTo?: string;
  /**
   * The audio codecs offered, in order: Opus by default; PCMU/PCMA beside or instead of it once the operator turns on
   * audio.additional_codecs ("Configure Call Settings", March 2026).
   */
  codecs?: OfferedCodec[];
  /** Adds a video line to the offer, as WhatsApp's planned video calls may; the far end itself sends audio only. */
  offerVideo?: boolean;
}

export type OfferedCodec = 'opus' | 'PCMU' | 'PCMA';

/** The caller's receiving side as libwebrtc counts it (cumulative since the call started). */
export interface CallerAudioStats {
  packetsReceived: number;
  packetsLost: number;
  jitterMs: number;
  /** Samples played out, and those the decoder made up for missing packets (what in-band FEC reduces). */
  totalSamples: number;
  concealedSamples: number;
  rttMs: number;
}

/** A video section as a WhatsApp video offer might carry it, sharing the audio's transport (BUNDLE). */
function videoSection(audioLines: string[]): string[] {
  const keep = audioLines.filter((l) => /^a=(ice-ufrag|ice-pwd|fingerprint|setup):/.test(l));
  return [
    'm=video 9 UDP/TLS/RTP/SAVPF 96',
    'c=IN IP4 0.0.0.0',
    ...keep,
    'a=mid:video',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtpmap:96 VP8/90000',
  ];
}

/** The business's answer without the sections it declined (port 0, not audio): the far end offered audio only. */
export function withoutDeclinedSections(sdp: string): string {
  const out: string[] = [];
  let dropping = false;
  for (const line of sdp.split('\r\n').filter(Boolean)) {
    if (line.startsWith('m=')) dropping = /^m=(?!audio)\S+ 0 /.test(line);
    if (!dropping) out.push(line.startsWith('a=group:BUNDLE ') ? line.replace(/ video\b/, '') : line);
  }
  return `${out.join('\r\n')}\r\n`;
}

export interface ReceivedAudio {
  frames: number;
  /** Frames whose RMS is above the silence floor. */
  loudFrames: number;
  peakRms: number;
  firstFrameAtMs?: number;
  firstLoudAtMs?: number;
  /** When the first RTP packet from the app arrived (polled every 5 ms after the answer is applied). */
  firstPacketAtMs?: number;
  /** Pitch of the latest loud frames (zero-crossing estimate, Hz), newest last: tells a voice from hold music. */
  recentHz: number[];
  /** The last 100 ms heard (at `sampleRate`), newest last: which tones are in the mix right now. */
  latest: Int16Array;
  sampleRate: number;
}

/** Amplitude (0..1) of one tone in the last 100 ms the far end heard: several voices in a room are told apart. */
export function heardTone(received: ReceivedAudio, hz: number): number {
  return toneLevel(received.latest, received.sampleRate, hz, 32768);
}

/** A pure tone crosses zero twice per period; enough to tell 300 Hz from a 523-784 Hz arpeggio. */
function zeroCrossingHz(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i += 1) if (samples[i - 1]! < 0 !== samples[i]! < 0) crossings += 1;
  return (crossings / 2) * (sampleRate / samples.length);
}

/** The middle of the last `count` pitch readings. */
export function recentPitch(received: ReceivedAudio, count = 25): number | undefined {
  const last = received.recentHz.slice(-count).sort((a, b) => a - b);
  return last.length ? last[Math.floor(last.length / 2)] : undefined;
}

/**
 * Rewrites the far end's real offer into WhatsApp's shape (see fixtures/sdp/10-*): ICE-lite, Opus with
 * WhatsApp's fmtp, telephone-event/8000, ptime 20, UDP host candidates, one SSRC, no header extensions.
 * Only the copy sent to the app is rewritten; libwebrtc keeps its own description.
 */
export function whatsappStyleOffer(
  sdp: string,
  offerDtmf = true,
  codecs: OfferedCodec[] = ['opus'],
  offerVideo = false,
): string {
  const lines = sdp.split('\r\n').filter(Boolean);
  const mIndex = lines.findIndex((l) => l.startsWith('m=audio'));
  const mLine = lines[mIndex] ?? '';
  const payloads = mLine.split(' ').slice(3);
  const rtpmapOf = (pt: string) => lines.find((l) => l.startsWith(`a=rtpmap:${pt} `)) ?? '';
  const payloadFor = (codec: OfferedCodec) =>
    payloads.find((pt) =>
      new RegExp(`^a=rtpmap:${pt} ${codec === 'opus' ? 'opus/48000' : `${codec}/8000`}`, 'i').test(rtpmapOf(pt)),
    );
  const opus = codecs.includes('opus') ? payloadFor('opus') : undefined;
  const dtmf = offerDtmf ? payloads.find((pt) => /telephone-event\/8000/i.test(rtpmapOf(pt))) : undefined;
  const keep = [...codecs.map(payloadFor), dtmf].filter((pt): pt is string => pt !== undefined);
  const ssrc = /^a=ssrc:(\d+) /.exec(lines.find((l) => l.startsWith('a=ssrc:')) ?? '')?.[1];
  const out: string[] = [];
  for (const line of lines) {
    if (line.startsWith('a=extmap') || line.startsWith('a=ssrc') || line.startsWith('a=msid:')) continue;
    if (line.startsWith('a=ice-options')) continue;
    if (line.startsWith('a=candidate') && !/ udp /i.test(line)) continue;
    const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/.exec(line)?.[1];
    if (pt && !keep.includes(pt)) continue;
    if (line.startsWith('m=audio')) {
      out.push([...mLine.split(' ').slice(0, 3), ...keep].join(' '));
      continue;
    }
    if (opus && line.startsWith(`a=fmtp:${opus} `)) {
      out.push(`a=fmtp:${opus} ${WHATSAPP_OPUS_FMTP}`);
      continue;
    }
    out.push(line);
    if (line.startsWith('t=')) out.push('a=ice-lite');
  }
  out.push('a=maxptime:20', 'a=ptime:20');
  if (ssrc) out.push('a=msid:whatsapp-sim WhatsAppTrack1', `a=ssrc:${ssrc} cname:WhatsAppAudioStream1`);
  if (offerVideo) {
    const group = out.findIndex((l) => l.startsWith('a=group:BUNDLE '));
    if (group >= 0) out[group] = `${out[group]} video`;
    out.push(...videoSection(out.slice(out.findIndex((l) => l.startsWith('m=audio')))));
  }
  return `${out.join('\r\n')}\r\n`;
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length)) / 32768;
}

/** WhatsApp's side of a call on real libwebrtc: offers, plays a tone, records what it hears. */
export async function createFarEnd(options: FarEndOptions = {}) {
  const pc = new RTCPeerConnection({ iceServers: [] });
  const source = new nonstandard.RTCAudioSource();
  const track = source.createTrack();
  pc.addTrack(track);
  const received: ReceivedAudio = {
    frames: 0,
    loudFrames: 0,
    peakRms: 0,
    recentHz: [],
    latest: new Int16Array(SAMPLE_RATE / 10),
    sampleRate: SAMPLE_RATE,
  };
  let sink: InstanceType<typeof nonstandard.RTCAudioSink> | undefined;
  let closed = false;

  pc.ontrack = (event: { track: unknown }) => {
    sink = new nonstandard.RTCAudioSink(event.track as never);
    sink.ondata = (data: { samples: Int16Array; sampleRate?: number }) => {
      const level = rms(data.samples);
      const rate = data.sampleRate ?? SAMPLE_RATE;
      if (rate !== received.sampleRate) {
        received.sampleRate = rate;
        received.latest = new Int16Array(Math.round(rate / 10));
      }
      const keep = received.latest.length - data.samples.length;
      if (keep >= 0) {
        received.latest.copyWithin(0, data.samples.length);
        received.latest.set(data.samples, keep);
      }
      received.frames += 1;
      received.firstFrameAtMs ??= Date.now();
      received.peakRms = Math.max(received.peakRms, level);
      if (level > 0.01) {
        received.recentHz.push(zeroCrossingHz(data.samples, data.sampleRate ?? SAMPLE_RATE));
        if (received.recentHz.length > 200) received.recentHz.splice(0, 100);
        received.loudFrames += 1;
        received.firstLoudAtMs ??= Date.now();
      }
    };
  };

  // Paced by the clock rather than by setInterval, whose drift would starve the jitter buffer.
  const toneHz = options.toneHz ?? 440;
  const amplitude = options.amplitude ?? 0.5;
  const started = Date.now();
  let sent = 0;
  const pump = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * SAMPLE_RATE) / 1000 / FRAME);
    for (; sent < due; sent += 1) {
      const samples = new Int16Array(FRAME);
      for (let i = 0; i < FRAME; i += 1) {
        const t = (sent * FRAME + i) / SAMPLE_RATE;
        samples[i] = Math.round(Math.sin(2 * Math.PI * toneHz * t) * amplitude * 32767);
      }
      source.onData({ samples, sampleRate: SAMPLE_RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME });
    }
  }, 10);

  // The app meets WhatsApp's ICE-lite edge, never libwebrtc's full ICE agent directly.
  const front = await startIceLiteFront({ impairment: options.network, appHost: options.edgeHost });
  if (options.answerTo) await pc.setRemoteDescription({ type: 'offer', sdp: front.forFarEnd(options.answerTo) });
  const offer = options.answerTo ? await pc.createAnswer() : await pc.createOffer();
  await pc.setLocalDescription(offer);
  await new Promise<void>((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const timer = setTimeout(resolve, options.gatherTimeoutMs ?? 3000);
    pc.onicegatheringstatechange = () => {
      if (pc.iceGatheringState === 'complete') {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  const localSdp = pc.localDescription?.sdp ?? offer.sdp ?? '';
  // WhatsApp's offers use mid "audio" (fixtures/sdp/10-*); libwebrtc's own is "0".
  const farEndMid = /^a=mid:(\S+)/m.exec(localSdp)?.[1];
  front.remapMid(options.answerTo ? undefined : { app: 'audio', farEnd: farEndMid ?? '0' });
  const offerSdp = front.forApp(
    options.answerTo
      ? localSdp
      : whatsappStyleOffer(localSdp, options.offerDtmf ?? true, options.codecs, options.offerVideo),
  );

  let watchdog: ReturnType<typeof setInterval> | undefined;
  async function inboundPackets(): Promise<number> {
    // Pollers may fire once more after the call closed; a closed connection has nothing more to count.
    if (closed) return 0;
    let report: Awaited<ReturnType<typeof pc.getStats>>;
    try {
      report = await pc.getStats();
    } catch {
      return 0;
    }
    let packets = 0;
    report.forEach((s: { type: string; kind?: string; packetsReceived?: number }) => {
      if (s.type === 'inbound-rtp') packets = s.packetsReceived ?? 0;
    });
    return packets;
  }

  function close(): void {
    if (closed) return;
    closed = true;
    clearInterval(pump);
    clearInterval(watchdog);
    front.close();
    sink?.stop();
    track.stop();
    pc.close();
  }

  return {
    offerSdp,
    received,
    /** Applies the business's answer, as Meta does on pre_accept, and starts the no-media clock. */
    async applyAnswer(answerSdp: string): Promise<void> {
      await pc.setRemoteDescription({ type: 'answer', sdp: front.forFarEnd(withoutDeclinedSections(answerSdp)) });
      const firstPacketPoll = setInterval(() => {
        void inboundPackets().then((packets) => {
          if (packets > 0 && received.firstPacketAtMs === undefined) received.firstPacketAtMs = Date.now();
          if (received.firstPacketAtMs !== undefined || closed) clearInterval(firstPacketPoll);
        });
      }, 5);
      const timeoutMs = options.noMediaTimeoutMs ?? 20_000;
      let lastPackets = 0;
      let lastChangeAt = Date.now();
      watchdog = setInterval(() => {
        void inboundPackets().then((packets) => {
          if (packets !== lastPackets) {
            lastPackets = packets;
            lastChangeAt = Date.now();
          } else if (Date.now() - lastChangeAt >= timeoutMs && !closed) {
            clearInterval(watchdog);
            options.onNoMedia?.();
          }
        });
      }, 250);
    },
    inboundPackets,
    /** What the caller's decoder made of the audio so far: packets, loss, jitter and the audio it had to invent. */
    async audioStats(): Promise<CallerAudioStats> {
      const out: CallerAudioStats = {
        packetsReceived: 0,
        packetsLost: 0,
        jitterMs: 0,
        totalSamples: 0,
        concealedSamples: 0,
        rttMs: 0,
      };
      if (closed) return out;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') {
          out.packetsReceived = Number(s.packetsReceived ?? 0);
          out.packetsLost = Number(s.packetsLost ?? 0);
          out.jitterMs = Number(s.jitter ?? 0) * 1000;
          out.totalSamples = Number(s.totalSamplesReceived ?? 0);
          out.concealedSamples = Number(s.concealedSamples ?? 0);
        } else if (s.type === 'candidate-pair' && s.nominated && typeof s.currentRoundTripTime === 'number') {
          out.rttMs = s.currentRoundTripTime * 1000;
        }
      });
      return out;
    },
    /** Changes packet loss and delay mid-call. */
    impair(next: Impairment): void {
      front.impair(next);
    },
    /** The caller's network disappears: no packet either way, and no goodbye. */
    vanish(): void {
      front.cut();
      clearInterval(watchdog);
    },
    /** What WhatsApp's ICE-lite edge saw of the app's checks. */
    ice: front.stats,
    get connectionState(): string {
      return pc.connectionState;
    },
    close,
  };
}

export type FarEnd = Awaited<ReturnType<typeof createFarEnd>>;
