import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { callerLabel, endKey, formatDuration, isolateNumber, isPhoneNumber, outcomeKey } from './format';

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

  it('keeps a phone number left to right in plain text (the window title), and nothing else', () => {
    expect(isolateNumber('+447700900010')).toBe('\u2066+447700900010\u2069');
    expect(isolateNumber('+1 (555) 010-0199')).toBe('\u2066+1 (555) 010-0199\u2069');
    expect(isolateNumber('Zainab Okafor')).toBe('Zainab Okafor');
    expect(isPhoneNumber('@zainab')).toBe(false);
    expect(isPhoneNumber('+')).toBe(false);
  });

  it('words end reasons for the card and for the history', () => {
    const say = (key: string) => key.split('.').reduce<unknown>((node, part) => (node as never)[part], en);
    expect(say(endKey({ endReason: 'remote_hangup' }))).toBe('Caller hung up');
    expect(say(outcomeKey('remote_hangup'))).toBe('Answered');
    expect(say(endKey({}))).toBe('Call ended');
    // Handed to a bot: the machine's 'transferred', but not to a colleague.
    expect(say(endKey({ endReason: 'transferred', handedTo: 'Survey' }))).toBe('Handed to {{name}}');
    expect(say(endKey({ endReason: 'transferred' }))).toBe('Transferred to a colleague');
    expect(say(outcomeKey(undefined))).toBe('In progress');
  });
});
