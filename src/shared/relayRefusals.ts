import { z } from 'zod';

import { relayRefusalWordsEn } from './relayRefusalWords';

/**
 * Why the team relay refused an agent's request, by key and values: the relay writes the English (its log, the
 * desk's log), the desk words the key in the agent's language (`mainSays.<key>` in its catalogues).
 */
type Values = Record<string, string | number>;
type Words = typeof relayRefusalWordsEn;
type KeyOf<W extends string> = W extends `${infer Base}_${'one' | 'other'}` ? Base : W;

const WORDS: Record<string, string> = relayRefusalWordsEn;
const KEYS = [...new Set(Object.keys(relayRefusalWordsEn).map((word) => word.replace(/_(one|other)$/, '')))];
const englishPlural = new Intl.PluralRules('en');

export type RelayRefusalKey = KeyOf<keyof Words>;
export const RELAY_REFUSAL_KEYS = KEYS as RelayRefusalKey[];
/** Refusals that say how long to wait: `count` minutes, worded with the language's plural forms. */
export const RELAY_REFUSALS_WITH_WAIT = KEYS.filter((key) => `${key}_other` in WORDS) as RelayRefusalKey[];

/** The refusal in English, as the relay logs it and an English desk shows it. */
export function relayRefusalEnglish(key: RelayRefusalKey, values: Values = {}): string {
  const template = WORDS[key] ?? WORDS[`${key}_${englishPlural.select(Number(values.count))}`] ?? '';
  return template.replace(/{{(\w+)}}/g, (_, name: string) => String(values[name] ?? ''));
}

export const RelayRefusalSaid = z.object({
  key: z.enum(RELAY_REFUSAL_KEYS as [RelayRefusalKey, ...RelayRefusalKey[]]),
  values: z.record(z.string().max(40), z.union([z.string().max(200), z.number()])).optional(),
});
export type RelayRefusalSaid = z.infer<typeof RelayRefusalSaid>;
