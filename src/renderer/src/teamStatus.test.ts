import { describe, expect, it } from 'vitest';
import type { AppStatus, CallView } from '../../shared/ipcContract';
import {
  activityOf,
  awayAfterWrapUp,
  callWaitingHere,
  heldForWrapUp,
  saveTakesCalls,
  shownAgentState,
  shownTeamState,
  teamStatusMenu,
} from './teamStatus';

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

  it('names a hold for a queue’s callback, and a plain reservation as ringing', () => {
    const held = status({ team: { state: 'reserved', sinceMs: 40, holdingCallback: true } });
    expect(shownAgentState(held, [], 0)).toEqual({ state: 'holding_callback', sinceMs: 40 });
    expect(shownAgentState(status({ team: { state: 'reserved', sinceMs: 40 } }), [], 0)).toEqual({
      state: 'reserved',
      sinceMs: 40,
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

  it('says Save takes calls only when calls wait for the wrap-up and the agent chose Available', () => {
    const wrapUp = { calls: [{ callId: 'c1', sinceMs: 9000 }] };
    expect(saveTakesCalls(status({ team: { state: 'after_call_work', sinceMs: 8000 }, wrapUp }))).toBe(true);
    // The relay's after-call limit made the agent Available, or a call rings at them already.
    expect(saveTakesCalls(status({ team: { state: 'available', sinceMs: 8000 }, wrapUp }))).toBe(false);
    expect(saveTakesCalls(status({ team: { state: 'reserved', sinceMs: 8000 }, wrapUp }))).toBe(false);
    // Not ready: saving leaves them not ready.
    const lunch = { state: 'not_ready' as const, reason: 'lunch', sinceMs: 8000, chosenReason: 'lunch' };
    expect(saveTakesCalls(status({ team: lunch, wrapUp }))).toBe(false);
    const lunchAfter = { state: 'after_call_work' as const, sinceMs: 8000, chosenReason: 'lunch' };
    expect(saveTakesCalls(status({ team: lunchAfter, wrapUp }))).toBe(false);
    // Alone: while the desk's wrap-up holds calls, if the agent is available.
    expect(saveTakesCalls({ ...status({ wrapUp }), team: undefined })).toBe(true);
    expect(saveTakesCalls({ ...status({ wrapUp, prefStatus: 'busy' }), team: undefined })).toBe(false);
  });

  it('says Away set during after-call work applies once the wrap-up is saved, with the team’s reason', () => {
    const wrapUp = { calls: [{ callId: 'c1', sinceMs: 9000 }] };
    const training = { state: 'after_call_work' as const, sinceMs: 8000, chosenReason: 'training' };
    // A supervisor set Away for training during the wrap-up: the desk says so, and saving takes no calls.
    expect(awayAfterWrapUp(status({ team: training, wrapUp, prefStatus: 'away' }))).toEqual({ reason: 'training' });
    expect(saveTakesCalls(status({ team: training, wrapUp, prefStatus: 'away' }))).toBe(false);
    const plain = { state: 'after_call_work' as const, sinceMs: 8000 };
    expect(awayAfterWrapUp(status({ team: plain, wrapUp, prefStatus: 'away' }))).toEqual({});
    // Available after the wrap-up, or a wrap-up calls do not wait for (the relay's limit passed): nothing to say.
    expect(awayAfterWrapUp(status({ team: plain, wrapUp }))).toBeUndefined();
    const limitPassed = { state: 'not_ready' as const, reason: 'training', sinceMs: 8000, chosenReason: 'training' };
    expect(awayAfterWrapUp(status({ team: limitPassed, wrapUp, prefStatus: 'away' }))).toBeUndefined();
    // Alone: the desk's own wrap-up with Away chosen.
    expect(awayAfterWrapUp({ ...status({ wrapUp, prefStatus: 'away' }), team: undefined })).toEqual({});
  });

  it('says a new call shows as call waiting only where one can: alone, or a team queue that allows it on one call', () => {
    const alone = status({ mode: 'direct' } as Partial<AppStatus>);
    expect(callWaitingHere(alone, 1)).toBe(true);
    expect(callWaitingHere(status(), 1)).toBe(false);
    const waiting = status({ relay: { connected: true, callWaiting: true } });
    expect(callWaitingHere(waiting, 1)).toBe(true);
    // On a call with another on hold: the relay never rings a third.
    expect(callWaitingHere(waiting, 2)).toBe(false);
    expect(callWaitingHere(status({ relay: { connected: true, callWaiting: false } }), 1)).toBe(false);
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

function call(patch: Partial<CallView>): CallView {
  return {
    callId: 'c',
    from: '447700900555',
    direction: 'inbound',
    phase: 'ringing',
    offeredAtMs: 100,
    ...patch,
  } as CallView;
}

describe('the agent state at the top', () => {
  const alone = (patch: Partial<AppStatus> & { prefStatus?: AppStatus['preferences']['status'] } = {}) =>
    status({ mode: 'direct', ...patch });

  it('alone: Available, Ringing since the oldest ring, On call since the answer, On hold since the hold', () => {
    expect(shownAgentState(alone(), [], 50)).toEqual({ state: 'available', sinceMs: 50 });
    const rings = [call({ callId: 'b', offeredAtMs: 300 }), call({ callId: 'a', offeredAtMs: 200 })];
    expect(shownAgentState(alone(), rings, 50)).toEqual({ state: 'reserved', sinceMs: 200 });
    // A call ringing out unheard (the agent is away) does not make them Ringing.
    expect(shownAgentState(alone({ prefStatus: 'away' }), [call({ silent: true })], 50)).toEqual({
      state: 'not_ready',
      reason: 'away',
      sinceMs: 50,
    });
    const talking = call({ callId: 't', phase: 'active', answeredAtMs: 1000 });
    expect(shownAgentState(alone(), [talking, ...rings], 50)).toEqual({ state: 'on_call', sinceMs: 1000 });
    const held = call({ callId: 'h', phase: 'active', answeredAtMs: 900, heldSinceMs: 4000 });
    expect(shownAgentState(alone(), [held], 50)).toEqual({ state: 'on_hold', sinceMs: 4000 });
    // Talking to one caller while another holds: on call.
    expect(shownAgentState(alone(), [held, talking], 50)?.state).toBe('on_call');
    expect(shownAgentState(alone(), [call({ phase: 'dialing', offeredAtMs: 70 })], 50)).toEqual({
      state: 'on_call',
      sinceMs: 70,
    });
  });

  it('alone: After-call work since the oldest wrap-up, then the status chosen, with its time', () => {
    const wrapUp = {
      calls: [
        { callId: 'x', sinceMs: 9000 },
        { callId: 'y', sinceMs: 8000 },
      ],
    };
    expect(shownAgentState(alone({ wrapUp }), [], 50)).toEqual({ state: 'after_call_work', sinceMs: 8000 });
    expect(shownAgentState(alone({ prefStatus: 'busy' }), [], 60)).toEqual({
      state: 'not_ready',
      reason: 'busy',
      sinceMs: 60,
    });
    expect(shownAgentState(alone({ wrapUp }), [call({ phase: 'ended' })], 50)?.state).toBe('after_call_work');
  });

  it('in a team: no On call clock once the desk’s call failed or ended, though the relay still says On call', () => {
    const team = { state: 'on_call' as const, sinceMs: 7 };
    // The relay restarted mid-call: the desk's call failed ("The app was closed during the call").
    const failed = call({ phase: 'ended', answeredAtMs: 900 });
    expect(shownAgentState(status({ team }), [failed], 50)).toBeUndefined();
    expect(shownAgentState(status({ team }), [], 50)).toBeUndefined();
    // A call being answered or placed is the relay's On call already.
    expect(shownAgentState(status({ team }), [call({ phase: 'answering' })], 50)).toEqual({
      state: 'on_call',
      sinceMs: 7,
    });
    expect(shownAgentState(status({ team }), [failed, call({ callId: 'n', phase: 'dialing' })], 50)?.state).toBe(
      'on_call',
    );
  });

  it('in a team: the relay’s state and clock, with a call the agent holds shown as On hold', () => {
    const team = { state: 'on_call' as const, sinceMs: 7 };
    const held = call({ phase: 'active', answeredAtMs: 900, heldSinceMs: 4000 });
    const talking = call({ phase: 'active', answeredAtMs: 900 });
    expect(shownAgentState(status({ team }), [talking], 50)).toEqual({ state: 'on_call', sinceMs: 7 });
    expect(shownAgentState(status({ team }), [held], 50)).toEqual({ state: 'on_hold', sinceMs: 4000 });
    // Hold and answer: the relay's On call began with the held call; the clock counts the live call from its answer.
    const live = call({ callId: 'n', phase: 'active', answeredAtMs: 5000 });
    expect(shownAgentState(status({ team }), [held, live], 50)).toEqual({ state: 'on_call', sinceMs: 5000 });
    // The desk's own wrap-up does not overrule the relay, which may have after-call work off.
    const wrapUp = { calls: [{ callId: 'x', sinceMs: 9000 }] };
    expect(shownAgentState(status({ team: { state: 'available', sinceMs: 8 }, wrapUp }), [], 50)).toEqual({
      state: 'available',
      sinceMs: 8,
    });
    expect(shownAgentState(status(), [], 50)).toBeUndefined();
    expect(shownAgentState(undefined, [], 50)).toBeUndefined();
  });
});
