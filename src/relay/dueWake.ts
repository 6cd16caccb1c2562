import { errorText } from '../shared/errorText';
import type { Logger } from '../whatsapp/logger';

/** The longest the timer sleeps before it reads the clock again, so a clock moved forward (NTP, tests) is seen. */
const CLOCK_CHECK_MS = 1000;
/** After a look that failed (Redis away), the next one. */
const RETRY_MS = 500;
/** Looks this close together at most, so a step that keeps asking to run at once cannot spin. */
const MIN_GAP_MS = 25;

/**
 * Wakes an instance for the steps of a Redis sorted set of due times at the earliest time it knows of, instead of on
 * a fixed tick. `look` takes what is due and returns the earliest time left in the set; `at` tells of a step this
 * instance set. Steps set by other instances are learned by a look every `safetyMs` at least (a dead instance's
 * steps run after that at worst, as they do after its lease), so an idle instance sends one command per `safetyMs`.
 */
export function createDueWake(options: {
  look: (nowMs: number) => Promise<number | undefined>;
  safetyMs: number;
  log: Logger;
  what: string;
  now?: () => number;
}) {
  const now = options.now ?? Date.now;
  // Due times are on `now`, which may jump either way (NTP, tests); the gaps between looks are on a steady clock.
  const steady = () => performance.now();
  let earliest: number | undefined;
  let safetyLookAt = 0;
  let lastLookAt = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let looking = false;
  let started = false;

  function arm(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!started || looking) return;
    const nowMs = now();
    const steadyMs = steady();
    const inMs = Math.max(
      Math.min((earliest ?? Infinity) - nowMs, safetyLookAt - steadyMs),
      lastLookAt + MIN_GAP_MS - steadyMs,
    );
    if (inMs <= 0) {
      void look(nowMs);
      return;
    }
    timer = setTimeout(arm, Math.min(inMs, CLOCK_CHECK_MS));
  }

  async function look(nowMs: number): Promise<void> {
    looking = true;
    lastLookAt = steady();
    safetyLookAt = lastLookAt + options.safetyMs;
    // Learned again from this look; steps this instance sets meanwhile lower it through `at`.
    earliest = undefined;
    try {
      const left = await options.look(nowMs);
      if (left !== undefined) earliest = Math.min(earliest ?? Infinity, left);
    } catch (error) {
      options.log.warn(`${options.what}: not checked`, { error: errorText(error) });
      earliest = Math.min(earliest ?? Infinity, now() + RETRY_MS);
    } finally {
      looking = false;
      arm();
    }
  }

  return {
    /** A step is due at `atMs` (this instance set it): the timer wakes then at the latest. */
    at(atMs: number): void {
      if (earliest !== undefined && earliest <= atMs) return;
      earliest = atMs;
      arm();
    },
    /** Looks at once, then whenever something is due. */
    start(): void {
      started = true;
      arm();
    },
    stop(): void {
      started = false;
      arm();
    },
  };
}
export type DueWake = ReturnType<typeof createDueWake>;
