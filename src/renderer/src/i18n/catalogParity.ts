/** Test support: what is wrong between a set of message catalogues and the English one they translate. */

export function flatten(value: unknown, prefix = ''): Record<string, string> {
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

/** Messages by key, plural forms gathered under their base key ('' for a message without forms). */
function byBase(catalog: unknown): Map<string, Record<string, string>> {
  const bases = new Map<string, Record<string, string>>();
  for (const [key, text] of Object.entries(flatten(catalog))) {
    const form = PLURAL.exec(key)?.[1];
    const base = form ? key.slice(0, -form.length - 1) : key;
    bases.set(base, { ...bases.get(base), [form ?? '']: text });
  }
  return bases;
}

/**
 * Every problem of one translation: a message missing or extra, an empty one, a value (placeholder) lost or
 * invented, and plural forms other than exactly those Intl.PluralRules gives its language (i18next falls back to
 * English for a form a language lacks). A plural form may say its number in words ("once", "مرتين"), and Arabic's
 * "zero" form may drop the other values too.
 */
export function catalogProblems(tag: string, catalog: unknown, englishCatalog: unknown): string[] {
  const english = byBase(englishCatalog);
  const translated = byBase(catalog);
  const problems: string[] = [];
  for (const base of english.keys()) if (!translated.has(base)) problems.push(`${tag}: missing ${base}`);
  const categories = new Intl.PluralRules(tag).resolvedOptions().pluralCategories.slice().sort();
  for (const [base, forms] of translated) {
    const source = english.get(base);
    if (!source) {
      problems.push(`${tag}: ${base} is not in English`);
      continue;
    }
    const wantedForms = '' in source ? [''] : categories;
    if (Object.keys(forms).sort().join() !== wantedForms.join())
      problems.push(`${tag}: ${base} has forms [${Object.keys(forms).sort()}], not [${wantedForms}]`);
    const wanted = placeholders(Object.values(source).join(' ')).filter((p) => p !== 'count');
    for (const [form, text] of Object.entries(forms)) {
      if (!text.trim()) problems.push(`${tag}: ${base} ${form} is empty`);
      const used = placeholders(text);
      const others = used.filter((p) => p !== 'count');
      if (form && form !== 'zero' && others.join() !== wanted.join())
        problems.push(`${tag}: ${base}_${form} has {{${others}}}, English {{${wanted}}}`);
      if (!form && used.join() !== placeholders(source['']!).join())
        problems.push(`${tag}: ${base} has {{${used}}}, English {{${placeholders(source['']!)}}}`);
    }
  }
  return problems;
}

/** Messages identical to English, values aside: a catalogue copied from English would pass every other check. */
export function copiedFromEnglish(catalog: unknown, englishCatalog: unknown): string[] {
  const english = flatten(englishCatalog);
  const translated = flatten(catalog);
  return Object.keys(english).filter(
    (k) => english[k] === translated[k] && english[k]!.replace(/{{[^}]*}}/g, '').trim() !== '',
  );
}
