import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CallEvent } from '../shared/parseWebhook';
import { createCallEventFilter } from './callEventFilter';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/** One genuine call: how long after the previous it started, and how long Meta took to deliver its connect. */
const genuineCall = fc.record({
  gapMs: fc.integer({ min: 0, max: 30 * MINUTE }),
  delayMs: fc.integer({ min: 0, max: 5000 }),
});

const world = fc.record({
  calls: fc.array(genuineCall, { minLength: 1, maxLength: 60 }),
  /** Our clock against Meta's: "a few minutes" either way. */
  skewMs: fc.integer({ min: -10 * MINUTE, max: 10 * MINUTE }),
  /** One connect whose signed timestamp is anything from days back to days ahead, at any place in the run. */
  odd: fc.record({ at: fc.nat(), shiftMs: fc.integer({ min: -3 * DAY, max: 3 * DAY }) }),
  /** One step of our wall clock, once at least five deliveries are known. */
  step: fc.record({ at: fc.integer({ min: 6, max: 60 }), byMs: fc.integer({ min: -DAY, max: DAY }) }),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

const connect = (callId: string, timestampMs: number): CallEvent => ({
  type: 'call_offered',
  callId,
  phoneNumberId: 'p',
  from: '1',
  to: '2',
  timestampMs,
  sdpOffer: 'v=0',
});

/** Plays the run through one filter; returns the verdicts of the genuine calls and of a final 90-s-late retry. */
function play(w: World) {
  let meta = 1_800_000_000_000;
  let arrived = meta;
  let wallStep = 0;
  const filter = createCallEventFilter({ now: () => arrived + w.skewMs + wallStep, steadyNow: () => arrived - 1e12 });
  const stamp = (ms: number) => Math.floor(ms / 1000) * 1000; // Meta sends whole seconds
  const genuine = w.calls.map((call, i) => {
    meta += call.gapMs;
    arrived = meta + call.delayMs;
    if (i === w.odd.at % w.calls.length) filter.check(connect('odd', stamp(meta + w.odd.shiftMs)));
    if (i === w.step.at) wallStep += w.step.byMs;
    return filter.check(connect(`genuine${i}`, stamp(meta))).deliver;
  });
  arrived = meta + 90_000;
  return { genuine, lateRetry: filter.check(connect('late', stamp(meta))) };
}

describe('call event filter: properties of staleness (issue 23)', () => {
  it('rings every genuine call, whatever one odd timestamp, a clock minutes off, or a wall clock step', () => {
    fc.assert(
      fc.property(world, (w) => {
        expect(play(w).genuine.every(Boolean)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('still drops a connect retried 90 s late once five genuine deliveries are known', () => {
    fc.assert(
      fc.property(
        world.filter((w) => w.calls.length >= 5),
        (w) => {
          expect(play(w).lateRetry).toEqual({ deliver: false, reason: 'stale' });
        },
      ),
      { numRuns: 300 },
    );
  });
});
