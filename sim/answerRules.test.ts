import { describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../fixtures/load';
import { answerProblems } from '../src/shared/sdpChecks';
import { answerRuleViolations } from './answerRules';

const OFFER = loadSdpFixture('01-meta-doc-user-initiated-offer.sdp');
const ANSWER = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');

/** Ways to break Meta's sample answer, each something WhatsApp refuses. */
const BREAKS: Array<[string, (sdp: string) => string]> = [
  ['no v=0 first', (s) => s.replace('v=0\r\n', '')],
  ['setup passive', (s) => s.replace('a=setup:active', 'a=setup:passive')],
  ['setup actpass', (s) => s.replace('a=setup:active', 'a=setup:actpass')],
  ['setup missing', (s) => s.replace('a=setup:active\r\n', '')],
  ['two fingerprints', (s) => s.replace(/(a=fingerprint:[^\r]+\r\n)/, '$1a=fingerprint:sha-384 AA:BB\r\n')],
  ['sha-1 fingerprint', (s) => s.replace(/a=fingerprint:sha-256 /, 'a=fingerprint:sha-1 ')],
  ['short digest', (s) => s.replace(/(a=fingerprint:sha-256 )((?:[0-9A-F]{2}:){4})[^\r]+/, '$12E:35:9F')],
  ['no fingerprint', (s) => s.replace(/a=fingerprint:[^\r]+\r\n/, '')],
  ['no ice-ufrag', (s) => s.replace(/a=ice-ufrag:[^\r]+\r\n/, '')],
  ['no ice-pwd', (s) => s.replace(/a=ice-pwd:[^\r]+\r\n/, '')],
  ['ice-lite', (s) => s.replace('v=0\r\n', 'v=0\r\na=ice-lite\r\n')],
  ['port 0', (s) => s.replace('m=audio 9 ', 'm=audio 0 ')],
  ['another mid', (s) => s.replace('a=mid:audio', 'a=mid:0')],
  ['an extra m-line', (s) => `${s}m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:video\r\na=rtpmap:96 VP8/90000\r\n`],
  [
    'opus at another payload type',
    (s) => s.replace(/ 111 126\r\n/, ' 109 126\r\n').replace(/a=rtpmap:111 /, 'a=rtpmap:109 '),
  ],
  ['opus mono', (s) => s.replace('opus/48000/2', 'opus/48000/1')],
  ['telephone-event dropped', (s) => s.replace(/a=rtpmap:126 telephone-event\/8000\r\n/, '')],
  ['two SSRCs', (s) => `${s}a=ssrc:1 cname:x\r\na=ssrc:2 cname:y\r\n`],
];

describe('SDP answer rules: the app’s check and the simulated Meta’s, written apart', () => {
  it('both accept Meta’s own sample answer to its sample offer', () => {
    expect(answerProblems(ANSWER, OFFER)).toEqual([]);
    expect(answerRuleViolations(ANSWER, OFFER)).toEqual([]);
  });

  for (const [name, breakIt] of BREAKS) {
    it(`both catch: ${name}`, () => {
      const broken = breakIt(ANSWER);
      expect(broken, 'the break must change the answer').not.toBe(ANSWER);
      expect(answerProblems(broken, OFFER), 'app').not.toEqual([]);
      expect(answerRuleViolations(broken, OFFER), 'simulator').not.toEqual([]);
    });
  }
});
