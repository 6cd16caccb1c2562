import { parse, write, type MediaAttributes, type SessionDescription } from 'sdp-transform';

/**
 * SDP for a WhatsApp call anchored on Janus's AudioBridge, with offer and answer inverted toward Janus
 * (../shared/reference/janus-facts.md): Janus answering WhatsApp's offer stays ICE-controlled and nobody nominates
 * against WhatsApp's ICE-lite edge, so Janus is asked to offer (`generate_offer`), WhatsApp's offer is handed to Janus
 * as the answer, and Janus's offer goes to WhatsApp as the business's answer.
 */

/** Opus settings for the answer to WhatsApp: Janus 1.1.2 writes a broken fmtp line in its own offers. */
const CLEAN_OPUS_FMTP = 'minptime=10;useinbandfec=1';

type Media = SessionDescription['media'][number];

function audioOf(sdp: SessionDescription, what: string): Media {
  const audio = sdp.media.find((m) => m.type === 'audio');
  if (!audio) throw new Error(`${what} has no audio section`);
  return audio;
}

function payloadOf(media: Media, codec: string): number | undefined {
  return media.rtp.find((r) => r.codec.toLowerCase() === codec)?.payload;
}

/** One side's ICE credentials and candidates, carried over unchanged, with rtcp-mux and both directions. */
function transportOf(
  sdp: SessionDescription,
  audio: Media,
): Pick<Media, 'direction' | 'rtcpMux' | 'iceUfrag' | 'icePwd' | 'candidates' | 'endOfCandidates'> {
  return {
    direction: 'sendrecv',
    rtcpMux: 'rtcp-mux',
    iceUfrag: audio.iceUfrag ?? sdp.iceUfrag,
    icePwd: audio.icePwd ?? sdp.icePwd,
    candidates: audio.candidates,
    endOfCandidates: 'end-of-candidates',
  };
}

/**
 * A desk's SDP for Janus, less its end-of-candidates: a browser's own candidates may be mDNS names or loopback that
 * Janus cannot use, and with "no more candidates" said Janus gives the leg up at once instead of learning the path
 * from the desk's own checks.
 */
export function deskSdpForJanus(sdp: string): string {
  return sdp.replace(/^a=end-of-candidates\r?\n/gm, '');
}

/** Why this pair cannot be anchored, or undefined when it can. */
export function anchorMismatch(whatsappOffer: string, janusOffer: string): string | undefined {
  const wa = audioOf(parse(whatsappOffer), "WhatsApp's offer");
  const jn = audioOf(parse(janusOffer), "Janus's offer");
  const waOpus = payloadOf(wa, 'opus');
  const jnOpus = payloadOf(jn, 'opus');
  if (waOpus === undefined) return "WhatsApp's offer has no Opus";
  if (jnOpus === undefined) return "Janus's offer has no Opus";
  // One RTP stream each way with one payload type: WhatsApp expects its own, Janus decodes its own.
  if (waOpus !== jnOpus) return `Opus payload types differ (WhatsApp ${waOpus}, Janus ${jnOpus})`;
  return undefined;
}

/** Both offers parsed, once they are known to fit together. */
function pairOf(whatsappOffer: string, janusOffer: string) {
  const problem = anchorMismatch(whatsappOffer, janusOffer);
  if (problem) throw new Error(problem);
  const wa = parse(whatsappOffer);
  const jn = parse(janusOffer);
  return { wa, jn, waAudio: audioOf(wa, "WhatsApp's offer"), jnAudio: audioOf(jn, "Janus's offer") };
}

