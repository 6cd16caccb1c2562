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

const SHA256_DIGEST = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/i;

function mediaProblems(answer: Media, offer: Media | undefined, index: number): string[] {
  const problems: string[] = [];
  const at = `m-line ${index + 1}`;
  if (answer.port === 0) problems.push(`${at}: port 0 rejects the media section`);
  if (!answer.iceUfrag) problems.push(`${at}: a=ice-ufrag is missing`);
  if (!answer.icePwd) problems.push(`${at}: a=ice-pwd is missing`);
  if (!offer) return problems;
  if (answer.type !== offer.type) problems.push(`${at}: ${answer.type} answers the offer's ${offer.type}`);
  if (answer.mid !== offer.mid)
    problems.push(`${at}: a=mid:${answer.mid ?? '(none)'} does not match the offer's ${offer.mid ?? '(none)'}`);
  const offeredOpus = payloadOf(offer, 'opus', 48000);
  const opus = answer.rtp.find((r) => r.payload === offeredOpus);
  if (
    offeredOpus !== undefined &&
    (opus?.codec.toLowerCase() !== 'opus' || opus.rate !== 48000 || opus.encoding !== 2)
  ) {
    problems.push(`${at}: Opus must be answered at the offer's payload type ${offeredOpus} as opus/48000/2`);
  }
  const offeredDtmf = payloadOf(offer, 'telephone-event', 8000);
  if (offeredDtmf !== undefined && payloadOf(answer, 'telephone-event', 8000) !== offeredDtmf) {
    problems.push(`${at}: telephone-event/8000 was offered at ${offeredDtmf} and must be kept`);
  }
  return problems;
}

/**
 * What WhatsApp would refuse in an SDP answer to its offer; empty when the answer is acceptable. With the offer,
 * the answer is also held to it: the same m-lines in the same order with the same mids, Opus at the offer's
 * payload type, telephone-event kept. Candidates are not required: Meta's own sample answer has none, since an
 * ICE-lite peer learns the address from our connectivity checks.
 */
export function answerProblems(sdp: string, offerSdp?: string): string[] {
  const s = summarizeSdp(sdp);
  const problems: string[] = [];
  if (!sdp.startsWith('v=0')) problems.push('SDP must start with v=0');
  if (s.audioSections !== 1) problems.push(`expected exactly one audio section, found ${s.audioSections}`);
  if (s.fingerprints.length !== 1) problems.push(`expected exactly one fingerprint, found ${s.fingerprints.length}`);
  else {
    const [algorithm, digest] = s.fingerprints[0]!.trim().split(/\s+/);
    if (algorithm?.toLowerCase() !== 'sha-256') problems.push('the fingerprint must be SHA-256');
    else if (!SHA256_DIGEST.test(digest ?? '')) problems.push('the SHA-256 fingerprint must be a full 32-byte digest');
  }
  if (s.opusPayloadType === undefined) problems.push('Opus at 48 kHz is missing');
  if (s.ssrcs.length > 1) problems.push(`audio must use a single SSRC, found ${s.ssrcs.length}`);
  if (s.iceLite) problems.push('the answer must not be ICE-lite: WhatsApp is the ICE-lite side');
  if (s.setup !== 'active')
    problems.push(`a=setup must be active (WhatsApp waits for our DTLS handshake), found ${s.setup ?? 'none'}`);
  const answer = parseSdp(sdp);
  const offer = offerSdp === undefined ? undefined : parseSdp(offerSdp);
  if (offer && offer.media.length !== answer.media.length) {
    problems.push(`the answer has ${answer.media.length} m-lines, the offer ${offer.media.length}`);
  }
  answer.media.forEach((media, i) => problems.push(...mediaProblems(media, offer?.media[i], i)));
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
