import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../shared/parseWebhook';
import { createCallEventFilter } from './callEventFilter';
import { createMemoryLogger } from './logger';

const offer = (callId: string, timestampMs = 1_000_000): CallEvent => ({
  type: 'call_offered',
  callId,
  phoneNumberId: 'p',
  from: '1',
  to: '2',
  timestampMs,
  sdpOffer: 'v=0',
});
const terminate = (callId: string): Extract<CallEvent, { type: 'call_terminated' }> => ({
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

  it('drops an offer that arrived too late to answer, measured against recent deliveries', () => {
    const filter = createCallEventFilter({ now: () => 1_000_000, staleOfferMs: 60_000 });
    for (let i = 0; i < 5; i += 1) expect(filter.check(offer(`fresh${i}`, 1_000_000 - 500))).toEqual({ deliver: true });
    expect(filter.check(offer('retried', 1_000_000 - 70_000))).toEqual({ deliver: false, reason: 'stale' });
    expect(filter.check(offer('slow', 1_000_000 - 30_000))).toEqual({ deliver: true });
  });

  it('loses no call when the desk clock is some minutes fast or slow, and still sees a late one', () => {
    for (const skewMs of [60_000, -60_000, 5 * 60_000, -5 * 60_000]) {
      let now = 1_000_000 + skewMs;
      const filter = createCallEventFilter({ now: () => now, staleOfferMs: 60_000 });
      for (let i = 0; i < 5; i += 1) expect(filter.check(offer(`first${i}`, 1_000_000))).toEqual({ deliver: true });
      now += 10_000;
      expect(filter.check(offer('second', 1_010_000 - 800))).toEqual({ deliver: true });
      expect(filter.check(offer('late', 1_010_000 - 90_000))).toEqual({ deliver: false, reason: 'stale' });
    }
  });

  it('lets other events set the baseline (statuses that came quickly show a late offer for what it is)', () => {
    const filter = createCallEventFilter({ now: () => 5_000_000 });
    const status = (callId: string): CallEvent => ({
      type: 'outbound_status',
      callId,
      phoneNumberId: 'p',
      status: 'RINGING',
      recipient: '1',
      timestampMs: 5_000_000 - 200,
    });
    for (let i = 0; i < 5; i += 1) expect(filter.check(status(`x${i}`)).deliver).toBe(true);
    expect(filter.check(offer('late', 5_000_000 - 120_000))).toEqual({ deliver: false, reason: 'stale' });
  });

  it('rings every later call after one connect stamped 10 minutes ahead, first or mid-run', () => {
    for (const oddAt of [0, 3, 7]) {
      let now = 1_000_000_000;
      const filter = createCallEventFilter({ now: () => now });
      for (let i = 0; i < 10; i += 1) {
        now += 20_000;
        if (i === oddAt) filter.check(offer('odd', now + 10 * 60_000));
        expect(filter.check(offer(`genuine${i}`, now - 1000))).toEqual({ deliver: true });
      }
      expect(filter.check(offer('late', now - 90_000))).toEqual({ deliver: false, reason: 'stale' });
    }
  });

  it('rings every call while the wall clock steps, judging lateness on the steady clock', () => {
    let meta = 1_000_000_000;
    let wallStep = 0;
    const filter = createCallEventFilter({ now: () => meta + wallStep, steadyNow: () => meta - 999_000_000 });
    const genuine = (id: string) => {
      meta += 20_000;
      return filter.check(offer(id, meta - 1000));
    };
    for (let i = 0; i < 6; i += 1) expect(genuine(`before${i}`)).toEqual({ deliver: true });
    for (const step of [5 * 60_000, -10 * 60_000, 3600_000]) {
      wallStep += step;
      for (let i = 0; i < 6; i += 1) expect(genuine(`after${step}.${i}`)).toEqual({ deliver: true });
    }
    expect(filter.check(offer('late', meta - 90_000))).toEqual({ deliver: false, reason: 'stale' });
  });

  it("judges a fresh start's first connects on its own clock: days old is dropped, minutes off rings", () => {
    const now = 1_000_000_000;
    const fresh = () => createCallEventFilter({ now: () => now });
    expect(fresh().check(offer('replayed', now - 2 * 24 * 3600_000))).toEqual({ deliver: false, reason: 'stale' });
    expect(fresh().check(offer('hour-old', now - 3600_000))).toEqual({ deliver: false, reason: 'stale' });
    for (const offMs of [-10 * 60_000, -2 * 60_000, 2 * 60_000, 10 * 60_000])
      expect(fresh().check(offer('clock-off', now - offMs))).toEqual({ deliver: true });
  });

  it('never rings a days-old connect behind a backlog of days-old retries (a relay back after downtime)', () => {
    const now = 1_000_000_000;
    const twoDaysAgo = now - 2 * 24 * 3600_000;
    const filter = createCallEventFilter({ now: () => now });
    for (let i = 0; i < 6; i += 1)
      expect(filter.check({ ...terminate(`backlog${i}`), timestampMs: twoDaysAgo })).toEqual({ deliver: true });
    expect(filter.check(offer('backlog-call', twoDaysAgo + 10_000))).toEqual({ deliver: false, reason: 'stale' });
    // A fresh call right after the backlog still rings.
    expect(filter.check(offer('fresh', now - 1000))).toEqual({ deliver: true });
  });

  it('does not count a repeat as a delivery sample: retries of one call leave a late connect late', () => {
    let now = 1_000_000_000;
    const filter = createCallEventFilter({ now: () => now });
    for (let i = 0; i < 5; i += 1) filter.check(offer(`fresh${i}`, now - 500));
    for (let i = 0; i < 20; i += 1) {
      now += 30_000;
      expect(filter.check(offer('fresh0', 1_000_000_000 - 500))).toEqual({ deliver: false, reason: 'duplicate' });
    }
    expect(filter.check(offer('late', now - 90_000))).toEqual({ deliver: false, reason: 'stale' });
  });

  it('warns of every connect dropped as stale, with its reason, and counts it; not of repeats', () => {
    const log = createMemoryLogger();
    let stale = 0;
    const now = 1_000_000_000;
    const filter = createCallEventFilter({ now: () => now, log, onStale: () => (stale += 1) });
    filter.check(offer('replayed', now - 2 * 24 * 3600_000));
    filter.check(offer('replayed', now - 2 * 24 * 3600_000));
    filter.check(terminate('gone'));
    filter.check(offer('gone', now));
    expect(stale).toBe(1);
    expect(log.records.filter((r) => r.level === 'warn')).toEqual([
      expect.objectContaining({
        callId: 'replayed',
        reason: expect.stringMatching(/^too late: 172800 s old by our own clock/),
      }),
    ]);
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
