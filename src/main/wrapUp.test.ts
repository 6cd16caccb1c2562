import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWrapUp } from './wrapUp';

function wrapUpAt(startMs = 1000) {
  let clock = startMs;
  const busy: boolean[] = [];
  const wrapUp = createWrapUp({ now: () => clock, onBusy: (b) => busy.push(b), onChange: () => undefined });
  return { wrapUp, busy, advance: (ms: number) => (clock += ms) };
}

afterEach(() => vi.useRealTimers());

describe('wrap-up', () => {
  it('keeps one wrap-up per ended call, oldest first, and stays busy until every one is saved', () => {
    const { wrapUp, busy, advance } = wrapUpAt();
    wrapUp.start('first');
    advance(5000);
    wrapUp.start('second');
    expect(wrapUp.state()?.calls).toEqual([
      { callId: 'first', sinceMs: 1000 },
      { callId: 'second', sinceMs: 6000 },
    ]);
    expect(wrapUp.finish('second')).toBe(true);
    expect(wrapUp.state()?.calls.map((c) => c.callId)).toEqual(['first']);
    expect(busy).toEqual([true, true]);
    expect(wrapUp.finish('first')).toBe(true);
    expect(wrapUp.state()).toBeUndefined();
    expect(busy).toEqual([true, true, false]);
  });

  it('opens one wrap-up for a call whose end is reported twice', () => {
    const { wrapUp, advance } = wrapUpAt();
    wrapUp.start('only');
    advance(3000);
    wrapUp.start('only');
    expect(wrapUp.state()?.calls).toEqual([{ callId: 'only', sinceMs: 1000 }]);
  });

  it('says so when asked to finish a call that has no wrap-up', () => {
    const { wrapUp, busy } = wrapUpAt();
    wrapUp.start('open');
    expect(wrapUp.finish('unknown')).toBe(false);
    expect(wrapUp.state()?.calls).toHaveLength(1);
    expect(busy).toEqual([true]);
  });

  it('returns automatically the set time after the latest call ended, closing every unsaved wrap-up', () => {
    vi.useFakeTimers();
    const { wrapUp, busy, advance } = wrapUpAt();
    wrapUp.start('first', 10);
    vi.advanceTimersByTime(6000);
    advance(6000);
    wrapUp.start('second', 10);
    expect(wrapUp.state()?.autoReturnAtMs).toBe(17_000);
    vi.advanceTimersByTime(6000);
    expect(wrapUp.state()?.calls).toHaveLength(2);
    vi.advanceTimersByTime(4000);
    expect(wrapUp.state()).toBeUndefined();
    expect(busy).toEqual([true, true, false]);
  });

  it('stops the automatic return once everything is saved', () => {
    vi.useFakeTimers();
    const { wrapUp, busy } = wrapUpAt();
    wrapUp.start('only', 10);
    wrapUp.finish('only');
    vi.advanceTimersByTime(20_000);
    expect(busy).toEqual([true, false]);
  });

  it('waits for Save once the agent writes in a wrap-up, for calls ending later too, and counts again after', () => {
    vi.useFakeTimers();
    const { wrapUp, busy } = wrapUpAt();
    wrapUp.start('first', 10);
    expect(wrapUp.keep('unknown')).toBe(false);
    vi.advanceTimersByTime(5000);
    expect(wrapUp.keep('first')).toBe(true);
    expect(wrapUp.state()?.autoReturnAtMs).toBeUndefined();
    vi.advanceTimersByTime(60_000);
    expect(wrapUp.state()?.calls).toHaveLength(1);
    wrapUp.start('second', 10);
    expect(wrapUp.state()?.autoReturnAtMs).toBeUndefined();
    vi.advanceTimersByTime(60_000);
    expect(wrapUp.state()?.calls).toHaveLength(2);
    wrapUp.finish('first');
    wrapUp.finish('second');
    expect(busy).toEqual([true, true, false]);

    // The next wrap-up, nothing written: the automatic return is back.
    wrapUp.start('third', 10);
    expect(wrapUp.state()?.autoReturnAtMs).toBeDefined();
    vi.advanceTimersByTime(10_000);
    expect(wrapUp.state()).toBeUndefined();
  });

  it('keeps what the agent entered with its open wrap-up, and nothing for a call without one', () => {
    const { wrapUp } = wrapUpAt();
    wrapUp.start('open');
    expect(wrapUp.saveDraft('open', { outcome: 'Sales', notes: 'Call Tuesday' })).toBe(true);
    expect(wrapUp.saveDraft('gone', { outcome: '', notes: 'x' })).toBe(false);
    expect(wrapUp.state()?.calls).toEqual([
      { callId: 'open', sinceMs: 1000, draft: { outcome: 'Sales', notes: 'Call Tuesday' } },
    ]);
  });

  it('does not return by itself when a draft with words reached it, even without keep', () => {
    vi.useFakeTimers();
    const { wrapUp } = wrapUpAt();
    wrapUp.start('written', 10);
    wrapUp.saveDraft('written', { outcome: '', notes: 'Call back' });
    vi.advanceTimersByTime(10_000);
    expect(wrapUp.state()?.calls.map((c) => c.callId)).toEqual(['written']);
    expect(wrapUp.state()?.autoReturnAtMs).toBeUndefined();
  });
});
