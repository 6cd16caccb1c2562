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

/** The G.711 codecs WhatsApp may offer beside or instead of Opus (call settings' audio.additional_codecs). */
const G711 = ['pcmu', 'pcma'];

/** The audio codec payload types of a section that WhatsApp can carry: Opus at 48 kHz, PCMU and PCMA at 8 kHz. */
function voicePayloads(media: Media): number[] {
  return media.rtp
    .filter(
      (r) =>
        (r.codec.toLowerCase() === 'opus' && r.rate === 48000) ||
        (G711.includes(r.codec.toLowerCase()) && r.rate === 8000),
    )
    .map((r) => r.payload);
}

function mediaProblems(answer: Media, offer: Media | undefined, index: number): string[] {
  const problems: string[] = [];
  const at = `m-line ${index + 1}`;
  // RFC 3264: a section we do not take (WhatsApp's video, until the phone has a camera) is answered with port 0.
  if (answer.port === 0 && answer.type !== 'audio' && (!offer || offer.type === answer.type)) {
    if (offer && answer.mid !== offer.mid)
      problems.push(`${at}: a=mid:${answer.mid ?? '(none)'} does not match the offer's ${offer.mid ?? '(none)'}`);
    return problems;
  }
  if (answer.port === 0) problems.push(`${at}: port 0 rejects the media section`);
  if (!answer.iceUfrag) problems.push(`${at}: a=ice-ufrag is missing`);
  if (!answer.icePwd) problems.push(`${at}: a=ice-pwd is missing`);
  if (!offer) return problems;
  if (answer.type !== offer.type) problems.push(`${at}: ${answer.type} answers the offer's ${offer.type}`);
  if (answer.mid !== offer.mid)
    problems.push(`${at}: a=mid:${answer.mid ?? '(none)'} does not match the offer's ${offer.mid ?? '(none)'}`);
  if (answer.type === 'audio' && !voicePayloads(answer).some((pt) => voicePayloads(offer).includes(pt)))
    problems.push(`${at}: no audio codec the offer has (Opus, PCMU or PCMA at the offer's payload type)`);
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
  const audio = parseSdp(sdp).media.filter((m) => m.type === 'audio');
  if (audio.every((m) => voicePayloads(m).length === 0))
    problems.push('no audio codec WhatsApp takes (Opus, PCMU, PCMA)');
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

/**
 * Declines every section of our answer but the audio (WhatsApp's video, until the phone has a camera) as RFC 3264
 * does: port 0, out of the BUNDLE group, only its m-line, mid, direction and formats. Chromium answers such a line
 * as inactive on the shared transport and repeats the fingerprint and ICE credentials there; WhatsApp refuses a
 * second fingerprint (138008). Only the text sent to WhatsApp changes: the connection keeps the line inactive.
 */
export function declineNonAudioSections(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/).filter(Boolean);
  const declinedMids = new Set<string>();
  let type = '';
  const kept: string[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) {
      type = line.slice(2, line.indexOf(' '));
      kept.push(type === 'audio' ? line : line.replace(/^(m=\S+) \d+/, '$1 0'));
      continue;
    }
    if (type === '' || type === 'audio') kept.push(line);
    else if (/^(c=|a=mid:|a=inactive|a=rtpmap:)/.test(line)) {
      kept.push(line);
      if (line.startsWith('a=mid:')) declinedMids.add(line.slice('a=mid:'.length));
    }
  }
  return (
    kept
      .map((line) =>
        line.startsWith('a=group:BUNDLE ')
          ? line
              .split(' ')
              .filter((token, i) => i === 0 || !declinedMids.has(token))
              .join(' ')
          : line,
      )
      .join(eol) + eol
  );
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
