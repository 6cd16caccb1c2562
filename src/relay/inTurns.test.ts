import { describe, expect, it } from 'vitest';
import { runInTurns } from './inTurns';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('runInTurns', () => {
  it('overlaps the steps up to the limit, yet each passes its turn in the order given', async () => {
    const events: string[] = [];
    let running = 0;
    let most = 0;
    // Later items read faster, so they reach their turn first and must wait for it.
    await runInTurns([0, 1, 2, 3, 4, 5], 4, async (item, turn, pass) => {
      running += 1;
      most = Math.max(most, running);
      for (let i = 0; i < 6 - item; i += 1) await tick();
      await turn;
      events.push(`turn ${item}`);
      pass();
      await tick();
      running -= 1;
    });
    expect(most).toBe(4);
    expect(events).toEqual([0, 1, 2, 3, 4, 5].map((i) => `turn ${i}`));
  });

  it('a step that ends or fails before its turn passes it, and the error is the caller’s', async () => {
    const turns: number[] = [];
    const run = runInTurns([0, 1, 2], 3, async (item, turn, pass) => {
      if (item === 0) throw new Error('step 0 failed');
      if (item === 1) return;
      await turn;
      turns.push(item);
      pass();
    });
    await expect(run).rejects.toThrow('step 0 failed');
    await tick();
    expect(turns).toEqual([2]);
  });
});
