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
