import { describe, expect, it } from 'vitest';
import { TeamSettings } from './teamSettings';

const withReasons = (notReadyReasons: string[]) =>
  TeamSettings.safeParse({ notReadyReasons, wrapUpCodes: ['Resolved'] });

describe('the team’s not-ready reasons', () => {
  it('may be named in the team’s own script: Arabic, Hindi, Portuguese', () => {
    expect(withReasons(['break', 'استراحة', 'भोजन', 'almoço', 'réunion 2']).success).toBe(true);
  });

  it('stay keys: no capitals where the script has them, no punctuation, no hidden bidi controls', () => {
    for (const wrong of ['Break', 'Coaching!', '\u202Ebreak', 'a'.repeat(41), '']) {
      const parsed = withReasons(['lunch', wrong]);
      expect(parsed.success, wrong).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['notReadyReasons', 1]);
    }
  });
});

describe('what the team’s lists refuse as typed by mistake', () => {
  it('a blank reason, or one that looks like another for a space at its end or start', () => {
    expect(withReasons(['coffee break', 'lunch']).success).toBe(true);
    for (const wrong of ['   ', 'break ', ' break', 'coffee  break']) {
      const parsed = withReasons(['lunch', wrong]);
      expect(parsed.success, JSON.stringify(wrong)).toBe(false);
      expect(parsed.error?.issues[0]?.path).toEqual(['notReadyReasons', 1]);
    }
  });

  it('an outcome code with a control character (PostgreSQL refuses a NUL) is named, not stored', () => {
    const parsed = TeamSettings.safeParse({ notReadyReasons: ['lunch'], wrapUpCodes: ['Resolved', 'Sale\u0000'] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['wrapUpCodes', 1],
      message: 'an outcome code is plain text, without control characters',
    });
  });
});
