import { describe, expect, it } from 'vitest';
import { QueueConfig } from '../shared/teamQueues';
import { deskRingLimitMs } from './deskRingLimit';

describe('the desk’s own limit on a ringing call', () => {
  it('on its own, ends a ring at Meta’s 60 s', () => {
    expect(deskRingLimitMs('direct')).toBe(60_000);
  });

  it('through a team relay, stays past the longest ring time a queue accepts, so the relay ends the ring first', () => {
    const longest = QueueConfig.shape.ringSeconds.unwrap().maxValue!;
    expect(QueueConfig.safeParse({ id: 'q', name: 'Q', ringSeconds: longest + 1, agents: '*' }).success).toBe(false);
    expect(deskRingLimitMs('relay')).toBeGreaterThan(longest * 1000);
  });
});
