/** One answered call waiting for its outcome and notes; `draft`: what the agent has entered so far. */
export interface PendingWrapUp {
  callId: string;
  sinceMs: number;
  draft?: { outcome: string; notes: string };
}

/** After-call work: the calls still to write up, in the order they ended, and when the desk returns by itself. */
export interface WrapUpState {
  calls: PendingWrapUp[];
  autoReturnAtMs?: number;
}

/**
 * After-call work: from the end of an answered call until the agent has saved the outcome of every call ended
 * since (or the automatic return passes), the desk takes no new call (`onBusy(true)`), then goes back to what the
 * agent had chosen (`onBusy(false)`). Each call ending restarts the automatic return, so the agent gets the time
 * the operator set for the latest call; when it passes, the desk returns and the unsaved wrap-ups close together.
 * Once the agent writes in a wrap-up (`keep`), the automatic return stops until every wrap-up is saved: what they
 * wrote is never closed unsaved.
 */
export function createWrapUp(options: { now?: () => number; onBusy(busy: boolean): void; onChange(): void }) {
  const now = options.now ?? Date.now;
  let calls: PendingWrapUp[] = [];
  let autoReturnAtMs: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let kept = false;
  /** Wrap-ups the agent wrote in (their first key, or a draft with words). */
  const written = new Set<string>();

  function returnToCalls(): void {
    clearTimeout(timer);
    calls = [];
    written.clear();
    autoReturnAtMs = undefined;
    kept = false;
    options.onBusy(false);
    options.onChange();
  }

  // A draft that reached main before the agent's first keys did (keep) still holds the return back.
  function autoReturn(): void {
    const written = calls.find((c) => c.draft && (c.draft.notes !== '' || c.draft.outcome !== ''));
    if (written) keep(written.callId);
    else returnToCalls();
  }

  function finish(callId: string): boolean {
    if (!calls.some((c) => c.callId === callId)) return false;
    calls = calls.filter((c) => c.callId !== callId);
    written.delete(callId);
    if (calls.length === 0) returnToCalls();
    else options.onChange();
    return true;
  }

  function start(callId: string, autoReturnSec = 0): void {
    // One wrap-up per answered call, however often its end is reported.
    if (calls.some((c) => c.callId === callId)) return;
    clearTimeout(timer);
    const sinceMs = now();
    calls = [...calls, { callId, sinceMs }];
    autoReturnAtMs = autoReturnSec > 0 ? sinceMs + autoReturnSec * 1000 : undefined;
    if (kept) autoReturnAtMs = undefined;
    else if (autoReturnSec > 0) timer = setTimeout(autoReturn, autoReturnSec * 1000);
    options.onBusy(true);
    options.onChange();
  }

  /** The agent wrote in an open wrap-up: no automatic return until they save. False for a call with none open. */
  function keep(callId: string): boolean {
    if (!calls.some((c) => c.callId === callId)) return false;
    written.add(callId);
    if (kept) return true;
    kept = true;
    clearTimeout(timer);
    if (autoReturnAtMs !== undefined) {
      autoReturnAtMs = undefined;
      options.onChange();
    }
    return true;
  }

  /**
   * What the agent has entered so far, kept here so a desk page opened again (the tab closed, the window reloaded)
   * shows it. Not announced: only a page that opens reads it.
   */
  function saveDraft(callId: string, draft: { outcome: string; notes: string }): boolean {
    if (!calls.some((c) => c.callId === callId)) return false;
    calls = calls.map((c) => (c.callId === callId ? { ...c, draft } : c));
    if (draft.notes !== '' || draft.outcome !== '') written.add(callId);
    return true;
  }

  return {
    start,
    finish,
    keep,
    saveDraft,
    /** Whether the agent wrote in this open wrap-up: nothing but Save closes it then. */
    writing: (callId: string): boolean => written.has(callId),
    state: (): WrapUpState | undefined =>
      calls.length === 0 ? undefined : { calls, ...(autoReturnAtMs === undefined ? {} : { autoReturnAtMs }) },
    close: () => clearTimeout(timer),
  };
}
