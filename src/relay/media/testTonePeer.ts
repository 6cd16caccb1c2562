import wrtc from '@roamhq/wrtc';
import { toneLevel } from '../../../sim/toneLevel';

const { RTCPeerConnection, nonstandard } = wrtc;
const RATE = 48_000;
const FRAME = 480;

/** Formants of an open vowel (Hz, width): a voice's spectral envelope. */
const FORMANTS = [
  [700, 130],
  [1200, 150],
  [2600, 250],
] as const;

/**
 * One frame of a talker: a 120 Hz voice with vibrato, its harmonics shaped by vowel formants, in syllables of 180 ms
 * with short gaps and a pause every eight. Opus codes a steady tone as music (CELT, which has no in-band FEC); this
 * it codes as speech (SILK), where FEC lives. `phase` carries the voice's phase from frame to frame.
 */
function speechFrame(first: number, state: { phase: number }): Int16Array {
  const samples = new Int16Array(FRAME);
  for (let i = 0; i < FRAME; i += 1) {
    const t = (first + i) / RATE;
    const f0 = 120 + 6 * Math.sin(2 * Math.PI * 5 * t);
    state.phase += (2 * Math.PI * f0) / RATE;
    const cycle = t % 2.4;
    const inSyllable = cycle < 2.0 && cycle % 0.25 < 0.18;
    if (!inSyllable) continue;
    let value = 0;
    for (let k = 1; k * f0 < 4000; k += 1) {
      const hz = k * f0;
      const weight = FORMANTS.reduce((sum, [f, width]) => sum + Math.exp(-(((hz - f) / width) ** 2)), 0);
      value += weight * Math.sin(k * state.phase);
    }
    samples[i] = Math.round(Math.max(-1, Math.min(1, value * 0.25)) * 32767);
  }
  return samples;
}

/**
 * An agent's desk reduced to a full-ICE libwebrtc peer for tests: it speaks a steady tone (or, with `speech`, like a
 * talker) and keeps the last 100 ms it heard, so a test can ask how loud any one voice is in what reaches it.
 */
export function createTonePeer(
  toneHz: number,
  options: {
    speech?: boolean;
    /** TURN servers, and `relay` to gather relay candidates only (a supervisor whose office lets no UDP out). */
    iceServers?: Array<{ urls: string | string[]; username?: string; credential?: string }>;
    iceTransportPolicy?: 'all' | 'relay';
  } = {},
) {
  const voice = { phase: 0 };
  const pc = new RTCPeerConnection({
    iceServers: options.iceServers ?? [],
    iceTransportPolicy: options.iceTransportPolicy ?? 'all',
  });
  const source = new nonstandard.RTCAudioSource();
  const track = source.createTrack();
  pc.addTrack(track);
  const latest = new Int16Array(RATE / 10);
  let sink: InstanceType<typeof nonstandard.RTCAudioSink> | undefined;
  let lastHeardAtMs = 0;
  pc.ontrack = (event: { track: unknown }) => {
    sink = new nonstandard.RTCAudioSink(event.track as never);
    sink.ondata = (data: { samples: Int16Array }) => {
      lastHeardAtMs = Date.now();
      if (data.samples.length > latest.length) return;
      latest.copyWithin(0, data.samples.length);
      latest.set(data.samples, latest.length - data.samples.length);
    };
  };
  const started = Date.now();
  let sent = 0;
  const pump = setInterval(() => {
    const due = Math.floor(((Date.now() - started) * RATE) / 1000 / FRAME);
    for (; sent < due; sent += 1) {
      const samples = options.speech ? speechFrame(sent * FRAME, voice) : new Int16Array(FRAME);
      if (!options.speech)
        for (let i = 0; i < FRAME; i += 1)
          samples[i] = Math.round(Math.sin((2 * Math.PI * toneHz * (sent * FRAME + i)) / RATE) * 0.4 * 32767);
      source.onData({ samples, sampleRate: RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME });
    }
  }, 10);
  const gathered = () =>
    new Promise<string>((resolve) => {
      // A peer closed meanwhile (its test is over) has no description left: nothing to give.
      const done = () => resolve(pc.localDescription?.sdp ?? '');
      if (pc.iceGatheringState === 'complete') return done();
      const timer = setTimeout(done, 3000);
      pc.onicegatheringstatechange = () => pc.iceGatheringState === 'complete' && (clearTimeout(timer), done());
    });
  return {
    /** Amplitude (0..1) of one tone in the last 100 ms heard. */
    heard: (hz: number) => toneLevel(latest, RATE, hz, 32768),
    /** RTP packets it has received so far (its inbound-rtp stats). */
    async packetsReceived(): Promise<number> {
      let count = 0;
      (await pc.getStats()).forEach((stat: { type?: string; packetsReceived?: number }) => {
        if (stat.type === 'inbound-rtp') count += stat.packetsReceived ?? 0;
      });
      return count;
    },
    /** Whether its media is up (ICE and DTLS done) with the media server. */
    connected: () => pc.connectionState === 'connected',
    /** When audio last arrived (0: never): a leg the media server let go of hears nothing more. */
    lastHeardAtMs: () => lastHeardAtMs,
    async offer(): Promise<string> {
      await pc.setLocalDescription(await pc.createOffer());
      return gathered();
    },
    async applyAnswer(sdp: string): Promise<void> {
      await pc.setRemoteDescription({ type: 'answer', sdp });
    },
    /** Answers an offer (the media server's, for this desk's leg), as the desk does. */
    async answer(offer: string): Promise<string> {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      await pc.setLocalDescription(await pc.createAnswer());
      return gathered();
    },
    close(): void {
      if (pc.signalingState === 'closed') return;
      clearInterval(pump);
      sink?.stop();
      track.stop();
      pc.close();
    },
  };
}
