import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallSession } from './callSession';
import { LiveCall } from './liveCall';

class FakeAudio {
  autoplay = false;
  srcObject: unknown = null;
}

function fakeSession(): CallSession & { closed: number } {
  const session = { closed: 0, close: () => (session.closed += 1) };
  return session as unknown as CallSession & { closed: number };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.stubGlobal('Audio', FakeAudio);
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('live call', () => {
  it('makes one audio element on first use and clears it on dispose', async () => {
    const session = fakeSession();
    const live = new LiveCall('c1', Promise.resolve(session));
    expect(live.hasRemoteAudio).toBe(false);
    const audio = live.remoteAudio();
    audio.srcObject = 'stream' as unknown as MediaStream;
    expect(live.remoteAudio()).toBe(audio);
    expect(audio.autoplay).toBe(true);
    live.dispose();
    await Promise.resolve();
    await Promise.resolve();
    expect(audio.srcObject).toBeNull();
    expect(live.hasRemoteAudio).toBe(false);
    expect(session.closed).toBe(1);
  });

  it('fires the watchdog once after its time, unless stopped; a second start keeps the first deadline', () => {
    const live = new LiveCall('c2', Promise.resolve(fakeSession()));
    const expired = vi.fn();
    live.startWatchdog(1000, expired);
    vi.advanceTimersByTime(600);
    live.startWatchdog(1000, expired);
    vi.advanceTimersByTime(400);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(live.watching).toBe(false);

    const stopped = vi.fn();
    live.startWatchdog(1000, stopped);
    live.stopWatchdog();
    vi.advanceTimersByTime(5000);
    expect(stopped).not.toHaveBeenCalled();
  });

  it('disposes once: no watchdog fires and the session is closed a single time', async () => {
    const session = fakeSession();
    const live = new LiveCall('c3', Promise.resolve(session));
    const expired = vi.fn();
    live.startWatchdog(1000, expired);
    live.dispose();
    live.dispose();
    live.startWatchdog(1000, expired);
    vi.advanceTimersByTime(5000);
    await Promise.resolve();
    await Promise.resolve();
    expect(expired).not.toHaveBeenCalled();
    expect(session.closed).toBe(1);
  });

  it('reports a session that could not be built as not ready, without throwing', async () => {
    const live = new LiveCall('c4', Promise.reject(new Error('no audio offered')));
    await expect(live.ready()).resolves.toBeUndefined();
    live.dispose();
  });
});
