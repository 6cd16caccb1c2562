/**
 * How the simulated Meta judges a business's SDP answer in pre_accept/accept. Written apart from the app's own
 * check (src/shared/sdpChecks.ts), line by line on the raw text, so a mistake in one cannot pass both. Rules from
 * Meta's Calling reference and troubleshooting pages: one SHA-256 fingerprint (138008 otherwise), a=setup:active,
 * ICE credentials, not ICE-lite, Opus at the offered payload type, telephone-event kept, m-lines and mids as offered.
 * Since March 2026 a number may offer PCMA/PCMU beside or instead of Opus ("Configure Call Settings",
 * audio.additional_codecs): an answer in one of the offered audio codecs is taken. A section other than audio
 * (video, announced as planned) may be declined with port 0 (RFC 3264); such a section needs no ICE attributes.
 */
interface Section {
  kind: string;
  port: number;
  lines: string[];
}

function split(sdp: string): { session: string[]; sections: Section[] } {
  const all = sdp
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line !== '');
  const session: string[] = [];
  const sections: Section[] = [];
  for (const line of all) {
    const m = line.match(/^m=(\S+) (\d+)/);
    if (m) sections.push({ kind: m[1]!, port: Number(m[2]), lines: [] });
    else if (sections.length > 0) sections[sections.length - 1]!.lines.push(line);
    else session.push(line);
  }
  return { session, sections };
}

function valueOf(lines: string[], attribute: string): string | undefined {
  const prefix = `a=${attribute}:`;
  return lines
    .find((l) => l.startsWith(prefix))
    ?.slice(prefix.length)
    .trim();
}

/** rtpmap payload type -> "name/rate[/channels]" in lower case. */
function codecs(lines: string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const l of lines) {
    const m = l.match(/^a=rtpmap:(\d+) (.+)$/);
    if (m) out.set(Number(m[1]), m[2]!.trim().toLowerCase());
  }
  return out;
}

function payloadFor(map: Map<number, string>, name: string): number | undefined {
  for (const [pt, codec] of map) if (codec.startsWith(`${name}/`)) return pt;
  return undefined;
}

export function answerRuleViolations(answer: string, offer?: string): string[] {
  const found: string[] = [];
  if (!answer.startsWith('v=0')) found.push('not an SDP (no v=0 first line)');
  const a = split(answer);
  const everything = [...a.session, ...a.sections.flatMap((s) => s.lines)];
  const fingerprints = everything.filter((l) => l.startsWith('a=fingerprint:'));
  if (fingerprints.length !== 1) found.push(`${fingerprints.length} fingerprints; exactly one is accepted`);
  for (const f of fingerprints) {
    const [, algo, hash] = f.match(/^a=fingerprint:(\S+) (\S+)$/) ?? [];
    if (algo?.toLowerCase() !== 'sha-256') found.push(`fingerprint algorithm ${algo ?? '?'} is not sha-256`);
    else if (
      (hash ?? '').split(':').filter((byte) => /^[0-9a-fA-F]{2}$/.test(byte)).length !== 32 ||
      hash!.split(':').length !== 32
    )
      found.push('fingerprint is not 32 bytes');
  }
  if (everything.includes('a=ice-lite')) found.push('the business side may not be ice-lite');
  const setups = everything.filter((l) => l.startsWith('a=setup:'));
  if (setups.length === 0 || setups.some((l) => l !== 'a=setup:active')) found.push('setup must be active');
  const audio = a.sections.filter((s) => s.kind === 'audio');
  if (audio.length !== 1) found.push(`${audio.length} audio sections; exactly one is accepted`);
  const ssrcs = new Set(everything.filter((l) => l.startsWith('a=ssrc:')).map((l) => l.split(' ')[0]));
  if (ssrcs.size > 1) found.push('more than one SSRC');
  for (const [i, section] of a.sections.entries()) {
    if (section.port === 0 && section.kind !== 'audio') continue;
    if (section.port === 0) found.push(`section ${i} has port 0`);
    if (!valueOf([...a.session, ...section.lines], 'ice-ufrag')) found.push(`section ${i} has no ice-ufrag`);
    if (!valueOf([...a.session, ...section.lines], 'ice-pwd')) found.push(`section ${i} has no ice-pwd`);
  }
  const answerCodecs = codecs(audio[0]?.lines ?? []);
  const voice = (map: Map<number, string>) =>
    [...map].filter(([, c]) => c === 'opus/48000/2' || c === 'pcmu/8000' || c === 'pcma/8000').map(([pt]) => pt);
  if (voice(answerCodecs).length === 0) found.push('no opus, pcmu or pcma');
  if (offer === undefined) return found;

  const o = split(offer);
  if (o.sections.length !== a.sections.length) found.push('m-line count differs from the offer');
  for (const [i, offered] of o.sections.entries()) {
    const answered = a.sections[i];
    if (!answered) continue;
    if (answered.kind !== offered.kind) found.push(`section ${i} kind differs from the offer`);
    if (valueOf(answered.lines, 'mid') !== valueOf(offered.lines, 'mid'))
      found.push(`section ${i} mid differs from the offer`);
  }
  const offerCodecs = codecs(o.sections.find((s) => s.kind === 'audio')?.lines ?? []);
  const offeredVoice = voice(offerCodecs);
  if (!voice(answerCodecs).some((pt) => offeredVoice.includes(pt) && answerCodecs.get(pt) === offerCodecs.get(pt)))
    found.push('no audio codec of the offer answered at its payload type');
  const opusPt = payloadFor(offerCodecs, 'opus');
  if (opusPt !== undefined && answerCodecs.get(opusPt) !== 'opus/48000/2')
    found.push(`opus not answered as ${opusPt} opus/48000/2`);
  const dtmfPt = payloadFor(offerCodecs, 'telephone-event');
  if (dtmfPt !== undefined && answerCodecs.get(dtmfPt) !== 'telephone-event/8000')
    found.push('telephone-event dropped');
  return found;
}
