import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { ar } from './ar';
import { en } from './en';
import { es } from './es';
import { hi } from './hi';
import { ptBR } from './ptBR';

/** The languages the phone speaks, by BCP 47 tag, with their own names for the language menu. */
export const LANGUAGES = [
  { tag: 'en', name: 'English', catalog: en },
  { tag: 'es', name: 'Español', catalog: es },
  { tag: 'pt-BR', name: 'Português (Brasil)', catalog: ptBR },
  { tag: 'hi', name: 'हिन्दी', catalog: hi },
  { tag: 'ar', name: 'العربية', catalog: ar },
] as const;

const RIGHT_TO_LEFT = new Set(['ar']);

/** The agent's choice if the phone has it, else the first OS language it has (pt-PT falls to pt-BR), else English. */
export function pickLanguage(choice: string | undefined, osLanguages: readonly string[]): string {
  const tags = LANGUAGES.map((l) => l.tag as string);
  for (const wanted of [choice, ...osLanguages]) {
    if (!wanted) continue;
    const exact = tags.find((t) => t.toLowerCase() === wanted.toLowerCase());
    if (exact) return exact;
    const base = wanted.split('-')[0]!.toLowerCase();
    const sameBase = tags.find((t) => t.split('-')[0]!.toLowerCase() === base);
    if (sameBase) return sameBase;
  }
  return 'en';
}

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: Object.fromEntries(LANGUAGES.map((l) => [l.tag, { translation: l.catalog }])),
  lng: 'en',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Switches the interface language and the page's direction (Arabic reads right to left). */
export function applyLanguage(tag: string): void {
  if (i18n.language !== tag) void i18n.changeLanguage(tag);
  document.documentElement.lang = tag;
  document.documentElement.dir = RIGHT_TO_LEFT.has(tag) ? 'rtl' : 'ltr';
}

const WHEN_STYLES = {
  time: { timeStyle: 'short' },
  dateTime: { dateStyle: 'medium', timeStyle: 'short' },
} as const satisfies Record<string, Intl.DateTimeFormatOptions>;
export type WhenStyle = keyof typeof WHEN_STYLES;

/** A moment in the interface language's own way (Intl through i18next's formatter): "14:05", "2:05 PM", "١٤:٠٥". */
export function formatWhen(ms: number, style: WhenStyle): string {
  return i18n.services.formatter!.format(new Date(ms), 'datetime', i18n.language, { ...WHEN_STYLES[style] });
}

/** Options for a message that interpolates a moment as `{{name, datetime}}`. */
export function whenOptions(name: string, ms: number, style: WhenStyle): Record<string, unknown> {
  return { [name]: new Date(ms), formatParams: { [name]: WHEN_STYLES[style] } };
}
