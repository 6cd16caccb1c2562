import type { Page } from '@playwright/test';

/** Every message of a catalogue by its dotted key. */
export function flattenCatalog(value: unknown, prefix = ''): Record<string, string> {
  if (typeof value === 'string') return { [prefix]: value };
  return Object.assign(
    {},
    ...Object.entries(value as Record<string, unknown>).map(([k, v]) =>
      flattenCatalog(v, prefix ? `${prefix}.${k}` : k),
    ),
  );
}

/**
 * What a person can read on the page, or hear from a screen reader, that is English left untranslated: text whose
 * whole matches an English message (its values being anything) while not matching the same message in the page's
 * language (a word the same in both, such as "OK" or "Webhook", passes), and dotted keys i18next could not find.
 */
export async function untranslated(
  page: Page,
  english: Record<string, string>,
  translated: Record<string, string>,
): Promise<string[]> {
  return page.evaluate(
    ({ english, translated }) => {
      const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const template = (text: string) =>
        new RegExp(
          `^${text
            .split(/{{[^}]*}}/)
            .map((part) => escape(part.replace(/\s+/g, ' ')))
            .join('.+?')}$`,
          's',
        );
      const messages = Object.entries(english)
        // A message that is only values and punctuation ("{{problem}}", "{{what}}.") says nothing in any language.
        .filter(([, text]) => /\p{L}/u.test(text.replace(/{{[^}]*}}/g, '')))
        .map(([key, text]) => ({
          key,
          text,
          english: template(text),
          own: translated[key] === undefined ? undefined : template(translated[key]!),
        }));
      const keys = new Set(Object.keys(english).map((k) => k.replace(/_(zero|one|two|few|many|other)$/, '')));
      const visible = (el: Element) => {
        const box = el.getBoundingClientRect();
        const style = getComputedStyle(el);
        return style.visibility !== 'hidden' && style.display !== 'none' && (box.width > 0 || box.height > 0);
      };
      const seen = new Set<string>();
      const add = (text: string | null | undefined) => {
        const clean = (text ?? '')
          .replace(/[\u2066-\u2069]/g, '')
          .replace(/\s+/g, ' ')
          .trim();
        if (clean && clean.length < 800) seen.add(clean);
      };
      add(document.title);
      for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('script, style, [hidden]')) continue;
        for (const attr of ['aria-label', 'placeholder', 'title', 'alt', 'aria-description'])
          add(el.getAttribute(attr));
        const srOnly = el.closest('.sr-only, [role="status"], [role="alert"]');
        if (!srOnly && !visible(el)) continue;
        add((el as HTMLElement).innerText);
        for (const node of el.childNodes) if (node.nodeType === Node.TEXT_NODE) add(node.textContent);
      }
      const found: string[] = [];
      for (const text of seen) {
        if (keys.has(text)) found.push(`missing key shown: ${text}`);
        for (const m of messages) {
          if (m.english.test(text) && !(m.own && m.own.test(text))) found.push(`${m.key}: "${text}"`);
        }
      }
      return [...new Set(found)];
    },
    { english, translated },
  );
}
