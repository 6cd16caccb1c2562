import { describe, expect, it } from 'vitest';
import { LANGUAGES, pickLanguage } from './index';

function flatten(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.assign(
    {},
    ...Object.entries(value as Record<string, unknown>).map(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k)),
  );
}
const placeholders = (text: string) => [...text.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();

describe('message catalogues', () => {
  const english = flatten(LANGUAGES[0].catalog);

  it.each(LANGUAGES.slice(1).map((l) => [l.tag, l.catalog] as const))(
    '%s has every English message, translated, with the same placeholders',
    (_tag, catalog) => {
      const translated = flatten(catalog);
      expect(Object.keys(translated).sort()).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(translated)) {
        expect(text.trim(), key).not.toBe('');
        expect(placeholders(text), key).toEqual(placeholders(english[key]!));
      }
      // A catalogue copied from English would pass the checks above; most messages must differ.
      const same = Object.keys(english).filter((k) => english[k] === translated[k] && !/{{\w+}}$/.test(english[k]!));
      expect(same.length, same.join(', ')).toBeLessThan(Object.keys(english).length / 10);
    },
  );

  it('picks the agent’s choice, then the operating system’s languages, then English', () => {
    expect(pickLanguage('ar', ['es-ES'])).toBe('ar');
    expect(pickLanguage(undefined, ['fr-FR', 'pt-PT'])).toBe('pt-BR');
    expect(pickLanguage(undefined, ['es-MX'])).toBe('es');
    expect(pickLanguage(undefined, ['hi-IN'])).toBe('hi');
    expect(pickLanguage('xx', ['de-DE'])).toBe('en');
  });
});
