/** A snapshot build running longer than this is taken as stuck: the team's store does not answer. */
export const STALL_AFTER_MS = 2000;

/**
 * Whether the board's snapshots are stuck: the last build failed (the store refused or is down), or the one under way
 * has run past `afterMs` (the store hangs; its commands wait with no time limit).
 */
export function trackSnapshotBuilds(afterMs = STALL_AFTER_MS, now: () => number = Date.now) {
  let startedAtMs: number | undefined;
  let failed = false;
  return {
    started(): void {
      startedAtMs = now();
    },
    ended(ok: boolean): void {
      startedAtMs = undefined;
      failed = !ok;
    },
    stalled(): boolean {
      return failed || (startedAtMs !== undefined && now() - startedAtMs > afterMs);
    },
  };
}
