/**
 * Clocks a test can move without waiting: Meta's clock is the real one plus the time the test let pass; ours runs
 * `skewMs` off it, and its wall clock can step while the steady (monotonic) clock goes on.
 */
export function testClocks(skewMs = 0) {
  let passedMs = 0;
  let wallStepMs = 0;
  return {
    now: () => Date.now() + passedMs + skewMs + wallStepMs,
    steadyNow: () => performance.now() + passedMs,
    /** Meta's clock, `earlierMs` back, in whole seconds as its webhooks carry it. */
    metaSec: (earlierMs = 0) => Math.floor((Date.now() + passedMs - earlierMs) / 1000),
    pass(ms: number) {
      passedMs += ms;
    },
    stepWall(ms: number) {
      wallStepMs += ms;
    },
  };
}

export type TestClocks = ReturnType<typeof testClocks>;
