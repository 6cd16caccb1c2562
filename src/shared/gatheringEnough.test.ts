import { describe, expect, it } from 'vitest';
import { enoughCandidates, hasTurnServer, unreachableTurn } from './gatheringEnough';

describe('when an answer has the candidates WhatsApp needs', () => {
  it('is ready with a UDP host candidate, without waiting for TCP ones or gathering "complete"', () => {
    expect(enoughCandidates([], false)).toBe(false);
    expect(enoughCandidates([{ protocol: 'tcp', type: 'host' }], false)).toBe(false);
    expect(enoughCandidates([{ protocol: 'udp', type: 'srflx' }], false)).toBe(false);
    expect(enoughCandidates([{ protocol: 'UDP', type: 'host' }], false)).toBe(true);
  });

  it('does not count a loopback candidate: nobody elsewhere can reach it', () => {
    const loopback = [
      { protocol: 'udp', type: 'host', address: '127.0.0.1' },
      { protocol: 'udp', type: 'host', address: '::1' },
    ];
    expect(enoughCandidates(loopback, false)).toBe(false);
    expect(enoughCandidates([...loopback, { protocol: 'udp', type: 'host', address: '192.0.2.2' }], false)).toBe(true);
    expect(enoughCandidates([{ protocol: 'udp', type: 'host', address: '4f1c.local' }], false)).toBe(true);
  });

  it('waits for a relay candidate where the operator configured TURN', () => {
    const host = { protocol: 'udp', type: 'host' };
    expect(enoughCandidates([host], true)).toBe(false);
    expect(enoughCandidates([host, { protocol: 'udp', type: 'relay' }], true)).toBe(true);
  });

  it('knows a TURN server from a STUN one', () => {
    expect(hasTurnServer([])).toBe(false);
    expect(hasTurnServer([{ urls: 'stun:stun.example.org:3478' }])).toBe(false);
    expect(hasTurnServer([{ urls: ['stun:a', 'turns:turn.example.org:443?transport=tcp'] }])).toBe(true);
  });

  it('with relay candidates only, a relay candidate is enough and nothing else is', () => {
    expect(enoughCandidates([{ protocol: 'udp', type: 'host', address: '192.0.2.2' }], true, true)).toBe(false);
    expect(enoughCandidates([{ protocol: 'udp', type: 'relay', address: '192.0.2.9' }], true, true)).toBe(true);
  });

  it('names the TURN servers no relay candidate came from, and none once one did', () => {
    const servers = [{ urls: 'stun:s.example.org' }, { urls: ['turn:t.example.org:3478', 'turns:t.example.org:443'] }];
    const host = { protocol: 'udp', type: 'host', address: '192.0.2.2' };
    expect(unreachableTurn(servers, [host])).toEqual(['turn:t.example.org:3478', 'turns:t.example.org:443']);
    expect(unreachableTurn(servers, [host, { protocol: 'udp', type: 'relay' }])).toEqual([]);
    expect(unreachableTurn([{ urls: 'stun:s.example.org' }], [])).toEqual([]);
  });
});
