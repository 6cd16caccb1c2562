import { describe, expect, it } from 'vitest';
import { JobCancelled, jobSlots } from './jobSlots';

const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe('job slots', () => {
  it('runs at most the limit at once, the rest in order as slots free up', async () => {
    const slots = jobSlots(2);
    const started: number[] = [];
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const runs = gates.map((gate, i) =>
      slots.run(
        async () => {
          started.push(i);
          await gate.promise;
          return i;
        },
        () => true,
      ),
    );
    expect(started).toEqual([0, 1]);
    expect(slots.full).toBe(true);
    gates[1]!.resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve();
    gates[2]!.resolve();
    gates[3]!.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(slots.full).toBe(false);
  });

  it('skips a queued job no longer wanted and goes on with the next; a failing job frees its slot', async () => {
    const slots = jobSlots(1);
    const gate = deferred();
    const first = slots.run(
      async () => {
        await gate.promise;
        throw new Error('broke');
      },
      () => true,
    );
    let wanted = true;
    const ran: string[] = [];
    const second = slots.run(
      async () => void ran.push('second'),
      () => wanted,
    );
    const third = slots.run(
      async () => void ran.push('third'),
      () => true,
    );
    wanted = false;
    gate.resolve();
    await expect(first).rejects.toThrow('broke');
    await expect(second).rejects.toBeInstanceOf(JobCancelled);
    await third;
    expect(ran).toEqual(['third']);
  });

  it('a job that throws at once is a rejection, not a lost slot', async () => {
    const slots = jobSlots(1);
    await expect(
      slots.run(
        () => {
          throw new Error('sync');
        },
        () => true,
      ),
    ).rejects.toThrow('sync');
    expect(
      await slots.run(
        async () => 'next',
        () => true,
      ),
    ).toBe('next');
  });
});
