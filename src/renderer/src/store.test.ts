import { beforeEach, describe, expect, it } from 'vitest';
import type { AppStatus, CallView } from '../../shared/ipcContract';
import {
  draftOf,
  ENDED_KEPT,
  mediaOf,
  selectActive,
  selectRinging,
  selectRingingOut,
  selectWrapUps,
  usePhone,
} from './store';

const call = (callId: string, phase: CallView['phase'], extra: Partial<CallView> = {}): CallView => ({
  callId,
  direction: 'inbound',
  from: '447700900123',
  phase,
  offeredAtMs: 1000,
  ...extra,
});

beforeEach(() =>
  usePhone.setState({ calls: {}, media: {}, tab: 'history', shownEndedId: undefined, wrapUpDrafts: {} }),
);

/** A status whose only interesting part is the wrap-ups main has open. */
const statusWith = (wrapUp: AppStatus['wrapUp']) =>
  ({ configured: true, wrapUp, preferences: { status: 'available' } }) as AppStatus;

describe('phone store', () => {
  it('lists ringing calls oldest first and leaves out silent ones', () => {
    const { upsertCall } = usePhone.getState();
    upsertCall(call('late', 'ringing', { offeredAtMs: 3000 }));
    upsertCall(call('early', 'answering', { offeredAtMs: 2000 }));
    upsertCall(call('away', 'ringing', { silent: true }));
    expect(selectRinging(usePhone.getState()).map((c) => c.callId)).toEqual(['early', 'late']);
    expect(selectRingingOut(usePhone.getState())).toBe(1);
  });

  it('brings the phone tab forward for a call that needs the agent, not for a silent one', () => {
    usePhone.getState().upsertCall(call('quiet', 'ringing', { silent: true }));
    expect(usePhone.getState().tab).toBe('history');
    usePhone.getState().upsertCall(call('loud', 'ringing'));
    expect(usePhone.getState().tab).toBe('phone');
  });

  it('leaves the agent on their tab when they are typing there as a call rings', () => {
    usePhone.getState().upsertCall(call('loud', 'ringing'), true);
    expect(usePhone.getState().tab).toBe('history');
    expect(selectRinging(usePhone.getState()).map((c) => c.callId)).toEqual(['loud']);
  });

  it('keeps each wrap-up draft until main closes that wrap-up, whatever else happens to calls', () => {
    const { editWrapUp, setStatus, upsertCall } = usePhone.getState();
    setStatus(
      statusWith({
        calls: [
          { callId: 'a', sinceMs: 1 },
          { callId: 'b', sinceMs: 2 },
        ],
      }),
    );
    editWrapUp('a', { notes: 'half written' });
    editWrapUp('b', { outcome: 'Sales' });
    editWrapUp('a', { outcome: 'Resolved' });
    upsertCall(call('c', 'ringing'));
    upsertCall(call('c', 'active', { answeredAtMs: 5 }));
    expect(draftOf(usePhone.getState(), 'a')).toEqual({ outcome: 'Resolved', notes: 'half written' });
    expect(selectWrapUps(usePhone.getState()).map((w) => w.callId)).toEqual(['a', 'b']);

    usePhone.getState().setStatus(statusWith({ calls: [{ callId: 'b', sinceMs: 2 }] }));
    expect(usePhone.getState().wrapUpDrafts).toEqual({ b: { outcome: 'Sales', notes: '' } });
    usePhone.getState().setStatus(statusWith(undefined));
    expect(usePhone.getState().wrapUpDrafts).toEqual({});
    expect(selectWrapUps(usePhone.getState())).toEqual([]);
  });

  it('takes main’s draft of a wrap-up this page has none of, and keeps its own over main’s', () => {
    const { setStatus, editWrapUp } = usePhone.getState();
    const kept = { outcome: 'Sales', notes: 'Wants the premium plan' };
    setStatus(
      statusWith({
        calls: [
          { callId: 'a', sinceMs: 1, draft: kept },
          { callId: 'b', sinceMs: 2 },
        ],
      }),
    );
    expect(usePhone.getState().wrapUpDrafts).toEqual({ a: kept });
    editWrapUp('a', { notes: 'Wants the premium plan, call Tuesday' });
    setStatus(statusWith({ calls: [{ callId: 'a', sinceMs: 1, draft: kept }] }));
    expect(draftOf(usePhone.getState(), 'a').notes).toBe('Wants the premium plan, call Tuesday');
  });

  it('treats every engaged phase as the active call, and ended or ringing calls as not active', () => {
    for (const phase of ['pre_accepted', 'dialing', 'remote_ringing', 'active', 'ending'] as const) {
      usePhone.setState({ calls: { a: call('a', phase) } });
      expect(selectActive(usePhone.getState())?.callId).toBe('a');
    }
    for (const phase of ['ringing', 'answering', 'ended'] as const) {
      usePhone.setState({ calls: { a: call('a', phase) } });
      expect(selectActive(usePhone.getState())).toBeUndefined();
    }
  });

  it('shows an ended call until a new call rings', () => {
    usePhone.getState().upsertCall(call('done', 'ended', { endReason: 'answered' }));
    expect(usePhone.getState().shownEndedId).toBe('done');
    usePhone.getState().upsertCall(call('next', 'ringing'));
    expect(usePhone.getState().shownEndedId).toBeUndefined();
  });

  it('drops an answered call’s summary when its wrap-up closes unsaved, leaving no lone Call ended card', () => {
    const { upsertCall, setStatus } = usePhone.getState();
    upsertCall(call('a', 'ended', { endReason: 'answered' }));
    upsertCall(call('b', 'ended', { endReason: 'answered' }));
    setStatus(
      statusWith({
        calls: [
          { callId: 'a', sinceMs: 1 },
          { callId: 'b', sinceMs: 2 },
        ],
      }),
    );
    expect(usePhone.getState().shownEndedId).toBe('b');
    // The relay's after-call limit closes both wrap-ups the agent wrote nothing in.
    setStatus(statusWith(undefined));
    expect(usePhone.getState().shownEndedId).toBeUndefined();
    // A missed call never had a wrap-up: its summary stays until dismissed.
    upsertCall(call('m', 'ended', { endReason: 'missed' }));
    setStatus(statusWith(undefined));
    expect(usePhone.getState().shownEndedId).toBe('m');
  });

  it('keeps a failed call on screen when the next call rings, until it is dismissed', () => {
    usePhone.getState().upsertCall(call('broken', 'ended', { endReason: 'failed', message: 'refused' }));
    usePhone.getState().upsertCall(call('next', 'ringing'));
    expect(usePhone.getState().shownEndedId).toBe('broken');
    usePhone.getState().dismissEnded();
    expect(usePhone.getState().shownEndedId).toBeUndefined();
  });

  it('merges media patches over defaults', () => {
    expect(mediaOf(usePhone.getState(), 'x')).toMatchObject({ answerReady: false, muted: false, dtmfSent: '' });
    usePhone.getState().patchMedia('x', { muted: true });
    usePhone.getState().patchMedia('x', { answerReady: true });
    expect(mediaOf(usePhone.getState(), 'x')).toMatchObject({ answerReady: true, muted: true });
  });

  it('keeps only the most recent ended calls and their media, so a long shift does not grow the page', () => {
    const { upsertCall, patchMedia } = usePhone.getState();
    for (let i = 0; i < ENDED_KEPT + 15; i += 1) {
      upsertCall(call(`e${i}`, 'ended', { offeredAtMs: i, endedAtMs: 1000 + i }));
      patchMedia(`e${i}`, { answerReady: true });
    }
    upsertCall(call('live', 'ringing', { offeredAtMs: 5 }));
    const { calls, media } = usePhone.getState();
    expect(Object.keys(calls)).toHaveLength(ENDED_KEPT + 1);
    expect(calls.live).toBeDefined();
    expect(calls.e0).toBeUndefined();
    expect(calls[`e${ENDED_KEPT + 14}`]).toBeDefined();
    expect(media.e0).toBeUndefined();
    expect(Object.keys(media)).toHaveLength(ENDED_KEPT);
  });
});
