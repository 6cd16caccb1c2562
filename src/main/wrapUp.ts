export interface WrapUpState {
  callId: string;
  sinceMs: number;
  autoReturnAtMs?: number;
}

/**
 * After-call work: from the end of an answered call until the agent saves an outcome (or the timer runs out),
 * the desk takes no new call (`onBusy(true)`), then goes back to what the agent had chosen (`onBusy(false)`).
 */
export function createWrapUp(options: { now?: () => number; onBusy(busy: boolean): void; onChange(): void }) {
  const now = options.now ?? Date.now;
  let current: WrapUpState | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  function finish(callId?: string): boolean {
    if (!current || (callId !== undefined && current.callId !== callId)) return false;
    clearTimeout(timer);
    current = undefined;
    options.onBusy(false);
    options.onChange();
    return true;
  }

  return {
    start(callId: string, autoReturnSec = 0): void {
      clearTimeout(timer);
      const sinceMs = now();
      current = { callId, sinceMs, ...(autoReturnSec > 0 ? { autoReturnAtMs: sinceMs + autoReturnSec * 1000 } : {}) };
      if (autoReturnSec > 0) timer = setTimeout(() => finish(callId), autoReturnSec * 1000);
      options.onBusy(true);
      options.onChange();
    },
    finish,
    state: (): WrapUpState | undefined => current,
    close: () => clearTimeout(timer),
  };
}
