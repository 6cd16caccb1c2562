import i18next from 'i18next';
import { ar } from './ar';
import { en } from './en';
import { es } from './es';
import { hi } from './hi';
import { ptBR } from './ptBR';

/** The board's languages, the same five as the desk's, each named in itself for the language menu. */
export const BOARD_LANGUAGES = [
  { tag: 'en', name: 'English', catalog: en },
  { tag: 'es', name: 'Español', catalog: es },
  { tag: 'pt-BR', name: 'Português (Brasil)', catalog: ptBR },
  { tag: 'hi', name: 'हिन्दी', catalog: hi },
  { tag: 'ar', name: 'العربية', catalog: ar },
] as const;

const CHOICE_KEY = 'board-language';
const RIGHT_TO_LEFT = new Set(['ar']);

/** The supervisor's choice if the board has it, else the browser's first language it has, else English. */
export function pickBoardLanguage(choice: string | null | undefined, browser: readonly string[]): string {
  const tags = BOARD_LANGUAGES.map((l) => l.tag as string);
  for (const wanted of [choice, ...browser]) {
    if (!wanted) continue;
    const exact = tags.find((t) => t.toLowerCase() === wanted.toLowerCase());
    if (exact) return exact;
    const sameBase = tags.find((t) => t.split('-')[0] === wanted.split('-')[0]!.toLowerCase());
    if (sameBase) return sameBase;
  }
  return 'en';
}

export const boardI18n = i18next.createInstance();
void boardI18n.init({
  resources: Object.fromEntries(BOARD_LANGUAGES.map((l) => [l.tag, { translation: l.catalog }])),
  lng: 'en',
  fallbackLng: 'en',
  initAsync: false,
  interpolation: { escapeValue: false },
});
export const say = (key: string, values?: Record<string, unknown>): string => boardI18n.t(key, values);

/** A moment in the board's language (Intl through i18next's formatter). */
export function boardWhen(ms: number, options: Intl.DateTimeFormatOptions): string {
  return boardI18n.services.formatter!.format(new Date(ms), 'datetime', boardI18n.language, { ...options });
}

/** A percentage (80 for 80 %) as the board's language writes it (Intl through i18next's formatter): 80%, 80 %. */
export function boardPercent(pct: number): string {
  const options = { style: 'percent', maximumFractionDigits: 1 };
  return boardI18n.services.formatter!.format(pct / 100, 'number', boardI18n.language, options);
}

/**
 * Words the page's fixed text in the chosen language: `data-i18n` names the message for an element's text,
 * `data-i18n-label` for its aria-label; the title, `lang` and reading direction follow.
 */
function wordPage(titleKey: string): void {
  document.documentElement.lang = boardI18n.language;
  document.documentElement.dir = RIGHT_TO_LEFT.has(boardI18n.language) ? 'rtl' : 'ltr';
  document.title = say(titleKey);
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = say(el.dataset.i18n!);
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n-label]'))
    el.setAttribute('aria-label', say(el.dataset.i18nLabel!));
}

/**
 * Sets the board's language from the supervisor's last choice or the browser, fills the language menu
 * (`#language`), and re-words the page and its live parts (`redraw`) when the supervisor picks another.
 */
export function startBoardLanguage(titleKey: string, redraw: () => void): void {
  const apply = (tag: string) => {
    void boardI18n.changeLanguage(tag);
    wordPage(titleKey);
    redraw();
  };
  const menu = document.getElementById('language') as HTMLSelectElement | null;
  const chosen = pickBoardLanguage(localStorage.getItem(CHOICE_KEY), navigator.languages ?? []);
  if (menu) {
    menu.replaceChildren(
      ...BOARD_LANGUAGES.map((l) => {
        const option = new Option(l.name, l.tag, false, l.tag === chosen);
        option.lang = l.tag;
        return option;
      }),
    );
    menu.addEventListener('change', () => {
      localStorage.setItem(CHOICE_KEY, menu.value);
      apply(menu.value);
    });
  }
  apply(chosen);
}
