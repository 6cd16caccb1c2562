import { describe, expect, it } from 'vitest';
import { i18n, LANGUAGES, pickLanguage } from './index';

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.assign(
    {},
    ...Object.entries(value as Record<string, unknown>).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)),
  );
}
/** The names a message interpolates, formatted or not (`{{when, datetime}}` names `when`). */
const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/{{(\w+)(?:,[^}]*)?}}/g)].map((m) => m[1]!))].sort();
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Messages by key, plural forms gathered under their base key. */
function byBase(catalog: unknown): Map<string, Record<string, string>> {
  const bases = new Map<string, Record<string, string>>();
  for (const [key, text] of Object.entries(flatten(catalog))) {
    const form = PLURAL.exec(key)?.[1];
    const base = form ? key.slice(0, -form.length - 1) : key;
    bases.set(base, { ...bases.get(base), [form ?? '']: text });
  }
  return bases;
}

describe('message catalogues', () => {
  const english = byBase(LANGUAGES[0].catalog);

  it.each(LANGUAGES.map((l) => [l.tag, l.catalog] as const))(
    '%s has every English message, with the same placeholders, and exactly the plural forms its language has',
    (tag, catalog) => {
      const translated = byBase(catalog);
      expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
      const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories.slice().sort();
      for (const [base, forms] of translated) {
        const source = english.get(base)!;
        if ('' in source) {
          expect(Object.keys(forms), base).toEqual(['']);
        } else {
          // A language without "many" (English) must not carry one; Arabic must carry all six.
          expect(Object.keys(forms).sort(), `${tag} ${base}`).toEqual(categories);
        }
        const wanted = placeholders(Object.values(source).join(' ')).filter((p) => p !== 'count');
        for (const [form, text] of Object.entries(forms)) {
          expect(text.trim(), `${base} ${form}`).not.toBe('');
          const used = placeholders(text);
          // A plural form may say the number in words ("once", "مرتين") but must keep every other value.
          expect(
            used.filter((p) => p !== 'count'),
            `${tag} ${base} ${form}`,
          ).toEqual(form === 'zero' ? used.filter((p) => p !== 'count') : wanted);
          if (!form) expect(used, `${tag} ${base}`).toEqual(placeholders(source['']!));
        }
      }
    },
  );

  it.each(LANGUAGES.slice(1).map((l) => [l.tag, l.catalog] as const))(
    '%s is translated, not copied from English',
    (_tag, catalog) => {
      const english = flatten(LANGUAGES[0].catalog);
      const translated = flatten(catalog);
      // Messages that are only a value ("{{problem}}") are the same in every language.
      const same = Object.keys(english).filter(
        (k) => english[k] === translated[k] && english[k]!.replace(/{{[^}]*}}/g, '').trim() !== '',
      );
      expect(same.length, same.join(', ')).toBeLessThan(Object.keys(english).length / 10);
    },
  );

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
    await i18n.changeLanguage('en');
    const english = i18n.t('customer.earlier', { count: 1, when: at, formatParams: { when: { timeZone: 'UTC' } } });
    await i18n.changeLanguage('es');
    const spanish = i18n.t('customer.earlier', { count: 1, when: at, formatParams: { when: { timeZone: 'UTC' } } });
    expect(english).toBe(
      `Called once before; last on ${new Intl.DateTimeFormat('en', { timeZone: 'UTC' }).format(at)}`,
    );
    expect(spanish).toContain(new Intl.DateTimeFormat('es', { timeZone: 'UTC' }).format(at));
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
