import { afterEach, describe, expect, it, vi } from 'vitest';
import { atExpiry } from './boardSignIn';

afterEach(() => vi.useRealTimers());

describe('board sign-in expiry', () => {
  it('fires at the expiry moment, also for tokens longer than one timer can wait, and not when cancelled', () => {
    vi.useFakeTimers({ now: 0 });
    const day = 86_400_000;
    const expired = vi.fn();
    atExpiry(90 * day, expired);
    vi.advanceTimersByTime(90 * day - 1);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledOnce();

    const cancelled = vi.fn();
    atExpiry(91 * day, cancelled)();
    vi.advanceTimersByTime(2 * day);
    expect(cancelled).not.toHaveBeenCalled();
  });

  it('fires at once for a token already expired', () => {
    const expired = vi.fn();
    atExpiry(Date.now() - 1, expired);
    expect(expired).toHaveBeenCalledOnce();
  });
});
