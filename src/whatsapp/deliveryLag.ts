import type { Arrival } from './arrivalClock';

/**
 * Estimates how late a webhook arrived without trusting our clock against Meta's. Every delivery's lag (arrival
 * minus Meta's timestamp) holds the same clock offset plus a delivery time, so the median lag of the last few
 * deliveries is the offset plus a typical delivery, and a delivery's own lag above that is its age. A median
 * follows the many, so one odd timestamp moves it nowhere; lags are read on the steady clock, so a step of the
 * wall clock moves none of them. Until enough deliveries are known (a fresh start), age is read on the wall clock.
 */
export interface DeliveryLagOptions {
  /** How many recent lags the median is taken over. */
  maxSamples?: number;
  /** Fewer than this and the median is not trusted: 2k + 1 samples outvote k odd ones. */
  minSamples?: number;
}

export interface Lateness {
  ageMs: number;
  /** What the age was measured against: the median of recent deliveries, or our own clock on a fresh start. */
  basis: 'recent_deliveries' | 'own_clock';
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function createDeliveryLag(options: DeliveryLagOptions = {}) {
  const maxSamples = options.maxSamples ?? 31;
  const minSamples = Math.min(options.minSamples ?? 5, maxSamples);
  const lags: number[] = [];

  function lateness(metaTimestampMs: number, arrival: Arrival): Lateness {
    if (lags.length < minSamples) return { ageMs: arrival.wallMs - metaTimestampMs, basis: 'own_clock' };
    return { ageMs: arrival.steadyMs - metaTimestampMs - median(lags), basis: 'recent_deliveries' };
  }

  /** Measures a first delivery against the deliveries before it, then counts it among them. */
  function observe(metaTimestampMs: number, arrival: Arrival): Lateness {
    const measured = lateness(metaTimestampMs, arrival);
    const lagMs = arrival.steadyMs - metaTimestampMs;
    if (Number.isFinite(lagMs)) lags.push(lagMs);
    if (lags.length > maxSamples) lags.shift();
    return measured;
  }

  return { observe };
}

export type DeliveryLag = ReturnType<typeof createDeliveryLag>;
