import { describe, expect, it } from 'vitest';
import { callerLabel, endText, formatDuration, historyOutcomeText } from './format';

describe('formatting', () => {
  it('formats durations as minutes and seconds', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(61_999)).toBe('1:01');
    expect(formatDuration(-5)).toBe('0:00');
  });

  it('names the caller, falling back to the number', () => {
    const base = {
      callId: 'c',
      direction: 'inbound' as const,
      phase: 'ringing' as const,
      offeredAtMs: 0,
      from: '447700900123',
    };
    expect(callerLabel({ ...base, callerName: 'Kim' })).toEqual({ name: 'Kim', number: '+447700900123' });
    expect(callerLabel(base)).toEqual({ name: '+447700900123', number: '+447700900123' });
  });

  it('words end reasons for the card and for the history', () => {
    expect(endText({ endReason: 'remote_hangup' })).toBe('Caller hung up');
    expect(historyOutcomeText('remote_hangup')).toBe('Answered');
    expect(endText({})).toBe('Call ended');
  });
});
