import { say } from './i18n';

/**
 * What a settings page says when the relay refuses a load or a save with a status the page has no sentence of its
 * own for (the relay's detail is in its log): a body too long, one too slow to arrive, the database away, or else.
 */
export function refusedSentence(status: number): () => string {
  if (status === 413) return () => say('saveRefused.tooLong');
  if (status === 408) return () => say('saveRefused.tooSlow');
  if (status === 503) return () => say('saveRefused.unavailable');
  return () => say('saveRefused.other', { status });
}
