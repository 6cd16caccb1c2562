import { describe, expect, it } from 'vitest';
import { HEARTBEAT_SLICES, heartbeatSlice } from './heartbeatSlices';

describe('the heartbeat cut into slices', () => {
  it('gives each agent one slice, always the same, within range', () => {
    for (const id of ['asha', 'agent0', 'agent999', '', 'مريم']) expect(heartbeatSlice(id)).toBe(heartbeatSlice(id));
    expect(heartbeatSlice('agent0')).toBeGreaterThanOrEqual(0);
    expect(heartbeatSlice('agent0')).toBeLessThan(HEARTBEAT_SLICES);
  });

  it('spreads a floor of 1,000 agents evenly: no slice holds twice its share', () => {
    const counts = new Array<number>(HEARTBEAT_SLICES).fill(0);
    for (let i = 0; i < 1000; i += 1) counts[heartbeatSlice(`agent${i}`)]! += 1;
    expect(Math.max(...counts)).toBeLessThanOrEqual((2 * 1000) / HEARTBEAT_SLICES);
    expect(Math.min(...counts)).toBeGreaterThan(0);
  });
});
