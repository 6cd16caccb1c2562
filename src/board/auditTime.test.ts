import { afterEach, describe, expect, it } from 'vitest';
import { BOARD_LANGUAGES, boardI18n } from './i18n';
import { auditWhen } from './auditTime';

afterEach(() => boardI18n.changeLanguage('en'));
// The test runs in Node; the board's own types know no `process`.
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;

describe('an audit entry’s time', () => {
  it('is in UTC whatever the browser’s zone, and says so in every language', async () => {
    const previous = env.TZ;
    env.TZ = 'America/Los_Angeles';
    try {
      // 23:30 UTC on 7 December: 15:30 the same day in Los Angeles, 05:00 the next in Delhi.
      const at = Date.UTC(2026, 11, 7, 23, 30, 5);
      const shown: Record<string, string> = {};
      for (const { tag } of BOARD_LANGUAGES) {
        await boardI18n.changeLanguage(tag);
        shown[tag] = auditWhen(at);
      }
      expect(shown.en).toBe('12/7/26, 11:30:05 PM UTC');
      for (const [tag, text] of Object.entries(shown)) expect(text, tag).toMatch(/UTC|التوقيت العالمي/);
    } finally {
      env.TZ = previous;
    }
  });
});
