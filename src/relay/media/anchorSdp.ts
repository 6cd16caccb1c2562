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

/** A codec AudioBridge can give one participant (its `codec` on join): the room mixes them all at its own rate. */
export type LegCodec = 'opus' | 'pcmu' | 'pcma';

const CLOCK: Record<LegCodec, number> = { opus: 48000, pcmu: 8000, pcma: 8000 };
const NAME: Record<LegCodec, string> = { opus: 'Opus', pcmu: 'PCMU', pcma: 'PCMA' };

/** The payload type a section carries a codec at, at that codec's own clock rate. */
function voicePayload(media: Media, codec: LegCodec): number | undefined {
  return media.rtp.find((r) => r.codec.toLowerCase() === codec && r.rate === CLOCK[codec])?.payload;
}

/**
 * The codec the customer's leg speaks: Opus wherever WhatsApp offers it (Meta wants Opus kept in the answer when it
 * is offered), else the first G.711 law in the offer's own order (a number whose audio.additional_codecs are on may
 * offer PCMU or PCMA alone). Undefined when the offer has no codec the media server speaks.
 */
export function customerCodec(whatsappOffer: string): LegCodec | undefined {
  const audio = parse(whatsappOffer).media.find((m) => m.type === 'audio');
  if (!audio) return undefined;
  if (voicePayload(audio, 'opus') !== undefined) return 'opus';
  const order = String(audio.payloads ?? '')
    .split(' ')
    .map(Number);
  const g711 = (['pcmu', 'pcma'] as const)
    .map((codec) => ({ codec, payload: voicePayload(audio, codec) }))
    .filter((c): c is { codec: 'pcmu' | 'pcma'; payload: number } => c.payload !== undefined)
    .sort((a, b) => order.indexOf(a.payload) - order.indexOf(b.payload));
  return g711[0]?.codec;
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

/**
 * The payload type AudioBridge sends and takes a G.711 law at: always the static one (RFC 3551), whatever its own
 * offer says (Janus 1.1.2 labels G.711 111 in the offers it generates, yet stamps and accepts only 0 or 8).
 */
const STATIC_G711: Record<'pcmu' | 'pcma', number> = { pcmu: 0, pcma: 8 };

/** Why this pair cannot be anchored, or undefined when it can. */
export function anchorMismatch(whatsappOffer: string, janusOffer: string): string | undefined {
  const codec = customerCodec(whatsappOffer);
  if (codec === undefined) return "WhatsApp's offer has no Opus, PCMU or PCMA";
  const wa = voicePayload(audioOf(parse(whatsappOffer), "WhatsApp's offer"), codec);
  const label = voicePayload(audioOf(parse(janusOffer), "Janus's offer"), codec);
  if (label === undefined) return `Janus's offer has no ${NAME[codec]}`;
  // One RTP stream each way with one payload type: WhatsApp expects its own, Janus decodes its own.
  const jn = codec === 'opus' ? label : STATIC_G711[codec];
  if (wa !== jn) return `${NAME[codec]} payload types differ (WhatsApp ${wa}, Janus ${jn})`;
  return undefined;
}

/** Both offers parsed, once they are known to fit together. */
function pairOf(whatsappOffer: string, janusOffer: string) {
  const problem = anchorMismatch(whatsappOffer, janusOffer);
  if (problem) throw new Error(problem);
  const wa = parse(whatsappOffer);
  const jn = parse(janusOffer);
  const waAudio = audioOf(wa, "WhatsApp's offer");
  const jnAudio = audioOf(jn, "Janus's offer");
  const codec = customerCodec(whatsappOffer)!;
  return {
    wa,
    jn,
    waAudio,
    jnAudio,
    codec,
    /** The payload type on the wire, both ways (WhatsApp's, which Janus uses too). */
    payload: voicePayload(waAudio, codec)!,
    /** The payload type Janus's offer names the codec at, which its answer must keep. */
    janusLabel: voicePayload(jnAudio, codec)!,
  };
}

/**
 * WhatsApp's offer, relabelled as the answer to Janus's offer (WhatsApp is the DTLS server toward Janus), with only the
 * leg's codec.
 */
export function whatsappOfferAsJanusAnswer(whatsappOffer: string, janusOffer: string): string {
  const { wa, waAudio, jnAudio, payload, janusLabel } = pairOf(whatsappOffer, janusOffer);
  const fingerprint = waAudio.fingerprint ?? wa.fingerprint;
  const media: Media = {
    type: 'audio',
    port: waAudio.port,
    protocol: waAudio.protocol,
    payloads: String(janusLabel),
    connection: waAudio.connection ?? wa.connection,
    rtp: waAudio.rtp.filter((r) => r.payload === payload).map((r) => ({ ...r, payload: janusLabel })),
    fmtp: (waAudio.fmtp ?? []).filter((f) => f.payload === payload).map((f) => ({ ...f, payload: janusLabel })),
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
 * types (the leg's one codec: Opus, or the G.711 law of a G.711-only offer), one sha-256 fingerprint, Janus's
 * candidates, no extmap or ice-options. telephone-event is answered as offered (Meta refuses an answer that drops
 * it), though AudioBridge does not mix keypad tones.
 */
export function janusOfferAsWhatsappAnswer(janusOffer: string, whatsappOffer: string): string {
  const { wa, jn, waAudio, jnAudio, codec, payload } = pairOf(whatsappOffer, janusOffer);
  const dtmf = payloadOf(waAudio, 'telephone-event');
  const fingerprint = jnAudio.fingerprint ?? jn.fingerprint;
  if (!fingerprint || fingerprint.type.toLowerCase() !== 'sha-256')
    throw new Error("Janus's offer has no sha-256 fingerprint");
  const rtp: MediaAttributes['rtp'] =
    codec === 'opus'
      ? [{ payload, codec: 'opus', rate: 48000, encoding: 2 }]
      : [{ payload, codec: NAME[codec], rate: 8000 }];
  const fmtp: MediaAttributes['fmtp'] = codec === 'opus' ? [{ payload, config: CLEAN_OPUS_FMTP }] : [];
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
