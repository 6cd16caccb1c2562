import { describe, expect, it } from 'vitest';
import { qualityFrom } from './callQualityInterval';

const stats = (packetsReceived: number, packetsLost: number) => ({
  packetsReceived,
  packetsLost,
  packetsSent: 0,
  inboundEnergy: 0,
  audioLevel: 0,
  micEnergy: 0,
  rttMs: 40,
  jitterMs: 5,
});

describe('interval quality', () => {
  it('measures loss over the last interval, not since the call began', () => {
    expect(qualityFrom(undefined, stats(1000, 0)).lossPct).toBe(0);
    expect(qualityFrom(stats(1000, 0), stats(1090, 10)).lossPct).toBe(10);
  });

  it('gives a good MOS for a clean interval and a worse one for a lossy interval', () => {
    const clean = qualityFrom(stats(100, 0), stats(200, 0));
    const lossy = qualityFrom(stats(100, 0), stats(180, 20));
    expect(clean.mos).toBeGreaterThan(4);
    expect(lossy.mos!).toBeLessThan(clean.mos!);
  });

  it('counts no interval without packets as loss', () => {
    expect(qualityFrom(stats(50, 2), stats(50, 2)).lossPct).toBe(0);
  });
});
