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

  it('drops an offer that arrived too late to answer, measured against the quickest recent delivery', () => {
    const filter = createCallEventFilter({ now: () => 1_000_000, staleOfferMs: 60_000 });
    expect(filter.check(offer('fresh', 1_000_000 - 500))).toEqual({ deliver: true });
    expect(filter.check(offer('retried', 1_000_000 - 70_000))).toEqual({ deliver: false, reason: 'stale' });
    expect(filter.check(offer('slow', 1_000_000 - 30_000))).toEqual({ deliver: true });
  });

  it('loses no call when the desk clock is a minute fast or slow', () => {
    for (const skewMs of [60_000, -60_000, 5 * 60_000]) {
      let now = 1_000_000 + skewMs;
      const filter = createCallEventFilter({ now: () => now, staleOfferMs: 60_000 });
      expect(filter.check(offer('first', 1_000_000))).toEqual({ deliver: true });
      now += 10_000;
      expect(filter.check(offer('second', 1_010_000 - 800))).toEqual({ deliver: true });
      expect(filter.check(offer('late', 1_010_000 - 90_000))).toEqual({ deliver: false, reason: 'stale' });
    }
  });

  it('lets other events set the baseline (a status that came quickly shows a late offer for what it is)', () => {
    const filter = createCallEventFilter({ now: () => 5_000_000 });
    const status: CallEvent = {
      type: 'outbound_status',
      callId: 'x',
      phoneNumberId: 'p',
      status: 'RINGING',
      recipient: '1',
      timestampMs: 5_000_000 - 200,
    };
    expect(filter.check(status).deliver).toBe(true);
    expect(filter.check(offer('late', 5_000_000 - 120_000))).toEqual({ deliver: false, reason: 'stale' });
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
