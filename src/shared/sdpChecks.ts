import { parse, write, type MediaAttributes, type SessionDescription } from 'sdp-transform';

export interface SdpSummary {
  fingerprints: string[];
  setup?: string;
  iceLite: boolean;
  opusPayloadType?: number;
  telephoneEvent8k?: number;
  ssrcs: string[];
  audioSections: number;
  ptime?: number;
}

type Media = SessionDescription['media'][number];

/** The SDP as sdp-transform reads it, session level and media sections alike. */
export function parseSdp(sdp: string): SessionDescription {
  return parse(sdp);
}

function payloadOf(media: Media, codec: string, rate: number): number | undefined {
  return media.rtp.find((r) => r.codec.toLowerCase() === codec && r.rate === rate)?.payload;
}

export function summarizeSdp(sdp: string): SdpSummary {
  const session = parseSdp(sdp);
  const levels: Array<Partial<MediaAttributes>> = [session, ...session.media];
  const audio = session.media.filter((m) => m.type === 'audio');
  const ssrcs = new Set(audio.flatMap((m) => (m.ssrcs ?? []).map((s) => String(s.id))));
  const last = <T>(values: Array<T | undefined>): T | undefined => values.filter((v) => v !== undefined).at(-1);
  return {
    // sdp-transform keeps only the last fingerprint of a section; Meta refuses repeats (138008), so count the lines.
    fingerprints: sdp
      .split(/\r?\n/)
      .filter((line) => line.startsWith('a=fingerprint:'))
      .map((line) => line.slice('a=fingerprint:'.length)),
    setup: last(levels.map((l) => l.setup)),
    iceLite: session.icelite === 'ice-lite',
    opusPayloadType: last(audio.map((m) => payloadOf(m, 'opus', 48000))),
    telephoneEvent8k: last(audio.map((m) => payloadOf(m, 'telephone-event', 8000))),
    ssrcs: [...ssrcs],
    audioSections: audio.length,
    ptime: last(audio.map((m) => m.ptime)),
  };
}

/** What WhatsApp would refuse in an SDP answer to its offer; empty when the answer is acceptable. */
export function answerProblems(sdp: string): string[] {
  const s = summarizeSdp(sdp);
  const problems: string[] = [];
  if (!sdp.startsWith('v=0')) problems.push('SDP must start with v=0');
  if (s.audioSections !== 1) problems.push(`expected exactly one audio section, found ${s.audioSections}`);
  if (s.fingerprints.length !== 1) problems.push(`expected exactly one fingerprint, found ${s.fingerprints.length}`);
  else if (!s.fingerprints[0]?.toLowerCase().startsWith('sha-256 ')) problems.push('the fingerprint must be SHA-256');
  if (s.opusPayloadType === undefined) problems.push('Opus at 48 kHz is missing');
  if (s.ssrcs.length > 1) problems.push(`audio must use a single SSRC, found ${s.ssrcs.length}`);
  if (s.iceLite) problems.push('the answer must not be ICE-lite: WhatsApp is the ICE-lite side');
  if (s.setup !== undefined && s.setup !== 'active' && s.setup !== 'passive') {
    problems.push(`a=setup:${s.setup} is not valid in an answer`);
  }
  return problems;
}

/** An ICE candidate in the shape RTCPeerConnection.addIceCandidate takes. */
export interface HeldCandidate {
  candidate: string;
  sdpMLineIndex: number;
  sdpMid?: string;
}

/**
 * Splits the caller's candidates off the offer. They are handed to ICE only once WhatsApp holds our answer
 * (pre_accept succeeded): before that, connectivity checks would reach the caller before the agent answered,
 * and in a team every ringing desk would be checking against the same caller.
 */
export function holdBackCandidates(offerSdp: string): { offer: string; candidates: HeldCandidate[] } {
  const session = parseSdp(offerSdp);
  const candidates: HeldCandidate[] = [];
  session.media.forEach((media, index) => {
    if (!media.candidates?.length) return;
    // sdp-transform's writer turns each parsed candidate back into its exact line.
    const lines = write({ media: [{ candidates: media.candidates }] } as unknown as SessionDescription)
      .split('\r\n')
      .filter((line) => line.startsWith('a=candidate:'));
    for (const line of lines) candidates.push({ candidate: line.slice(2), sdpMLineIndex: index, sdpMid: media.mid });
    delete media.candidates;
  });
  return { offer: write(session), candidates };
}
