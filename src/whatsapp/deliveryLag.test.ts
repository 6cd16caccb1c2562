import { describe, expect, it } from 'vitest';
import { createDeliveryLag } from './deliveryLag';

describe('delivery lag', () => {
  it('measures each arrival against the quickest delivery in the window', () => {
    const lag = createDeliveryLag({ windowMs: 10_000 });
    expect(lag.observe(1000, 3000)).toBe(0); // first sample is its own baseline
    expect(lag.observe(2000, 3500)).toBe(0); // quicker: becomes the baseline
    expect(lag.observe(2000, 5500)).toBe(2000);
  });

  it('lets an old quick sample expire so a changed clock offset is learnt again', () => {
    const lag = createDeliveryLag({ windowMs: 10_000 });
    lag.observe(0, 100);
    expect(lag.observe(1000, 6100)).toBe(5000);
    // 11 s later the 100 ms sample has left the window; the 5100 ms one is the baseline now.
    expect(lag.observe(7000, 12_100)).toBe(0);
  });

  it('keeps bounded memory', () => {
    const lag = createDeliveryLag({ maxSamples: 4 });
    for (let i = 0; i < 100; i += 1) lag.observe(0, i);
    expect(lag.observe(0, 100)).toBeGreaterThanOrEqual(0);
  });
});
