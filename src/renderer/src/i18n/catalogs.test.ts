import { describe, expect, it } from 'vitest';
import { catalogProblems, copiedFromEnglish, flatten } from './catalogParity';
import { MAIN_SAYS } from '../../../shared/sentence';
import { i18n, LANGUAGES, pickLanguage } from './index';

describe('message catalogues', () => {
  it.each(LANGUAGES.map((l) => [l.tag, l.catalog] as const))(
    '%s has every English message, with the same values, and exactly the plural forms its language has',
    (tag, catalog) => {
      expect(catalogProblems(tag, catalog, LANGUAGES[0].catalog)).toEqual([]);
    },
  );

  it.each(LANGUAGES.slice(1).map((l) => [l.tag, l.catalog] as const))(
    '%s is translated, not copied from English',
    (_tag, catalog) => {
      const same = copiedFromEnglish(catalog, LANGUAGES[0].catalog);
      expect(same.length, same.join(', ')).toBeLessThan(Object.keys(flatten(LANGUAGES[0].catalog)).length / 10);
    },
  );

  it('has a message for everything the main process says', () => {
    const english = flatten(LANGUAGES[0].catalog);
    // WhatsApp's error codes are worded from the catalogue's own WhatsApp sentences, by code.
    const worded = (key: string) =>
      english[`mainSays.${key}`] !== undefined || english[`mainSays.${key}_other`] !== undefined;
    expect(MAIN_SAYS.filter((key) => !key.startsWith('whatsapp') && !worded(key))).toEqual([]);
  });

  it('finds a missing message, a lost value and a missing plural form', () => {
    const english = { a: { b: 'Hello {{name}}', c_one: 'one call', c_other: '{{count}} calls' } };
    expect(catalogProblems('es', { a: { b: 'Hola', c_one: 'una', c_other: '{{count}}' } }, english)).toEqual([
      'es: a.b has {{}}, English {{name}}',
      'es: a.c has forms [one,other], not [many,one,other]',
    ]);
    expect(catalogProblems('hi', { a: { c_one: 'x', c_other: 'y' } }, english)).toEqual(['hi: missing a.b']);
  });

  it('words plurals by each language’s rules and dates in its own way', async () => {
    const say = async (tag: string, count: number) => (
      await i18n.changeLanguage(tag),
      i18n.t('history.badge', { count })
    );
    expect(await say('en', 1)).toBe('1 missed call to call back');
    expect(await say('en', 3)).toBe('3 missed calls to call back');
    expect(await say('es', 1)).toBe('1 llamada perdida por devolver');
    expect(await say('es', 2)).toBe('2 llamadas perdidas por devolver');
    expect(await say('ar', 2)).toBe('مكالمتان فائتتان لمعاودة الاتصال');
    expect(await say('ar', 11)).toContain('مكالمة');
    const at = new Date(Date.UTC(2026, 0, 5, 2, 0));
    const when = { count: 1, when: at, formatParams: { when: { timeZone: 'UTC' } } };
    await i18n.changeLanguage('en');
    expect(i18n.t('customer.earlier', when)).toBe(
      `Called once before; last on ${new Intl.DateTimeFormat('en', { timeZone: 'UTC' }).format(at)}`,
    );
    await i18n.changeLanguage('es');
    expect(i18n.t('customer.earlier', when)).toContain(new Intl.DateTimeFormat('es', { timeZone: 'UTC' }).format(at));
    await i18n.changeLanguage('en');
  });

  it('picks the agent’s choice, then the operating system’s languages, then English', () => {
    expect(pickLanguage('ar', ['es-ES'])).toBe('ar');
    expect(pickLanguage(undefined, ['fr-FR', 'pt-PT'])).toBe('pt-BR');
    expect(pickLanguage(undefined, ['es-MX'])).toBe('es');
    expect(pickLanguage(undefined, ['hi-IN'])).toBe('hi');
    expect(pickLanguage('xx', ['de-DE'])).toBe('en');
  });
});
