import { describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../fixtures/load';
import { answerProblems, declineNonAudioSections } from '../src/shared/sdpChecks';
import { answerRuleViolations } from './answerRules';

/**
 * Offers Meta may send once the operator adds PCMA/PCMU ("Configure Call Settings", audio.additional_codecs, March
 * 2026: Opus stays, so G.711 comes beside it or, from some callers, instead) and once video calling comes (listed as
 * planned in the Calling overview): built from Meta's sample offer and answer. Both rule sets must agree.
 */
const OFFER = loadSdpFixture('01-meta-doc-user-initiated-offer.sdp');
const ANSWER = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');

const withCodecs = (sdp: string, payloads: string, rtpmaps: string) =>
  sdp
    .replace(/m=audio (\d+) UDP\/TLS\/RTP\/SAVPF 111 126/, `m=audio $1 UDP/TLS/RTP/SAVPF ${payloads}`)
    .replace(/a=rtpmap:111 opus\/48000\/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 [^\r]+\r\n/, rtpmaps);
const OPUS = 'a=rtpmap:111 opus/48000/2\r\na=rtcp-fb:111 transport-cc\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n';
const PCMU = 'a=rtpmap:0 PCMU/8000\r\n';
const PCMA = 'a=rtpmap:8 PCMA/8000\r\n';
const VIDEO_OFFER =
  'm=video 40012 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 31.13.65.60\r\na=ice-ufrag:6k2qP1R6kBfI/2\r\na=ice-pwd:UApvJw3NcwFRDvIMKdM0vWCdlXah25E9\r\n' +
  'a=setup:actpass\r\na=mid:video\r\na=sendrecv\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n';
const withVideo = (offer: string) =>
  `${offer.replace('a=group:BUNDLE audio', 'a=group:BUNDLE audio video')}${VIDEO_OFFER}`;
const DECLINED_VIDEO =
  'm=video 0 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:video\r\na=inactive\r\na=rtpmap:96 VP8/90000\r\n';

const both = (answer: string, offer: string) => ({
  app: answerProblems(answer, offer),
  simulator: answerRuleViolations(answer, offer),
});

describe('answers to G.711 and video offers: the app’s rules and the simulated Meta’s agree', () => {
  it('take PCMU answered to an offer of PCMU only, and Opus to an offer of G.711 beside Opus', () => {
    const pcmuOnly = withCodecs(OFFER, '0 126', PCMU);
    expect(both(withCodecs(ANSWER, '0 126', PCMU), pcmuOnly)).toEqual({ app: [], simulator: [] });
    const all = withCodecs(OFFER, '111 8 0 126', OPUS + PCMA + PCMU);
    expect(both(ANSWER, all)).toEqual({ app: [], simulator: [] });
    // Where Opus is offered it stays in the answer (WhatsApp's clients speak only Opus; Meta transcodes G.711).
    const withoutOpus = both(withCodecs(ANSWER, '8 126', PCMA), all);
    expect(withoutOpus.app).not.toEqual([]);
    expect(withoutOpus.simulator).not.toEqual([]);
  });

  it('refuse a codec the offer does not have, and a G.711 answer to an Opus-only offer', () => {
    const pcmuOnly = withCodecs(OFFER, '0 126', PCMU);
    const answeredPcma = both(withCodecs(ANSWER, '8 126', PCMA), pcmuOnly);
    expect(answeredPcma.app).not.toEqual([]);
    expect(answeredPcma.simulator).not.toEqual([]);
    const g711ToOpus = both(withCodecs(ANSWER, '0 126', PCMU), OFFER);
    expect(g711ToOpus.app).not.toEqual([]);
    expect(g711ToOpus.simulator).not.toEqual([]);
  });

  it('take an audio answer with the video line declined (port 0), and refuse one that drops or half-answers it', () => {
    const offer = withVideo(OFFER);
    expect(both(`${ANSWER}${DECLINED_VIDEO}`, offer)).toEqual({ app: [], simulator: [] });
    const dropped = both(ANSWER, offer);
    expect(dropped.app).not.toEqual([]);
    expect(dropped.simulator).not.toEqual([]);
    const unansweredIce = both(`${ANSWER}${DECLINED_VIDEO.replace('m=video 0 ', 'm=video 9 ')}`, offer);
    expect(unansweredIce.app).not.toEqual([]);
    expect(unansweredIce.simulator).not.toEqual([]);
    const audioDeclined = both(`${ANSWER.replace('m=audio 9 ', 'm=audio 0 ')}${DECLINED_VIDEO}`, offer);
    expect(audioDeclined.app).not.toEqual([]);
    expect(audioDeclined.simulator).not.toEqual([]);
  });
});

describe('a video line as Chromium answers it', () => {
  it('is declined (port 0, out of BUNDLE, m-line, mid and direction only) before it goes to WhatsApp, and then passes both', () => {
    const fingerprint = /a=fingerprint:[^\r]+\r\n/.exec(ANSWER)![0];
    const inactive =
      'm=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:X1ho\r\n' +
      `a=ice-pwd:7fJSbV2N5qWiA5QiDKwK3vuh\r\n${fingerprint}a=setup:active\r\na=mid:video\r\na=inactive\r\na=rtcp-mux\r\na=rtpmap:96 VP8/90000\r\n`;
    const raw = `${ANSWER.replace('a=group:BUNDLE audio', 'a=group:BUNDLE audio video')}${inactive}`;
    expect(both(raw, withVideo(OFFER)).app.join()).toMatch(/fingerprint/);
    expect(both(raw, withVideo(OFFER)).simulator.join()).toMatch(/fingerprint/);
    const declined = declineNonAudioSections(raw);
    expect(declined).toBe(`${ANSWER}${DECLINED_VIDEO}`);
    expect(both(declined, withVideo(OFFER))).toEqual({ app: [], simulator: [] });
    expect(declineNonAudioSections(ANSWER)).toBe(ANSWER);
  });
});
