import { KNOWN_CALL_ERROR_CODES } from '../../../shared/callErrors';
import type { Sentence } from '../../../shared/sentence';
import { useTranslation } from 'react-i18next';
import { Say } from './Say';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** WhatsApp's error code in words, from the catalogue's WhatsApp sentences (the code kept for support). */
function whatsappCodeText(code: number, t: Translate): string {
  const known = KNOWN_CALL_ERROR_CODES.includes(code);
  const sentence = t(`whatsappErrors.${known ? code : 'unknown'}`);
  return t('whatsappErrors.withCode', { sentence, code }) + (known ? '' : '.');
}

/** A sentence the main process sent as a message and its values, worded in the agent's language. */
export function Said({ s }: { s: Sentence }) {
  const { t } = useTranslation();
  if (s.key === 'whatsappCode' || s.key === 'whatsappNoCode') return <>{saidText(s, t)}</>;
  const text: Record<string, string> = {};
  const numbers: Record<string, number> = {};
  for (const [name, value] of Object.entries(s.values ?? {})) {
    if (typeof value === 'number') numbers[name] = value;
    else text[name] = value;
  }
  return <Say k={`mainSays.${s.key}`} values={text} options={numbers} ltr={['host', 'where', 'file', 'keys']} />;
}

/** A stable React key for a sentence in a list. */
export const sentenceKey = (s: Sentence): string => `${s.key}:${JSON.stringify(s.values ?? {})}`;

/** The same as plain text, where only a string will do (a field's error line). */
export function saidText(s: Sentence, t: Translate): string {
  if (s.key === 'whatsappCode') return whatsappCodeText(Number(s.values?.code), t);
  if (s.key === 'whatsappNoCode') return t('whatsappErrors.noCode');
  return t(`mainSays.${s.key}`, s.values);
}

/** A refused request in the agent's language: main's messages one after the other, else its English. */
export function resultText(result: { error: string; said?: Sentence[] }, t: Translate): string {
  return result.said?.length ? result.said.map((s) => saidText(s, t)).join(' ') : result.error;
}
