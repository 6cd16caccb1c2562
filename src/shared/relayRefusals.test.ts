import { describe, expect, it } from 'vitest';
import { en } from '../renderer/src/i18n/en';
import { ar } from '../renderer/src/i18n/ar';
import { RELAY_REFUSAL_KEYS, RELAY_REFUSALS_WITH_WAIT, relayRefusalEnglish } from './relayRefusals';

const said = en.mainSays as Record<string, string>;
const fill = (text: string, values: Record<string, string | number>) =>
  text.replace(/{{(\w+)}}/g, (_, name: string) => String(values[name]));

describe('the relay’s refusals', () => {
  it('fill their values and choose English plural forms as the desk’s English catalogue does', () => {
    expect(relayRefusalEnglish('relayColleagueBusy', { to: 'ben' })).toBe(
      'ben is not available to take a call right now.',
    );
    expect(relayRefusalEnglish('relayTooManyRequests', { count: 1 })).toMatch(/try again in 1 minute\.$/);
    expect(relayRefusalEnglish('relayTooManyRequests', { count: 5 })).toMatch(/try again in 5 minutes\.$/);
    for (const key of RELAY_REFUSAL_KEYS) {
      if (RELAY_REFUSALS_WITH_WAIT.includes(key)) {
        expect(fill(said[`${key}_one`]!, { count: 1 }), key).toBe(relayRefusalEnglish(key, { count: 1 }));
        expect(fill(said[`${key}_other`]!, { count: 5 }), key).toBe(relayRefusalEnglish(key, { count: 5 }));
      } else {
        const values = { to: 'ben', outcome: 'Sold' };
        expect(fill(said[key]!, values), key).toBe(relayRefusalEnglish(key, values));
      }
    }
    expect(RELAY_REFUSALS_WITH_WAIT).toEqual(['relayTooManyRequests', 'relayPermissionLimit', 'relayCustomerAsked']);
  });

  it('are each worded in Arabic, not left in English', () => {
    const arabic = ar.mainSays as Record<string, string>;
    for (const key of RELAY_REFUSAL_KEYS) {
      const text = arabic[key] ?? arabic[`${key}_other`];
      expect(text, key).toMatch(/[\u0600-\u06FF]/);
    }
  });
});
