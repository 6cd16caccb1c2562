import { describe, expect, it } from 'vitest';
import type { CallView } from '../../shared/ipcContract';
import { leavingLoses } from './leaveWarning';

const call = (phase: CallView['phase']): Record<string, CallView> => ({
  c1: { callId: 'c1', direction: 'inbound', from: '447700900555', phase, offeredAtMs: 0 } as CallView,
});

describe('leaving the page', () => {
  it('loses something while a call rings or goes on', () => {
    for (const phase of ['ringing', 'answering', 'pre_accepted', 'dialing', 'active', 'ending'] as const)
      expect(leavingLoses(call(phase), {}), phase).toBe(true);
  });
  it('loses nothing once every call ended and no notes are waiting', () => {
    expect(leavingLoses(call('ended'), {})).toBe(false);
    expect(leavingLoses({}, { c1: { outcome: 'Resolved', notes: '  ' } })).toBe(false);
  });
  it('loses wrap-up notes not yet saved', () => {
    expect(leavingLoses(call('ended'), { c1: { outcome: '', notes: 'Asked about the refund' } })).toBe(true);
  });
});
