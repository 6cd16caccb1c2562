import { describe, expect, it } from 'vitest';
import type { AppStatus } from '../../shared/ipcContract';
import { activityOf, shownTeamState, teamStatusMenu } from './teamStatus';

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

  it('is after-call work while the desk holds the agent for a wrap-up (the relay has them not ready: busy)', () => {
    const wrapUp = { calls: [{ callId: 'c1', sinceMs: 9000 }] };
    const held = status({ team: { state: 'not_ready', reason: 'busy', sinceMs: 8000 }, wrapUp });
    expect(shownTeamState(held)).toEqual({ state: 'after_call_work', sinceMs: 8000 });
    // On a call again, or ringing, the relay's word stands.
    expect(shownTeamState(status({ team: { state: 'reserved', sinceMs: 1 }, wrapUp }))?.state).toBe('reserved');
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
