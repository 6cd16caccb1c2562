import { describe, expect, it } from 'vitest';
import { agentFigures, dayFigures, figuresOf, type DayCall } from './boardFigures';

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

  it('gives an agent a service level over the calls they could answer, not those a colleague answered', () => {
    // Chen answered one call in 5 s; two more rang at him and Ana answered them.
    const rings: DayCall[] = [
      { queue: 'support', offeredAtMs: at(0), answeredAtMs: at(5), answeredBy: 'chen', endedAtMs: at(60), rang: true },
      { ...calls[0]!, ringOutcome: 'rescinded' },
      { ...calls[0]!, offeredAtMs: at(300), answeredAtMs: at(303), endedAtMs: at(360), ringOutcome: 'rescinded' },
    ];
    expect(agentFigures('chen', rings, 20)).toMatchObject({ offered: 3, answered: 1, serviceLevelPct: 100 });
  });

  it('counts as an agent’s miss only a ring that rang out at them, and their declines apart', () => {
    const answeredByAna = calls[0]!;
    const unanswered = calls[2]!;
    const ringing = calls[4]!;
    const rings: DayCall[] = [
      { ...answeredByAna, ringOutcome: 'rescinded' },
      { ...unanswered, ringOutcome: 'timed_out' },
      { ...unanswered, offeredAtMs: at(100), ringOutcome: 'rejected' },
      // The caller hung up while it rang: not a ring the agent could have taken.
      { ...unanswered, offeredAtMs: at(200), ringOutcome: 'rescinded' },
      ringing,
    ];
    expect(agentFigures('ben', rings, 20)).toMatchObject({ offered: 5, answered: 0, missed: 1, declined: 1 });
    expect(agentFigures('ana', [{ ...answeredByAna, ringOutcome: 'accepted' }], 20)).toMatchObject({
      offered: 1,
      answered: 1,
      missed: 0,
      declined: 0,
      asaSec: 8,
    });
  });

  it('rings recorded before their outcome was kept count as before: every ended call the agent did not answer', () => {
    const day = dayFigures(
      calls,
      new Map([['ben', [calls[0]!, calls[2]!, { ...calls[0]!, ringOutcome: 'rescinded' }]]]),
      20,
    );
    expect(day.byAgent).toEqual([expect.objectContaining({ agent: 'ben', offered: 3, missed: 2, declined: 0 })]);
    // The team's and queues' figures do not change with agents' ring outcomes.
    expect(day.team).toEqual(figuresOf(calls, 20));
  });

  it('has no averages before anything was answered', () => {
    expect(figuresOf([], 20)).toEqual({ offered: 0, answered: 0, missed: 0, abandoned: 0 });
  });

  it('CSAT: the average rating per queue and per agent, each agent only for the calls rated for them', () => {
    const rated: DayCall[] = [
      { ...calls[0]!, csat: { score: 5, agent: 'ana' } },
      { ...calls[1]!, csat: { score: 2, agent: 'ben' } },
      { ...calls[1]!, answeredBy: 'ana', csat: { score: 4, agent: 'ana' } },
      calls[2]!,
      calls[3]!,
    ];
    const offers = new Map([
      ['ana', rated],
      ['ben', [rated[1]!]],
    ]);
    const figures = dayFigures(rated, offers, 20);
    expect(figures.team).toMatchObject({ csatAvg: 3.7, csatCount: 3 });
    expect(figures.byQueue.find((q) => q.queue === 'support')).toMatchObject({ csatAvg: 3.7, csatCount: 3 });
    expect(figures.byQueue.find((q) => q.queue === 'sales')?.csatCount).toBeUndefined();
    // Ben's 2 is not Ana's, though the call rang at her too.
    expect(figures.byAgent.find((a) => a.agent === 'ana')).toMatchObject({ csatAvg: 4.5, csatCount: 2 });
    expect(figures.byAgent.find((a) => a.agent === 'ben')).toMatchObject({ csatAvg: 2, csatCount: 1 });
  });

  it('counts what bots did, per queue and team only; a call the bot handled alone is neither missed nor abandoned', () => {
    const bot = (answered: boolean, escalated: boolean, handedBack: boolean) => ({ answered, escalated, handedBack });
    const day: DayCall[] = [
      // The bot answered and ended it (or the customer hung up on it): no agent was needed.
      { queue: 'front', offeredAtMs: at(0), endedAtMs: at(90), rang: false, bot: bot(true, false, false) },
      // The bot escalated and the customer gave up waiting: abandoned, as any call that never rang.
      { queue: 'front', offeredAtMs: at(0), endedAtMs: at(50), rang: false, bot: bot(true, true, false) },
      // Escalated, answered by Ana, who handed it back to a survey bot.
      {
        queue: 'front',
        offeredAtMs: at(0),
        answeredAtMs: at(40),
        answeredBy: 'ana',
        endedAtMs: at(200),
        rang: true,
        bot: bot(true, true, true),
      },
      // Still with the bot: not counted as handled yet.
      { queue: 'front', offeredAtMs: at(0), rang: false, bot: bot(true, false, false) },
      { queue: 'support', offeredAtMs: at(0), endedAtMs: at(20), rang: true },
    ];
    const figures = dayFigures(day, new Map([['ana', [day[2]!]]]), 20);
    expect(figures.team).toMatchObject({ offered: 5, answered: 1, missed: 1, abandoned: 1 });
    expect(figures.team.bot).toEqual({ alone: 1, escalated: 2, handedBack: 1 });
    expect(figures.byQueue.find((q) => q.queue === 'front')).toMatchObject({
      missed: 0,
      abandoned: 1,
      bot: { alone: 1, escalated: 2, handedBack: 1 },
    });
    expect(figures.byQueue.find((q) => q.queue === 'support')!.bot).toBeUndefined();
    expect(figures.byAgent[0]!.bot).toBeUndefined();
  });
});

