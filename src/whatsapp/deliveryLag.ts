/**
 * Estimates how late a webhook arrived without trusting the desk's clock against Meta's: every event's
 * lag (arrival on our clock minus Meta's timestamp) includes the same clock offset, so the smallest lag
 * seen lately is the offset plus the quickest delivery, and an event's own lag above that is its age.
 */
export interface DeliveryLagOptions {
  /** How long a lag sample counts toward the baseline; clocks drift slowly, so an hour is safe. */
  windowMs?: number;
  maxSamples?: number;
}

export function createDeliveryLag(options: DeliveryLagOptions = {}) {
  const windowMs = options.windowMs ?? 60 * 60_000;
  const maxSamples = options.maxSamples ?? 256;
  // Kept in arrival order; a later sample with a smaller lag makes every earlier, larger one useless.
  const samples: { atMs: number; lagMs: number }[] = [];

  /** Records an arrival and returns how long after the quickest recent delivery it came. */
  function observe(metaTimestampMs: number, arrivedAtMs: number): number {
    const lagMs = arrivedAtMs - metaTimestampMs;
    while (samples.length > 0 && samples[0]!.atMs < arrivedAtMs - windowMs) samples.shift();
    while (samples.length > 0 && samples[samples.length - 1]!.lagMs >= lagMs) samples.pop();
    samples.push({ atMs: arrivedAtMs, lagMs });
    if (samples.length > maxSamples) samples.shift();
    return lagMs - samples[0]!.lagMs;
  }

  return { observe };
}

export type DeliveryLag = ReturnType<typeof createDeliveryLag>;
