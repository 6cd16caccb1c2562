import { describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../fixtures/load';
import { answerProblems, holdBackCandidates, summarizeSdp } from './sdpChecks';

describe('SDP checks', () => {
  it('reads WhatsApp’s live offer: ICE-lite, Opus, 8 kHz DTMF, one SSRC', () => {
    const s = summarizeSdp(loadSdpFixture('10-live-connect-offer-2025-10-17.sdp'));
    expect(s).toMatchObject({
      iceLite: true,
      opusPayloadType: 111,
      telephoneEvent8k: 126,
      audioSections: 1,
      ptime: 20,
      setup: 'actpass',
    });
    expect(s.ssrcs).toHaveLength(1);
  });

  it('accepts Meta’s sample answer', () => {
    expect(answerProblems(loadSdpFixture('02-meta-doc-user-initiated-answer.sdp'))).toEqual([]);
  });

  it('accepts the live aiortc answer Meta accepted (that call failed on the network, not the SDP)', () => {
    expect(answerProblems(loadSdpFixture('20-live-aiortc-answer-that-failed-138021.sdp'))).toEqual([]);
  });

  it('refuses several fingerprints, as Meta does with 138008', () => {
    const answer = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');
    const many = answer.replace(
      /(a=fingerprint:[^\r]+\r\n)/,
      '$1a=fingerprint:sha-384 AA:BB\r\na=fingerprint:sha-512 CC:DD\r\n',
    );
    expect(answerProblems(many)).toContain('expected exactly one fingerprint, found 3');
  });

  it('refuses an ICE-lite answer, a missing Opus and several SSRCs', () => {
    const answer = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');
    expect(answerProblems(answer.replace('v=0\r\n', 'v=0\r\na=ice-lite\r\n'))).toContain(
      'the answer must not be ICE-lite: WhatsApp is the ICE-lite side',
    );
    expect(answerProblems(answer.replace(/a=rtpmap:111 opus\/48000\/2\r\n/, ''))).toContain(
      'no audio codec WhatsApp takes (Opus, PCMU, PCMA)',
    );
    expect(answerProblems(`${answer}a=ssrc:1 cname:x\r\na=ssrc:2 cname:y\r\n`).join()).toMatch(/single SSRC/);
  });

  it('holds back the caller’s candidates and hands them over for later', () => {
    const offer = loadSdpFixture('10-live-connect-offer-2025-10-17.sdp');
    const held = holdBackCandidates(offer);
    expect(held.offer).not.toContain('a=candidate');
    expect(held.offer).toContain('a=ice-ufrag:AeinEGDfvqBctbtM');
    expect(held.candidates).toEqual([
      {
        candidate: 'candidate:3935165743 1 udp 2122260223 57.144.215.49 3484 typ host generation 0 network-cost 50',
        sdpMLineIndex: 0,
        sdpMid: 'audio',
      },
      {
        candidate:
          'candidate:2617197009 1 udp 2122262783 2a03:2880:f36b:131:face:b00c:0:699c 3484 typ host generation 0 network-cost 50',
        sdpMLineIndex: 0,
        sdpMid: 'audio',
      },
    ]);
  });
});
