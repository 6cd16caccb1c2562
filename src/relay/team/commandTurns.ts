/**
 * When each of an instance's team commands runs: commands naming none of the same keys (agents, calls) run at once,
 * those naming one run in the order given; a sweep runs alone, after every command before it and before every one
 * after it.
 */
export function createCommandTurns() {
  const lastByKey = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<unknown>>();
  let lastSweep: Promise<unknown> = Promise.resolve();

  function shared<T>(keys: string[], run: () => Promise<T>): Promise<T> {
    const named = [...new Set(keys)];
    const before = named.flatMap((k) => lastByKey.get(k) ?? []);
    const mine = Promise.allSettled([lastSweep, ...before]).then(run);
    const settled: Promise<unknown> = mine.catch(() => undefined);
    for (const k of named) lastByKey.set(k, settled);
    inFlight.add(settled);
    void settled.then(() => {
      inFlight.delete(settled);
      for (const k of named) if (lastByKey.get(k) === settled) lastByKey.delete(k);
    });
    return mine;
  }

  function alone<T>(run: () => Promise<T>): Promise<T> {
    const mine = Promise.allSettled([lastSweep, ...inFlight]).then(run);
    lastSweep = mine.catch(() => undefined);
    return mine;
  }

  return { shared, alone };
}
