import { describe, expect, it } from 'vitest';
import { dayFigures, figuresOf, type DayCall } from './boardFigures';

const T = Date.parse('2026-03-30T08:00:00Z');
const call = (over: Partial<DayCall>): DayCall => ({ offeredAtMs: T, rang: false, endedAtMs: T + 1000, ...over });

describe('calls a queue turned away, in the board’s figures', () => {
  const calls: DayCall[] = [
    call({ queue: 'care', turnedAway: 'closed' }),
    call({ queue: 'care', turnedAway: 'closed' }),
    // It rang at an agent, then the caller's wait ran past the maximum: not a missed call, a wait too long.
    call({ queue: 'care', rang: true, turnedAway: 'max_wait' }),
    call({ queue: 'care', rang: true }),
    call({ queue: 'care' }),
    call({ queue: 'care', answeredAtMs: T + 5000, answeredBy: 'asha', rang: true }),
  ];

  it('counts them apart from missed and abandoned calls; only a wait too long counts against the service level', () => {
    expect(figuresOf(calls, 20)).toMatchObject({
      offered: 6,
      answered: 1,
      missed: 1,
      abandoned: 1,
      closed: 2,
      waitedTooLong: 1,
      // Answered in time 1, of answered 1 + missed 1 + abandoned 1 + waited too long 1.
      serviceLevelPct: 25,
    });
  });

  it('gives a queue’s line and the team’s the counts, never an agent’s', () => {
    const offered = new Map([['asha', calls.filter((c) => c.rang)]]);
    const day = dayFigures(calls, offered, 20);
    expect(day.team).toMatchObject({ closed: 2, waitedTooLong: 1 });
    expect(day.byQueue[0]).toMatchObject({ queue: 'care', closed: 2, waitedTooLong: 1 });
    expect(day.byAgent[0]!.closed).toBeUndefined();
    expect(day.byAgent[0]!.waitedTooLong).toBeUndefined();
  });

  it('counts a call as turned away as soon as the relay refuses it, before Meta’s terminate arrives', () => {
    const refused = call({ queue: 'care', turnedAway: 'closed', endedAtMs: undefined });
    const waitedOut = call({ queue: 'care', rang: true, turnedAway: 'max_wait', endedAtMs: undefined });
    expect(figuresOf([refused, waitedOut], 20)).toMatchObject({ closed: 1, waitedTooLong: 1, serviceLevelPct: 0 });
  });

  it('a day without such calls has no such counts', () => {
    expect(figuresOf([call({ rang: true })], 20)).not.toHaveProperty('closed');
  });
});
