import type { HistoryEntry } from '../../../shared/historySchemas';

/** The history table's columns the agent can sort by. */
export type HistoryColumn = 'when' | 'who' | 'direction' | 'result' | 'duration' | 'outcome' | 'agent';
export type SortDirection = 'ascending' | 'descending';
export interface HistorySort {
  column: HistoryColumn;
  direction: SortDirection;
}

/** The newest call first, as the history opens. */
export const DEFAULT_SORT: HistorySort = { column: 'when', direction: 'descending' };

/** Who handled the call, from how it ended: this desk, a colleague, or nobody (missed, rejected, failed). */
export function handledBy(entry: Pick<HistoryEntry, 'endReason'>): 'you' | 'colleague' | undefined {
  switch (entry.endReason) {
    case undefined:
    case 'answered':
    case 'remote_hangup':
    case 'transferred':
      return 'you';
    case 'answered_elsewhere':
    case 'passed_on':
    case 'withdrawn_not_ready':
    case 'invitation_ended':
      return 'colleague';
    default:
      return undefined;
  }
}

/** A click on a header: the same column turns round; another starts newest (when) or A to Z (the rest). */
export function nextSort(current: HistorySort, column: HistoryColumn): HistorySort {
  if (current.column === column)
    return { column, direction: current.direction === 'ascending' ? 'descending' : 'ascending' };
  return { column, direction: column === 'when' || column === 'duration' ? 'descending' : 'ascending' };
}

/**
 * The rows in the order asked, by what each cell shows (`label` words the text columns as the agent reads them);
 * rows without a value go last either way, and equal rows keep the newest first.
 */
export function sortHistory(
  entries: readonly HistoryEntry[],
  sort: HistorySort,
  label: (entry: HistoryEntry, column: HistoryColumn) => string,
  locale: string,
): HistoryEntry[] {
  const collator = new Intl.Collator(locale, { sensitivity: 'base', numeric: true });
  const value = (e: HistoryEntry): string | number | undefined =>
    sort.column === 'when'
      ? e.offeredAtMs
      : sort.column === 'duration'
        ? e.durationSec
        : label(e, sort.column) || undefined;
  const sign = sort.direction === 'ascending' ? 1 : -1;
  return [...entries].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === undefined || y === undefined) {
      if (x !== y) return x === undefined ? 1 : -1;
    } else {
      const order = typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
      if (order !== 0) return sign * order;
    }
    return b.offeredAtMs - a.offeredAtMs;
  });
}
