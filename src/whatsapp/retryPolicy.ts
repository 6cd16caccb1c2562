import { GraphApiError } from './graphClient';

export type CallAction = 'pre_accept' | 'accept' | 'reject' | 'terminate';

/** Attempts per action: answering is short because a person is waiting; ending tries harder so nothing dangles. */
export const MAX_ATTEMPTS: Record<CallAction, number> = { pre_accept: 2, accept: 2, reject: 3, terminate: 3 };

/**
 * Whether repeating a failed request is safe. pre_accept and accept are repeated only when the first
 * try surely never took effect (connection refused, or 429: not processed); reject and terminate end
 * the call either way, so any transient failure is worth another try.
 */
export function mayRetry(action: CallAction, error: unknown): boolean {
  if (!(error instanceof GraphApiError)) return false;
  const status = error.details.httpStatus ?? 0;
  const notProcessed =
    (error.kind === 'network' && error.details.requestNotSent === true) || (error.kind === 'graph' && status === 429);
  if (action === 'pre_accept' || action === 'accept') return notProcessed;
  return (
    notProcessed || error.kind === 'timeout' || error.kind === 'network' || (error.kind === 'graph' && status >= 500)
  );
}

export function backoffMs(attempt: number): number {
  return 200 * 2 ** (attempt - 1);
}
