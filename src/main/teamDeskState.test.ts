import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallSignal } from '../shared/callSignals';
import { createTeamDeskState } from './teamDeskState';
import { createWrapUp } from './wrapUp';

type AgentState = Extract<CallSignal, { type: 'agent_state' }>;

const state = (patch: Partial<AgentState> = {}): AgentState => ({
  type: 'agent_state',
  state: 'available',
  sinceMs: 1000,
  wrapUps: [],
  ...patch,
});
const afterCall = (...wrapUps: string[]): AgentState => state({ state: 'after_call_work', wrapUps });

/** The desk's real wrap-up list with the team state on it, as appServices wires them. */
function desk(autoReturnSec = 0) {
  const released: string[] = [];
  const busy: boolean[] = [];
  let releasing: Promise<void> = Promise.resolve();
  const wrapUp = createWrapUp({ onBusy: (b) => busy.push(b), onChange: () => team.deskChanged() });
  const team = createTeamDeskState({
    wrapUps: wrapUp,
    autoReturnSec: () => autoReturnSec,
    release: (callId) => {
      released.push(callId);
      return releasing;
    },
    onChange: () => undefined,
  });
  const open = () => wrapUp.state()?.calls.map((c) => c.callId) ?? [];
  return { wrapUp, team, released, busy, open, failReleases: (p: Promise<void>) => (releasing = p) };
}

afterEach(() => vi.useRealTimers());

describe('the desk and the relay keep one list of wrap-ups', () => {
  it('shows the wrap-ups the relay holds that the desk lacks (a desk restarted during after-call work)', () => {
    const { team, open, busy } = desk();
    team.take(afterCall('c1', 'c2'));
    expect(open()).toEqual(['c1', 'c2']);
    expect(busy.at(-1)).toBe(true);
    expect(team.relayHolds('c2')).toBe(true);
    expect(team.relayHolds('c3')).toBe(false);
  });

  it('does not open a second wrap-up for a call the desk is already writing up', () => {
    const { wrapUp, team, open } = desk();
    wrapUp.start('c1');
    team.take(afterCall('c1'));
    team.take(afterCall('c1'));
    expect(open()).toEqual(['c1']);
  });

  it('keeps the desk’s own wrap-ups when the relay never held them (its after-call work is off)', () => {
    const { wrapUp, team, open, released } = desk();
    wrapUp.start('c1');
    team.take(state({ state: 'not_ready', reason: 'busy' }));
    expect(open()).toEqual(['c1']);
    expect(released).toEqual([]);
  });

  it('closes a wrap-up the relay stopped waiting for (its after-call limit passed)', () => {
    const { team, open, busy, released } = desk();
    team.take(afterCall('c1', 'c2'));
    team.take(afterCall('c2'));
    expect(open()).toEqual(['c2']);
    team.take(state());
    expect(open()).toEqual([]);
    expect(busy.at(-1)).toBe(false);
    // The relay closed them itself: nothing to tell it.
    expect(released).toEqual([]);
  });

  it('keeps open a wrap-up the agent is writing when the relay’s after-call limit passes: only the state changes', () => {
    const { wrapUp, team, open, released } = desk();
    team.take(afterCall('c1', 'c2', 'c3'));
    // The first key in c1 (keep), and a draft with words for c2 that reached main first; nothing typed in c3.
    wrapUp.keep('c1');
    wrapUp.saveDraft('c2', { outcome: '', notes: 'Wants a refund' });
    wrapUp.saveDraft('c3', { outcome: '', notes: '' });
    team.take(state());
    expect(open()).toEqual(['c1', 'c2']);
    expect(wrapUp.state()?.calls.find((c) => c.callId === 'c2')?.draft?.notes).toBe('Wants a refund');
    expect(team.view()?.state).toBe('available');
    // The relay closed them itself: nothing to release; Save still closes each at the desk.
    expect(released).toEqual([]);
    wrapUp.finish('c1');
    wrapUp.finish('c2');
    expect(open()).toEqual([]);
    expect(released).toEqual([]);
  });

  it('does not bring back a saved wrap-up from a state the relay sent before it had the save', async () => {
    const { wrapUp, team, open, released } = desk();
    team.take(afterCall('c1'));
    let delivered!: () => void;
    team.saving('c1', new Promise<void>((resolve) => (delivered = resolve)));
    wrapUp.finish('c1');
    team.take(afterCall('c1'));
    expect(open()).toEqual([]);
    delivered();
    await Promise.resolve();
    team.take(afterCall('c1'));
    expect(open()).toEqual([]);
    team.take(state());
    expect(open()).toEqual([]);
    expect(released).toEqual([]);
  });

  it('shows a wrap-up again when the relay did not take its save', async () => {
    const { wrapUp, team, open } = desk();
    team.take(afterCall('c1'));
    const refused = Promise.reject(new Error('This call is not yours to wrap up.'));
    team.saving('c1', refused);
    wrapUp.finish('c1');
    expect(open()).toEqual([]);
    await refused.catch(() => undefined);
    await Promise.resolve();
    expect(open()).toEqual(['c1']);
  });

  it('releases at the relay the wrap-ups the desk’s automatic return closed unsaved', async () => {
    vi.useFakeTimers();
    const { wrapUp, team, open, released } = desk(30);
    wrapUp.start('c1', 30);
    team.take(afterCall('c1'));
    vi.advanceTimersByTime(30_000);
    expect(open()).toEqual([]);
    expect(released).toEqual(['c1']);
    // The relay's next word, sent before it had the release, does not reopen it.
    team.take(afterCall('c1'));
    expect(open()).toEqual([]);
    team.take(state());
    expect(released).toEqual(['c1']);
  });

  it('keeps what the relay said and the reason the agent chose, and forgets the relay’s word on a new connection', () => {
    const { team } = desk();
    expect(team.view()).toBeUndefined();
    team.choose('lunch');
    team.take(state({ state: 'not_ready', reason: 'lunch', sinceMs: 5000 }));
    expect(team.view()).toEqual({ state: 'not_ready', reason: 'lunch', sinceMs: 5000, chosenReason: 'lunch' });
    team.choose(undefined);
    team.take(state({ sinceMs: 6000 }));
    expect(team.view()).toEqual({ state: 'available', sinceMs: 6000 });
    team.forget();
    expect(team.view()).toBeUndefined();
  });
});
