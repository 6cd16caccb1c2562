/**
 * Runs a step for each item, at most `limit` at once, started in the order given. Each step gets its turn (a promise
 * kept once every earlier step has passed its own) to wait for where the order matters, and `pass` to call once it
 * is through that part; a step that ends passes its turn anyway. Steps catch their own errors: one that fails rejects
 * the run.
 */
export async function runInTurns<T>(
  items: readonly T[],
  limit: number,
  step: (item: T, turn: Promise<void>, pass: () => void) => Promise<void>,
): Promise<void> {
  let previous: Promise<void> = Promise.resolve();
  const steps = items.map((item) => {
    let pass!: () => void;
    const passed = new Promise<void>((resolve) => (pass = resolve));
    const turn = previous;
    previous = Promise.all([turn, passed]).then(() => undefined);
    return () => step(item, turn, pass).finally(pass);
  });
  let next = 0;
  // A step waits only for earlier ones, which were started before it: the turns cannot wait on each other in a ring.
  const worker = async () => {
    while (next < steps.length) await steps[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, steps.length) }, worker));
}
