import type { Sentence } from '../../../shared/sentence';
import { Say } from './Say';

/** A sentence the main process sent as a message and its values, worded in the agent's language. */
export function Said({ s }: { s: Sentence }) {
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
export function saidText(s: Sentence, t: (key: string, values?: Record<string, unknown>) => string): string {
  return t(`mainSays.${s.key}`, s.values);
}