describe('a call the queue’s bot hands to another queue', () => {
  // The front bot talks 40 s, hands over to Support; Ana answers 6 s later, rated 5.
  const handed: DayCall = {
    queue: 'front',
    offeredAtMs: at(0),
    answeredAtMs: at(46),
    answeredBy: 'ana',
    endedAtMs: at(100),
    billedSeconds: 100,
    rang: true,
    csat: { score: 5, agent: 'ana' },
    bot: { answered: true, escalated: true, handedBack: false },
    handedOver: { queue: 'support', atMs: at(40) },
  };

  it('counts in the queue it rang in, its speed of answer from the hand-over; the bot’s queue keeps the hand-over', () => {
    const day = dayFigures([handed], new Map([['ana', [handed]]]), 20);
    const byQueue = Object.fromEntries(day.byQueue.map(({ queue, ...f }) => [queue, f]));
    expect(byQueue.support).toEqual({
      offered: 1,
      answered: 1,
      missed: 0,
      abandoned: 0,
      asaSec: 6,
      ahtSec: 100,
      serviceLevelPct: 100,
      csatAvg: 5,
      csatCount: 1,
    });
    expect(byQueue.front).toEqual({
      offered: 0,
      answered: 0,
      missed: 0,
      abandoned: 0,
      bot: { alone: 0, escalated: 1, handedBack: 0 },
    });
    expect(day.team).toMatchObject({ offered: 1, answered: 1, asaSec: 6, bot: { alone: 0, escalated: 1 } });
    expect(day.byAgent[0]).toMatchObject({ agent: 'ana', offered: 1, answered: 1, asaSec: 6 });
  });

  it('stays in its own queue when the bot hands it to that queue, or when no queue’s bot answered it', () => {
    const own = { ...handed, handedOver: { queue: 'front', atMs: at(40) } };
    const handBackOnly = { ...handed, bot: { answered: false, escalated: true, handedBack: true } };
    for (const call of [own, handBackOnly])
      expect(dayFigures([call], new Map(), 20).byQueue).toEqual([
        expect.objectContaining({ queue: 'front', offered: 1, answered: 1, asaSec: 46 }),
      ]);
  });

  it('gives an agent’s later hand-back to a bot to the queue the call was handed to', () => {
    const back = { ...handed, bot: { answered: true, escalated: true, handedBack: true } };
    const byQueue = Object.fromEntries(dayFigures([back], new Map(), 20).byQueue.map((q) => [q.queue, q.bot]));
    expect(byQueue).toEqual({
      front: { alone: 0, escalated: 1, handedBack: 0 },
      support: { alone: 0, escalated: 0, handedBack: 1 },
    });
  });
});
