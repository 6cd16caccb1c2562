/** Lines of an SDP blob, whatever its line ends. */
export function sdpLines(sdp: string): string[] {
  return sdp.split(/\r?\n/).filter((line) => line.length > 0);
}

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

export function summarizeSdp(sdp: string): SdpSummary {
  const lines = sdpLines(sdp);
  const summary: SdpSummary = { fingerprints: [], iceLite: false, ssrcs: [], audioSections: 0 };
  const ssrcs = new Set<string>();
  for (const line of lines) {
    if (line.startsWith('a=fingerprint:')) summary.fingerprints.push(line.slice('a=fingerprint:'.length));
    else if (line.startsWith('a=setup:')) summary.setup = line.slice('a=setup:'.length);
    else if (line === 'a=ice-lite') summary.iceLite = true;
    else if (line.startsWith('m=audio')) summary.audioSections += 1;
    else if (line.startsWith('a=ptime:')) summary.ptime = Number(line.slice('a=ptime:'.length));
    else if (line.startsWith('a=ssrc:')) ssrcs.add(line.slice('a=ssrc:'.length).split(' ')[0] ?? '');
    const rtpmap = /^a=rtpmap:(\d+) ([^/]+)\/(\d+)/.exec(line);
    if (rtpmap) {
      const [, pt, codec, rate] = rtpmap;
      if (codec?.toLowerCase() === 'opus' && rate === '48000') summary.opusPayloadType = Number(pt);
      if (codec?.toLowerCase() === 'telephone-event' && rate === '8000') summary.telephoneEvent8k = Number(pt);
    }
  }
  summary.ssrcs = [...ssrcs];
  return summary;
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
  const lines = offerSdp.split(/\r?\n/).filter((l) => l.length > 0);
  const candidates: HeldCandidate[] = [];
  let mid: string | undefined;
  let mLineIndex = -1;
  const pending: Array<{ line: string; index: number }> = [];
  const kept: string[] = [];
  for (const line of lines) {
    if (line.startsWith('m=')) mLineIndex += 1;
    if (line.startsWith('a=mid:')) mid = line.slice('a=mid:'.length);
    if (line.startsWith('a=candidate:')) pending.push({ line: line.slice(2), index: mLineIndex });
    else kept.push(line);
  }
  for (const { line, index } of pending) candidates.push({ candidate: line, sdpMLineIndex: Math.max(0, index), sdpMid: mid });
  return { offer: `${kept.join('\r\n')}\r\n`, candidates };
}
