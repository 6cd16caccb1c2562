import { describe, expect, it } from 'vitest';
import { createDeadMicDetector } from './deadMic';

describe('dead microphone', () => {
  it('warns after 10 s without energy while unmuted, and clears when sound comes back', () => {
    const detector = createDeadMicDetector();
    expect(detector.sample(0, 0, false)).toBe(false);
    expect(detector.sample(9_000, 0, false)).toBe(false);
    expect(detector.sample(10_000, 0, false)).toBe(true);
    expect(detector.sample(10_500, 0.002, false)).toBe(false);
  });

  it('never warns while muted, and starts counting afresh after unmuting', () => {
    const detector = createDeadMicDetector();
    detector.sample(0, 0, true);
    expect(detector.sample(20_000, 0, true)).toBe(false);
    expect(detector.sample(21_000, 0, false)).toBe(false);
    expect(detector.sample(30_000, 0, false)).toBe(false);
    expect(detector.sample(31_000, 0, false)).toBe(true);
  });

  it('a speaking agent keeps it quiet', () => {
    const detector = createDeadMicDetector();
    for (let t = 0, e = 0; t <= 30_000; t += 500, e += 0.001) expect(detector.sample(t, e, false)).toBe(false);
  });
});
