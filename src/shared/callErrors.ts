import { whatsappWordsEn } from './whatsappWords/en';
/**
 * Meta's calling error codes in words an agent can act on. Codes and meanings from Meta's "Troubleshoot WhatsApp
 * Calling Errors" reference (updated June 2026; 138008 as Meta reports it for an answer it refuses to validate).
 * The English words are the catalogue's own (whatsappWords/en.ts), so the log and an English desk read the same; the
 * renderer shows each in the agent's language from its catalogues (`whatsappErrors.<code>`).
 */
const SENTENCES: Record<number, string> = Object.fromEntries(
  Object.entries(whatsappWordsEn.whatsappErrors).filter(([code]) => /^\d+$/.test(code)),
);

/** Every code with a sentence of its own. */
export const KNOWN_CALL_ERROR_CODES: readonly number[] = Object.keys(SENTENCES).map(Number);

/** One plain sentence for a WhatsApp error, with its code kept for support; undefined for codes not known here. */
export function callErrorSentence(code: number): string | undefined {
  const sentence = SENTENCES[code];
  return sentence && `${sentence} (WhatsApp code ${code})`;
}

/** The sentence for any error WhatsApp reports: its own where known, a general one keeping the code otherwise. */
export function anyCallErrorSentence(code: number | undefined): string {
  if (code === undefined)
    return 'WhatsApp reported a problem with this call without saying which; the details are in the log.';
  return callErrorSentence(code) ?? `WhatsApp reported a problem with this call (WhatsApp code ${code}).`;
}

/** The WhatsApp error code an error carries (Graph API errors do), if any. */
export function whatsAppErrorCode(error: unknown): number | undefined {
  const code = (error as { details?: { code?: unknown } } | undefined)?.details?.code;
  return typeof code === 'number' ? code : undefined;
}
