import { describe, expect, it } from 'vitest';
import { anchorMismatch, customerCodec, janusOfferAsWhatsappAnswer } from './anchorSdp';

/** An offer shaped like WhatsApp's, with the audio formats given (rtpmap lines written from `codecs`). */
function offer(payloads: string, rtpmaps: string[]): string {
  return [
    'v=0',
    'o=- 1 2 IN IP4 127.0.0.1',
    's=-',
    't=0 0',
    'a=ice-lite',
    `m=audio 3480 UDP/TLS/RTP/SAVPF ${payloads}`,
    'c=IN IP4 192.0.2.2',
    'a=ice-ufrag:abcd',
    'a=ice-pwd:abcdefghijklmnopqrstuvwx',
    'a=fingerprint:sha-256 ' + Array.from({ length: 32 }, () => 'AB').join(':'),
    'a=setup:actpass',
    'a=mid:audio',
    'a=sendrecv',
    'a=rtcp-mux',
    ...rtpmaps,
    '',
  ].join('\r\n');
}

/** Janus 1.1.2's own offer for a G.711 participant: the law named at 111 (measured), sent at its static type. */
const janusPcmu = offer('111', ['a=rtpmap:111 PCMU/8000']);
const janusPcma = offer('111', ['a=rtpmap:111 PCMA/8000']);

describe('the codec of an anchored customer leg', () => {
  it('is Opus wherever WhatsApp offers it, else the G.711 law the offer lists first', () => {
    expect(customerCodec(offer('111 0 8 126', ['a=rtpmap:111 opus/48000/2', 'a=rtpmap:0 PCMU/8000']))).toBe('opus');
    expect(customerCodec(offer('0 126', ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:126 telephone-event/8000']))).toBe('pcmu');
    expect(customerCodec(offer('8 0', ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000']))).toBe('pcma');
    expect(customerCodec(offer('0 8', ['a=rtpmap:8 PCMA/8000', 'a=rtpmap:0 PCMU/8000']))).toBe('pcmu');
    // Opus at another clock rate is not WhatsApp's Opus; G.722 is nothing the room speaks.
    expect(customerCodec(offer('9 96', ['a=rtpmap:9 G722/8000', 'a=rtpmap:96 opus/16000']))).toBeUndefined();
    expect(customerCodec('v=0\r\n')).toBeUndefined();
  });

  it('answers a G.711-only offer in that law at WhatsApp’s static payload type, with no Opus', () => {
    const pcmu = offer('0 126', ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:126 telephone-event/8000']);
    const answer = janusOfferAsWhatsappAnswer(janusPcmu, pcmu);
    expect(answer).toMatch(/^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 0 126\r$/m);
    expect(answer).toContain('a=rtpmap:0 PCMU/8000\r\n');
    expect(answer).not.toMatch(/opus|a=fmtp:0/i);
    expect(anchorMismatch(offer('8', ['a=rtpmap:8 PCMA/8000']), janusPcma)).toBeUndefined();
  });

  it('refuses what Janus cannot carry, with the reason', () => {
    // Janus sends and takes G.711 only at 0 and 8: a dynamic type for PCMU would never be decoded.
    expect(anchorMismatch(offer('96', ['a=rtpmap:96 PCMU/8000']), janusPcmu)).toBe(
      'PCMU payload types differ (WhatsApp 96, Janus 0)',
    );
    expect(anchorMismatch(offer('0', ['a=rtpmap:0 PCMU/8000']), janusPcma)).toBe("Janus's offer has no PCMU");
    expect(anchorMismatch(offer('9', ['a=rtpmap:9 G722/8000']), janusPcmu)).toBe(
      "WhatsApp's offer has no Opus, PCMU or PCMA",
    );
  });
});
