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

/** What a page that reads from the relay (a report, the audit trail, a recording) says when it is refused. */
export function readRefusedSentence(status: number, what: 'report' | 'audit' | 'recording'): string {
  if (status === 400 && what !== 'recording')
    return say(what === 'report' ? 'readRefused.badReportDates' : 'readRefused.badDates');
  if (status === 503) return say('readRefused.unavailable');
  if (status === 404) return say(what === 'recording' ? 'readRefused.noRecording' : 'readRefused.noRecords');
  if (status === 403 && what === 'recording') return say('readRefused.otherQueue');
  return say('readRefused.other', { status });
}
