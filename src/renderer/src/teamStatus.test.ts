import { describe, expect, it } from 'vitest';
import type { AppStatus } from '../../shared/ipcContract';
import { activityOf, heldForWrapUp, shownTeamState, teamStatusMenu } from './teamStatus';

const REASONS = ['break', 'lunch', 'busy', 'away'];

function status(patch: Partial<AppStatus> & { prefStatus?: AppStatus['preferences']['status'] } = {}): AppStatus {
  const { prefStatus = 'available', ...rest } = patch;
  return {
    mode: 'relay',
    relay: { connected: true, notReadyReasons: REASONS },
    preferences: { status: prefStatus, awayAction: 'ring_out', autoAnswer: false },
    ...rest,
  } as AppStatus;
}

describe('the team state in the top bar', () => {
  it('is the relay’s state, reason and time', () => {
    const team = { state: 'not_ready' as const, reason: 'lunch', sinceMs: 5000, chosenReason: 'lunch' };
    expect(shownTeamState(status({ team }))).toEqual({ state: 'not_ready', reason: 'lunch', sinceMs: 5000 });
    expect(shownTeamState(status({ team: { state: 'on_call', sinceMs: 7 } }))).toEqual({
      state: 'on_call',
      sinceMs: 7,
    });
  });

  it('holds calls for a wrap-up only while the relay holds after-call work, or alone while the wrap-up is open', () => {
    const wrapUp = { calls: [{ callId: 'c1', sinceMs: 9000 }] };
    expect(heldForWrapUp(status({ team: { state: 'after_call_work', sinceMs: 8000 }, wrapUp }))).toBe(true);
    // After-call work off at the relay: the wrap-up stays open, but calls ring (and the line must not say otherwise).
    expect(heldForWrapUp(status({ team: { state: 'available', sinceMs: 8000 }, wrapUp }))).toBe(false);
    // Lunch chosen during the wrap-up is lunch, not after-call work.
    const lunch = status({ team: { state: 'not_ready', reason: 'lunch', sinceMs: 8000 }, wrapUp });
    expect(shownTeamState(lunch)).toEqual({ state: 'not_ready', reason: 'lunch', sinceMs: 8000 });
    expect(heldForWrapUp({ ...status({ wrapUp }), team: undefined })).toBe(true);
    expect(heldForWrapUp({ ...status(), team: undefined })).toBe(false);
  });

  it('is not shown before the relay has said anything', () => {
    expect(shownTeamState(status())).toBeUndefined();
    expect(shownTeamState(undefined)).toBeUndefined();
  });
});

describe('the team status menu', () => {
  it('offers Available and the team’s reasons, on the reason the agent chose', () => {
    const team = { state: 'not_ready' as const, reason: 'lunch', sinceMs: 1, chosenReason: 'lunch' };
    expect(teamStatusMenu(status({ team, prefStatus: 'away' }))).toEqual({
      value: 'lunch',
      options: ['available', ...REASONS],
    });
    expect(teamStatusMenu(status()).value).toBe('available');
  });

  it('shows a Busy or Away the agent did not choose from the menu (a supervisor, the tray), even outside the list', () => {
    expect(teamStatusMenu(status({ prefStatus: 'away' })).value).toBe('away');
    const menu = teamStatusMenu(status({ prefStatus: 'busy', relay: { connected: true, notReadyReasons: ['lunch'] } }));
    expect(menu).toEqual({ value: 'busy', options: ['available', 'lunch', 'busy'] });
  });

  it('offers only Available and the desk’s own choice before the relay names its reasons', () => {
    expect(teamStatusMenu(status({ relay: { connected: false } })).options).toEqual(['available']);
  });

  it('asks for what was chosen', () => {
    expect(activityOf('available')).toEqual({ kind: 'available' });
    expect(activityOf('lunch')).toEqual({ kind: 'not_ready', reason: 'lunch' });
  });
});