/** WhatsApp's offer, relabelled as the answer to Janus's offer (WhatsApp is the DTLS server toward Janus). */
export function whatsappOfferAsJanusAnswer(whatsappOffer: string, janusOffer: string): string {
  const { wa, waAudio, jnAudio } = pairOf(whatsappOffer, janusOffer);
  const opus = payloadOf(waAudio, 'opus')!;
  const fingerprint = waAudio.fingerprint ?? wa.fingerprint;
  const media: Media = {
    type: 'audio',
    port: waAudio.port,
    protocol: waAudio.protocol,
    payloads: String(opus),
    connection: waAudio.connection ?? wa.connection,
    rtp: waAudio.rtp.filter((r) => r.payload === opus),
    fmtp: (waAudio.fmtp ?? []).filter((f) => f.payload === opus),
    mid: jnAudio.mid,
    setup: 'passive',
    ...transportOf(wa, waAudio),
    fingerprint,
    ssrcs: waAudio.ssrcs,
  };
  const answer: SessionDescription = {
    version: 0,
    origin: wa.origin,
    name: wa.name ?? '-',
    timing: wa.timing ?? { start: 0, stop: 0 },
    icelite: wa.icelite,
    groups: jnAudio.mid !== undefined ? [{ type: 'BUNDLE', mids: String(jnAudio.mid) }] : undefined,
    media: [media],
  };
  return write(answer);
}

/**
 * Janus's offer, rewritten as the business's answer to WhatsApp: `a=setup:active`, WhatsApp's mid and payload
 * types, one sha-256 fingerprint, Janus's candidates, no extmap or ice-options. telephone-event is answered as
 * offered (Meta refuses an answer that drops it), though AudioBridge does not mix keypad tones.
 */
export function janusOfferAsWhatsappAnswer(janusOffer: string, whatsappOffer: string): string {
  const { wa, jn, waAudio, jnAudio } = pairOf(whatsappOffer, janusOffer);
  const opus = payloadOf(waAudio, 'opus')!;
  const dtmf = payloadOf(waAudio, 'telephone-event');
  const fingerprint = jnAudio.fingerprint ?? jn.fingerprint;
  if (!fingerprint || fingerprint.type.toLowerCase() !== 'sha-256')
    throw new Error("Janus's offer has no sha-256 fingerprint");
  const rtp: MediaAttributes['rtp'] = [{ payload: opus, codec: 'opus', rate: 48000, encoding: 2 }];
  const fmtp: MediaAttributes['fmtp'] = [{ payload: opus, config: CLEAN_OPUS_FMTP }];
  if (dtmf !== undefined) {
    rtp.push({ payload: dtmf, codec: 'telephone-event', rate: 8000 });
    fmtp.push({ payload: dtmf, config: '0-15' });
  }
  const ssrc = jnAudio.ssrcs?.[0]?.id;
  const media: Media = {
    type: 'audio',
    port: jnAudio.port === 0 ? 9 : jnAudio.port,
    protocol: 'UDP/TLS/RTP/SAVPF',
    payloads: rtp.map((r) => r.payload).join(' '),
    connection: jnAudio.connection ?? jn.connection ?? { version: 4, ip: '0.0.0.0' },
    rtp,
    fmtp,
    mid: waAudio.mid,
    setup: 'active',
    ...transportOf(jn, jnAudio),
    fingerprint,
    ssrcs: ssrc === undefined ? undefined : jnAudio.ssrcs!.filter((s) => s.id === ssrc && s.attribute === 'cname'),
  };
  const answer: SessionDescription = {
    version: 0,
    origin: jn.origin,
    name: '-',
    timing: { start: 0, stop: 0 },
    groups: waAudio.mid !== undefined ? [{ type: 'BUNDLE', mids: String(waAudio.mid) }] : undefined,
    msidSemantic: undefined,
    // Every other line WhatsApp offers (video, once it comes) is declined as RFC 3264 does: port 0, in its place.
    media: wa.media.map((offered) => (offered === waAudio ? media : declined(offered))),
  };
  return write(answer);
}

/** An offered section we do not take: its m-line with port 0 and its mid, nothing of a transport. */
function declined(offered: Media): Media {
  return {
    type: offered.type,
    port: 0,
    protocol: offered.protocol,
    payloads: offered.payloads,
    connection: { version: 4, ip: '0.0.0.0' },
    rtp: offered.rtp,
    fmtp: [],
    mid: offered.mid,
    direction: 'inactive',
  };
}
