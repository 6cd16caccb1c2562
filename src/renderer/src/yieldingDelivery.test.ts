import { describe, expect, it } from 'vitest';
import { yieldingDelivery } from './yieldingDelivery';

const nextTask = () => new Promise((r) => setTimeout(r, 5));

describe('yielding delivery of events', () => {
  it('runs a lone event at once', () => {
    const seen: number[] = [];
    yieldingDelivery()(() => seen.push(1));
    expect(seen).toEqual([1]);
  });

  it('runs a burst in order, in later tasks, each task stopping at its time budget', async () => {
    let clock = 0;
    const deliver = yieldingDelivery(() => clock);
    // Events run in the same task share a task number (a microtask marks the end of the task).
    let task = 0;
    let inTask = false;
    const seen: Array<{ event: number; task: number }> = [];
    for (let i = 0; i < 10; i += 1)
      deliver(() => {
        if (!inTask) {
          task += 1;
          inTask = true;
          queueMicrotask(() => (inTask = false));
        }
        seen.push({ event: i, task });
        clock += 3; // each event takes 3 ms: three fit in an 8 ms task
      });
    expect(seen).toEqual([{ event: 0, task: 1 }]);
    for (let i = 0; i < 20 && seen.length < 10; i += 1) await nextTask();
    expect(seen.map((s) => s.event)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const perTask = new Map<number, number>();
    for (const s of seen) perTask.set(s.task, (perTask.get(s.task) ?? 0) + 1);
    expect([...perTask.values()]).toEqual([1, 3, 3, 3]);
    // Once drained, the next event runs at once again.
    deliver(() => seen.push({ event: 10, task: -1 }));
    expect(seen.at(-1)?.event).toBe(10);
  });
});
