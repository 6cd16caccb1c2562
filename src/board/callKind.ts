import type { BoardSnapshot } from '../shared/boardSchemas';
import { say } from './i18n';

/**
 * What a call in progress outside any queue is, in the board's language: one an agent placed for a queue's callback
 * (a customer who asked to be called back), another call an agent placed, or unknown.
 */
export function callKind(call: Pick<BoardSnapshot['inProgress'][number], 'direction' | 'callback'>): string {
  if (call.callback) return say('row.callback');
  return call.direction === 'outbound' ? say('row.outbound') : '–';
}
