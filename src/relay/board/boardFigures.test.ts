import { describe, expect, it } from 'vitest';
import { dayFigures, figuresOf, type DayCall } from './boardFigures';

const at = (s: number) => 1_000_000 + s * 1000;
const calls: DayCall[] = [
  {
    queue: 'support',
    offeredAtMs: at(0),
    answeredAtMs: at(8),
    answeredBy: 'ana',
    endedAtMs: at(70),
    billedSeconds: 62,
    rang: true,
  },
  {
    queue: 'support',
    offeredAtMs: at(0),
    answeredAtMs: at(30),
    answeredBy: 'ben',
    endedAtMs: at(60),
    billedSeconds: 30,
    rang: true,
  },
  { queue: 'support', offeredAtMs: at(0), endedAtMs: at(25), rang: true },
  { queue: 'sales', offeredAtMs: at(0), endedAtMs: at(40), rang: false },
  { queue: 'sales', offeredAtMs: at(0), rang: true },
];

describe('board figures', () => {
  it('counts offered, answered, missed (rang, unanswered) and abandoned (never rang), ASA, AHT and service level', () => {
    expect(figuresOf(calls, 20)).toEqual({
      offered: 5,
      answered: 2,
      missed: 1,
      abandoned: 1,
      asaSec: 19,
      ahtSec: 46,
      // One of four settled calls was answered within 20 s; the call still ringing is not counted yet.
      serviceLevelPct: 25,
    });
  });

  it('splits by queue, and gives each agent only the answers they made themselves', () => {
    const offers = new Map([
      ['ana', [calls[0]!, calls[2]!]],
      ['ben', [calls[0]!, calls[1]!]],
    ]);
    const day = dayFigures(calls, offers, 20);
    expect(day.byQueue.map((q) => [q.queue, q.offered, q.answered, q.missed, q.abandoned])).toEqual([
      ['support', 3, 2, 1, 0],
      ['sales', 2, 0, 0, 1],
    ]);
    expect(day.byAgent.map((a) => [a.agent, a.offered, a.answered, a.missed])).toEqual([
      ['ana', 2, 1, 1],
      ['ben', 2, 1, 1],
    ]);
  });

  it('has no averages before anything was answered', () => {
    expect(figuresOf([], 20)).toEqual({ offered: 0, answered: 0, missed: 0, abandoned: 0 });
  });
});
