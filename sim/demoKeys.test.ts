import { describe, expect, it } from 'vitest';
import { demoKey, latestLive } from './demoKeys';

describe('the demo’s keys are the same in every mode', () => {
  it('Enter places a call and "h" hangs up, in each mode; "s" is Sales in the team demo only', () => {
    for (const mode of ['phone', 'bot', 'team'] as const) {
      expect(demoKey('', mode)).toEqual({ kind: 'place', queue: 'support' });
      expect(demoKey(' h ', mode)).toEqual({ kind: 'hang_up' });
      expect(demoKey('H', mode)).toEqual({ kind: 'hang_up' });
      expect(demoKey('x', mode)).toEqual({ kind: 'unknown' });
    }
    expect(demoKey('s', 'team')).toEqual({ kind: 'place', queue: 'sales' });
    expect(demoKey('s', 'bot')).toEqual({ kind: 'unknown' });
    expect(demoKey('c', 'team')).toEqual({ kind: 'call_me_back' });
    expect(demoKey('c', 'phone')).toEqual({ kind: 'unknown' });
  });

  it('hangs up the newest call still going on', () => {
    const calls = [{ id: 1 }, { id: 2 }, { id: 3, endedBy: 'caller_hangup' }];
    expect(latestLive(calls)?.id).toBe(2);
    expect(latestLive([{ id: 1, endedBy: 'no_media' }])).toBeUndefined();
  });
});
