import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../shared/parseWebhook';
import { createCallEventFilter } from './callEventFilter';

const offer = (callId: string, timestampMs = 1_000_000): CallEvent => ({
  type: 'call_offered',
  callId,
  phoneNumberId: 'p',
  from: '1',
  to: '2',
  timestampMs,
  sdpOffer: 'v=0',
});
const terminate = (callId: string): CallEvent => ({
  type: 'call_terminated',
  callId,
  phoneNumberId: 'p',
  from: '1',
  to: '2',
  status: 'COMPLETED',
  timestampMs: 1_000_000,
  errors: [],
});

describe('call event filter', () => {
  it('delivers an offer once however often it is repeated', () => {
    const filter = createCallEventFilter({ now: () => 1_000_000 });
    expect(filter.check(offer('a'))).toEqual({ deliver: true });
    expect(filter.check(offer('a'))).toEqual({ deliver: false, reason: 'duplicate' });
    expect(filter.check(offer('b'))).toEqual({ deliver: true });
  });

  it('never rings a connect that arrives after its own terminate', () => {
    const filter = createCallEventFilter({ now: () => 1_000_000 });
    expect(filter.check(terminate('a'))).toEqual({ deliver: true });
    expect(filter.check(offer('a'))).toEqual({ deliver: false, reason: 'after_terminate' });
    expect(filter.check(terminate('a'))).toEqual({ deliver: false, reason: 'duplicate' });
  });

  it('drops an offer too old to answer', () => {
    const filter = createCallEventFilter({ now: () => 1_000_000 + 61_000, staleOfferMs: 60_000 });
    expect(filter.check(offer('old'))).toEqual({ deliver: false, reason: 'stale' });
  });

  it('keeps distinct call statuses apart', () => {
    const filter = createCallEventFilter();
    const status = (s: 'RINGING' | 'ACCEPTED'): CallEvent => ({
      type: 'outbound_status',
      callId: 'c',
      phoneNumberId: 'p',
      status: s,
      recipient: '1',
      timestampMs: 1,
    });
    expect(filter.check(status('RINGING')).deliver).toBe(true);
    expect(filter.check(status('ACCEPTED')).deliver).toBe(true);
    expect(filter.check(status('RINGING')).deliver).toBe(false);
  });

  it('forgets old keys so memory stays bounded', () => {
    let now = 1_000_000;
    const filter = createCallEventFilter({ now: () => now, rememberMs: 1000, maxRemembered: 3 });
    for (let i = 0; i < 10; i += 1) filter.check(offer(`c${i}`));
    expect(filter.size()).toBeLessThanOrEqual(4);
    now += 2000;
    filter.check(terminate('z'));
    expect(filter.size()).toBe(1);
  });
});
