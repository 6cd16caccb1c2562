/** How long one task may spend on queued events before letting the page render and WebRTC answer. */
const BUDGET_MS = 8;

/**
 * Runs delivered events without one long task: the first at once, and any that arrive meanwhile (a burst in one
 * network read) in later tasks, in order, each task stopping after BUDGET_MS. Events run back to back in a task also
 * share one React render.
 */
export function yieldingDelivery(now: () => number = () => performance.now()): (run: () => void) => void {
  const queue: Array<() => void> = [];
  let yielding = false;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    const started = now();
    while (queue.length > 0 && now() - started < BUDGET_MS) queue.shift()!();
    if (queue.length > 0) channel.port2.postMessage(null);
    else yielding = false;
  };
  return (run) => {
    if (yielding) {
      queue.push(run);
      return;
    }
    yielding = true;
    channel.port2.postMessage(null);
    run();
  };
}
