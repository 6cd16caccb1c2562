import { describe, expect, it } from 'vitest';
import { needsTerminate, transition, type CallInput, type CallState } from './callMachine';

const run = (inputs: CallInput[], from: CallState = { phase: 'ringing' }): CallState => inputs.reduce(transition, from);

describe('call state machine', () => {
  it('goes ringing -> answering -> pre_accepted -> active on a successful answer', () => {
    expect(run([{ type: 'answer_clicked' }])).toEqual({ phase: 'answering' });
    expect(run([{ type: 'answer_clicked' }, { type: 'pre_accept_ok' }])).toEqual({ phase: 'pre_accepted' });
    expect(run([{ type: 'answer_clicked' }, { type: 'pre_accept_ok' }, { type: 'accept_ok', atMs: 5 }])).toEqual({
      phase: 'active',
      answeredAtMs: 5,
    });
  });

  it('ends as answered when the agent hangs up and terminate is sent', () => {
    const active: CallState = { phase: 'active', answeredAtMs: 5 };
    const ending = transition(active, { type: 'hangup_clicked' });
    expect(ending).toEqual({ phase: 'ending', answeredAtMs: 5 });
    expect(transition(ending, { type: 'terminate_sent', atMs: 9 })).toMatchObject({
      phase: 'ended',
      reason: 'answered',
      answeredAtMs: 5,
      endedAtMs: 9,
    });
  });

  it('a colleague’s answer ends a ringing call here, and one this desk lost the race for; never this desk’s own', () => {
    const answering = transition({ phase: 'ringing' }, { type: 'answer_clicked' });
    // The relay tells every desk who took the call, this one too: its own answer in flight goes on.
    expect(transition(answering, { type: 'taken_elsewhere', atMs: 5 })).toEqual(answering);
    expect(transition(answering, { type: 'answer_lost', atMs: 5 })).toMatchObject({
      phase: 'ended',
      reason: 'answered_elsewhere',
    });
    expect(transition({ phase: 'ringing' }, { type: 'answer_lost', atMs: 5 })).toEqual({ phase: 'ringing' });
  });

  it('ends as rejected when the agent rejects while ringing', () => {
    expect(run([{ type: 'reject_clicked', atMs: 3 }])).toMatchObject({
      phase: 'ended',
      reason: 'rejected',
      endedAtMs: 3,
    });
  });

  it('ends as missed when the caller hangs up while ringing or the ring times out', () => {
    expect(run([{ type: 'remote_terminated', failed: false, atMs: 2 }])).toMatchObject({ reason: 'missed' });
    expect(run([{ type: 'ring_timeout', atMs: 2 }])).toMatchObject({ reason: 'missed' });
    expect(run([{ type: 'answer_clicked' }, { type: 'remote_terminated', failed: false, atMs: 2 }])).toMatchObject({
      reason: 'missed',
    });
  });

  it('ends as remote hang-up when the caller ends an active call', () => {
    const state = transition(
      { phase: 'active', answeredAtMs: 1 },
      { type: 'remote_terminated', failed: false, atMs: 7 },
    );
    expect(state).toMatchObject({ phase: 'ended', reason: 'remote_hangup', answeredAtMs: 1, endedAtMs: 7 });
  });

  it('ends as failed on a failed terminate webhook or a local failure, keeping the message', () => {
    expect(
      transition(
        { phase: 'active', answeredAtMs: 1 },
        { type: 'remote_terminated', failed: true, message: 'no media', atMs: 4 },
      ),
    ).toMatchObject({ reason: 'failed', message: 'no media', answeredAtMs: 1 });
    expect(run([{ type: 'answer_clicked' }, { type: 'failed', message: 'HTTP 500', atMs: 4 }])).toMatchObject({
      reason: 'failed',
      message: 'HTTP 500',
    });
    expect(run([{ type: 'failed', message: 'x', atMs: 1 }])).toMatchObject({ reason: 'failed' });
  });

  it('counts a remote terminate during our own hang-up as answered', () => {
    expect(
      transition({ phase: 'ending', answeredAtMs: 1 }, { type: 'remote_terminated', failed: false, atMs: 3 }),
    ).toMatchObject({ reason: 'answered' });
  });

  it('ignores inputs that do not apply to the current phase', () => {
    const ringing: CallState = { phase: 'ringing' };
    for (const input of [
      { type: 'pre_accept_ok' },
      { type: 'accept_ok', atMs: 1 },
      { type: 'hangup_clicked' },
      { type: 'terminate_sent', atMs: 1 },
    ] as CallInput[]) {
      expect(transition(ringing, input)).toBe(ringing);
    }
    const active: CallState = { phase: 'active', answeredAtMs: 1 };
    for (const input of [
      { type: 'answer_clicked' },
      { type: 'reject_clicked', atMs: 1 },
      { type: 'ring_timeout', atMs: 1 },
    ] as CallInput[]) {
      expect(transition(active, input)).toBe(active);
    }
  });

  it('never leaves the ended phase', () => {
    const done = run([{ type: 'reject_clicked', atMs: 1 }]);
    for (const input of [
      { type: 'answer_clicked' },
      { type: 'failed', message: 'x', atMs: 2 },
      { type: 'remote_terminated', failed: true, atMs: 2 },
    ] as CallInput[]) {
      expect(transition(done, input)).toBe(done);
    }
  });

  it('places an outbound call: dialing -> remote ringing -> active, or declined', () => {
    const dialing: CallState = { phase: 'dialing' };
    expect(run([{ type: 'remote_ringing' }, { type: 'remote_accepted', atMs: 4 }], dialing)).toEqual({
      phase: 'active',
      answeredAtMs: 4,
    });
    expect(run([{ type: 'remote_accepted', atMs: 4 }], dialing)).toEqual({ phase: 'active', answeredAtMs: 4 });
    expect(run([{ type: 'remote_ringing' }, { type: 'remote_rejected', atMs: 5 }], dialing)).toMatchObject({
      phase: 'ended',
      reason: 'rejected',
      message: 'The customer declined the call.',
    });
    expect(run([{ type: 'remote_terminated', failed: false, atMs: 6 }], dialing)).toMatchObject({ reason: 'missed' });
  });

  it('cancels an outbound call before it is picked up, as missed', () => {
    const state = run([{ type: 'remote_ringing' }, { type: 'hangup_clicked' }, { type: 'terminate_sent', atMs: 3 }], {
      phase: 'dialing',
    });
    expect(state).toMatchObject({ phase: 'ended', reason: 'missed' });
  });

  it('ignores outbound inputs on inbound phases', () => {
    const ringing: CallState = { phase: 'ringing' };
    expect(transition(ringing, { type: 'remote_accepted', atMs: 1 })).toBe(ringing);
    expect(transition(ringing, { type: 'remote_rejected', atMs: 1 })).toBe(ringing);
  });

  it('says when ending a call needs terminate rather than reject', () => {
    expect(needsTerminate({ phase: 'ringing' })).toBe(false);
    expect(needsTerminate({ phase: 'answering' })).toBe(false);
    expect(needsTerminate({ phase: 'pre_accepted' })).toBe(true);
    expect(needsTerminate({ phase: 'active', answeredAtMs: 1 })).toBe(true);
    expect(needsTerminate({ phase: 'dialing' })).toBe(true);
    expect(needsTerminate({ phase: 'remote_ringing' })).toBe(true);
  });
});
