import { describe, expect, it } from 'vitest';
import type { HistoryEntry } from '../../../shared/historySchemas';
import { DEFAULT_SORT, handledBy, nextSort, sortHistory, type HistoryColumn } from './historySort';

const entry = (callId: string, patch: Partial<HistoryEntry>): HistoryEntry => ({
  callId,
  direction: 'inbound',
  number: '447700900001',
  offeredAtMs: 0,
  ...patch,
});

const rows = [
  entry('a', { offeredAtMs: 1000, name: 'Zoë', durationSec: 30, endReason: 'answered' }),
  entry('b', { offeredAtMs: 3000, name: 'ana', endReason: 'missed' }),
  entry('c', { offeredAtMs: 2000, name: 'Bruno', durationSec: 300, endReason: 'remote_hangup' }),
  entry('d', { offeredAtMs: 4000, name: 'Ángel', durationSec: 5, endReason: 'answered_elsewhere' }),
];
const label = (e: HistoryEntry, column: HistoryColumn) =>
  column === 'who' ? (e.name ?? e.number) : column === 'agent' ? (handledBy(e) ?? '') : '';
const ids = (column: HistoryColumn, direction: 'ascending' | 'descending') =>
  sortHistory(rows, { column, direction }, label, 'es').map((e) => e.callId);

describe('the history table’s sorting', () => {
  it('opens newest first and sorts by time either way', () => {
    expect(ids(DEFAULT_SORT.column, DEFAULT_SORT.direction)).toEqual(['d', 'b', 'c', 'a']);
    expect(ids('when', 'ascending')).toEqual(['a', 'c', 'b', 'd']);
  });

  it('sorts names as the language does (accents and case aside), and durations as numbers with blanks last', () => {
    expect(ids('who', 'ascending')).toEqual(['b', 'd', 'c', 'a']);
    expect(ids('who', 'descending')).toEqual(['a', 'c', 'd', 'b']);
    expect(ids('duration', 'descending')).toEqual(['c', 'a', 'd', 'b']);
    expect(ids('duration', 'ascending')).toEqual(['d', 'a', 'c', 'b']);
  });

  it('keeps the newest first among equal rows, and rows with no agent last', () => {
    // "you": a and c (c newer first), then the colleague's d, then the missed b with nobody.
    expect(ids('agent', 'descending')).toEqual(['c', 'a', 'd', 'b']);
  });

  it('turns a column round on a second click; a new column starts newest or A to Z', () => {
    expect(nextSort(DEFAULT_SORT, 'when')).toEqual({ column: 'when', direction: 'ascending' });
    expect(nextSort(DEFAULT_SORT, 'who')).toEqual({ column: 'who', direction: 'ascending' });
    expect(nextSort({ column: 'who', direction: 'ascending' }, 'duration')).toEqual({
      column: 'duration',
      direction: 'descending',
    });
  });

  it('says who handled a call from how it ended', () => {
    expect(handledBy({ endReason: 'remote_hangup' })).toBe('you');
    expect(handledBy({ endReason: 'passed_on' })).toBe('colleague');
    expect(handledBy({ endReason: 'missed' })).toBeUndefined();
  });
});
