/**
 * Text from outside (a customer's WhatsApp profile name, an agent's notes) as the product keeps and shows it.
 * Bidirectional overrides and embeddings (U+202A-U+202E) and isolates (U+2066-U+2069) are dropped: inside one name
 * they reverse what follows ("evil" shown as "live", "<b>x</b>" as "<b/>x<b>"), a known way to disguise text; the
 * page isolates each name and note itself. Letters of every script, emoji and ordinary marks stay.
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

/** Longest customer name kept: more than any real one, short enough that a card never fills the screen. */
export const CUSTOMER_NAME_MAX = 100;

export const withoutBidiControls = (text: string): string => text.replace(BIDI_CONTROLS, '');

/** A customer's profile name as kept: without bidi controls, at most `CUSTOMER_NAME_MAX` characters (then "…"). */
export function customerName(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const clean = withoutBidiControls(raw).trim();
  if (!clean) return undefined;
  const chars = [...clean];
  return chars.length > CUSTOMER_NAME_MAX ? `${chars.slice(0, CUSTOMER_NAME_MAX - 1).join('')}…` : clean;
}
