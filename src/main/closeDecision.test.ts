import { describe, expect, it } from 'vitest';
import { closeDecision } from './closeDecision';

describe('closing the window', () => {
  it('goes to the tray by default, even with a call, and closes when quitting', () => {
    expect(closeDecision({ quitting: false, closeToTray: true, liveCall: false })).toBe('hide');
    expect(closeDecision({ quitting: false, closeToTray: true, liveCall: true })).toBe('hide');
    expect(closeDecision({ quitting: true, closeToTray: true, liveCall: true })).toBe('close');
  });

  it('without the tray, asks before a live call would end, and otherwise closes', () => {
    expect(closeDecision({ quitting: false, closeToTray: false, liveCall: true })).toBe('ask');
    expect(closeDecision({ quitting: false, closeToTray: false, liveCall: false })).toBe('close');
  });
});
