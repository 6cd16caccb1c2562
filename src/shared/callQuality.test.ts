import { describe, expect, it } from 'vitest';
import { estimateMos, mosGrade, qualityWarnings, worstOf } from './callQuality';

describe('call quality', () => {
  it('rates a clean loopback call as excellent', () => {
    expect(estimateMos(1, 1, 0)).toBeGreaterThan(4.3);
  });

  it('drops MOS as loss, delay and jitter grow', () => {
    const clean = estimateMos(50, 5, 0);
    expect(estimateMos(50, 5, 3)).toBeLessThan(clean);
    expect(estimateMos(600, 5, 0)).toBeLessThan(clean);
    expect(estimateMos(50, 80, 0)).toBeLessThan(clean);
    expect(estimateMos(800, 60, 10)).toBeLessThan(3.5);
  });

  it('stays between 1 and 4.5', () => {
    expect(estimateMos(5000, 500, 100)).toBe(1);
    expect(estimateMos(0, 0, 0)).toBeLessThanOrEqual(4.5);
  });

  it('words a MOS by its own thresholds, whatever else crossed a limit', () => {
    expect(mosGrade(4.37)).toBe('good');
    expect(mosGrade(4)).toBe('good');
    expect(mosGrade(3.99)).toBe('fair');
    expect(mosGrade(3.5)).toBe('fair');
    expect(mosGrade(3.49)).toBe('poor');
    // A call listed for its jitter alone keeps a good MOS: its words must not say poor.
    expect(qualityWarnings({ jitterMs: 45, mos: 4.37 })).toEqual(['jitter']);
  });

  it('warns just above each published limit, not at it', () => {
    expect(qualityWarnings({ rttMs: 400, jitterMs: 30, lossPct: 1, mos: 3.5 })).toEqual([]);
    expect(qualityWarnings({ rttMs: 401, jitterMs: 31, lossPct: 1.1, mos: 3.49 })).toEqual([
      'rtt',
      'jitter',
      'loss',
      'mos',
    ]);
  });

  it('keeps the worst of each figure', () => {
    expect(worstOf({ rttMs: 10, mos: 4.2, lossPct: 0 }, { rttMs: 5, mos: 3.1, jitterMs: 2 })).toEqual({
      rttMs: 10,
      jitterMs: 2,
      lossPct: 0,
      mos: 3.1,
    });
  });
});
