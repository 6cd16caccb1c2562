import { describe, expect, it } from 'vitest';
import { createDeliveryLag } from './deliveryLag';

const at = (wallMs: number, steadyMs = wallMs) => ({ wallMs, steadyMs });

describe('delivery lag', () => {
  it('reads age on the wall clock until it knows enough deliveries', () => {
    const lag = createDeliveryLag({ minSamples: 3 });
    expect(lag.observe(1000, at(61_000))).toEqual({ ageMs: 60_000, basis: 'own_clock' });
    expect(lag.observe(2000, at(2500, 99_999))).toEqual({ ageMs: 500, basis: 'own_clock' });
  });

  it('measures a delivery against the median lag of those before it, on the steady clock', () => {
    const lag = createDeliveryLag({ minSamples: 3 });
    for (const lagMs of [900, 100, 500]) lag.observe(0, at(-1e9, lagMs));
    expect(lag.observe(10_000, at(-1e9, 10_000 + 500 + 70_000))).toEqual({ ageMs: 70_000, basis: 'recent_deliveries' });
  });

  it('is moved by no single odd timestamp, however far off', () => {
    for (const oddLagMs of [-600_000, 2 * 24 * 3600_000, -1e12]) {
      const lag = createDeliveryLag({ minSamples: 3 });
      lag.observe(0, at(oddLagMs));
      for (let i = 0; i < 3; i += 1) lag.observe(0, at(1000));
      expect(lag.observe(0, at(1000)).ageMs).toBe(0);
    }
  });

  it('keeps only the last maxSamples lags, so a lasting change of offset is learnt', () => {
    const lag = createDeliveryLag({ maxSamples: 5, minSamples: 3 });
    for (let i = 0; i < 5; i += 1) lag.observe(0, at(0));
    for (let i = 0; i < 5; i += 1) lag.observe(0, at(300_000));
    expect(lag.observe(0, at(300_000)).ageMs).toBe(0);
  });

  it('takes no sample from a timestamp that is not a number', () => {
    const lag = createDeliveryLag({ minSamples: 1 });
    lag.observe(Number.NaN, at(0));
    expect(lag.observe(0, at(0)).basis).toBe('own_clock');
  });
});
