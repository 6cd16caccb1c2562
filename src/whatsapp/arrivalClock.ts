/** The clocks a webhook's arrival is read on: the wall clock, and a monotonic one that no clock step moves. */
export interface Clocks {
  now: () => number;
  steadyNow: () => number;
}

/** When a webhook arrived: on the wall clock, and on the steady clock (counted from the wall clock at start). */
export interface Arrival {
  wallMs: number;
  steadyMs: number;
}

/**
 * Reads both clocks at once. The steady reading starts equal to the wall clock and then follows the monotonic
 * clock, so it stays comparable with Meta's timestamps while ignoring every later step of the wall clock.
 */
export function arrivalClock(clocks: Partial<Clocks> = {}): () => Arrival {
  const now = clocks.now ?? Date.now;
  // A test that injects only a wall clock gets one clock, not its own wall time beside the machine's monotonic one.
  const steadyNow = clocks.steadyNow ?? (clocks.now ? clocks.now : () => performance.now());
  const startWallMs = now();
  const startSteadyMs = steadyNow();
  return () => ({ wallMs: now(), steadyMs: startWallMs + (steadyNow() - startSteadyMs) });
}
