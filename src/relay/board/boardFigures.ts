import type { BoardFigures } from '../../shared/boardSchemas';
import type { RingOutcome } from '../../shared/callRecords';
import type { TurnedAwayReason } from '../../shared/teamQueues';

/** A call of today as the records hold it. */
export interface DayCall {
  queue?: string;
  offeredAtMs: number;
  answeredAtMs?: number;
  answeredBy?: string;
  endedAtMs?: number;
  billedSeconds?: number;
  /** It rang at one agent or more. */
  rang: boolean;
  /** In an agent's list: how the ring at them ended; absent while it rings, and for rings recorded before it was kept. */
  ringOutcome?: RingOutcome;
  /** The customer's rating of the call (post-call survey, 1-5) and the agent it was for. */
  csat?: { score: number; agent: string };
  /** Its queue turned it away without an agent: closed (hours, a holiday), or the caller waited past the maximum. */
  turnedAway?: TurnedAwayReason;
  /** What bots did with the call: a queue's bot answered it first, escalated it to agents, an agent handed it back. */
  bot?: { answered: boolean; escalated: boolean; handedBack: boolean };
}

/** The bot answered it and no agent ever took it: neither missed nor abandoned, the bot handled it. */
const botAlone = (c: DayCall) => c.bot?.answered === true && !c.bot.escalated && c.answeredAtMs === undefined;

/** Bot figures, over calls any bot took part in; absent when no bot took part in any. */
function botFiguresOf(calls: DayCall[]): BoardFigures['bot'] {
  const botCalls = calls.filter((c) => c.bot);
  if (botCalls.length === 0) return undefined;
  return {
    alone: botCalls.filter((c) => botAlone(c) && c.endedAtMs !== undefined).length,
    escalated: botCalls.filter((c) => c.bot!.escalated).length,
    handedBack: botCalls.filter((c) => c.bot!.handedBack).length,
  };
}

const average = (values: number[]) =>
  values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : undefined;

/** CSAT: the average rating (1-5) of the rated calls, and how many were rated. */
const csatOf = (rated: DayCall[]) => ({
  csatAvg: average(rated.map((c) => c.csat!.score)),
  csatCount: rated.length || undefined,
});

/** The figures of a set of inbound calls; `serviceLevelSec` is the answer-time target. */
export function figuresOf(calls: DayCall[], serviceLevelSec: number): BoardFigures {
  const answered = calls.filter((c) => c.answeredAtMs !== undefined);
  // A call the queue turned away is over when the relay refuses it, before Meta's terminate says so.
  const over = (c: DayCall) => c.endedAtMs !== undefined || c.turnedAway !== undefined;
  const unanswered = calls.filter((c) => c.answeredAtMs === undefined && over(c) && !botAlone(c));
  const speeds = answered.map((c) => (c.answeredAtMs! - c.offeredAtMs) / 1000);
  const handled = answered.filter((c) => c.billedSeconds !== undefined).map((c) => c.billedSeconds!);
  const bot = botFiguresOf(calls);
  // Counted once known: answered, or ended unanswered. Calls still ringing are not in it yet.
  // A call turned away while closed is no service failure; one that waited past the maximum is.
  const settled = answered.length + unanswered.filter((c) => c.turnedAway !== 'closed').length;
  const away = unanswered.filter((c) => c.turnedAway !== undefined);
  const inTime = speeds.filter((s) => s <= serviceLevelSec).length;
  return {
    offered: calls.length,
    answered: answered.length,
    missed: unanswered.filter((c) => c.rang && !c.turnedAway).length,
    abandoned: unanswered.filter((c) => !c.rang && !c.turnedAway).length,
    asaSec: average(speeds),
    ahtSec: average(handled),
    serviceLevelPct: settled ? Math.round((inTime / settled) * 1000) / 10 : undefined,
    ...csatOf(calls.filter((c) => c.csat !== undefined)),
    ...(away.length > 0 && {
      closed: away.filter((c) => c.turnedAway === 'closed').length,
      waitedTooLong: away.filter((c) => c.turnedAway === 'max_wait').length,
    }),
    ...(bot && { bot }),
  };
}

/** One agent's figures over the calls that rang at them: their own answers, misses and declines. */
export function agentFigures(agent: string, offered: DayCall[], serviceLevelSec: number): BoardFigures {
  // An agent's own answer rate: calls offered to them that they took; a colleague's answer is not theirs.
  const mine = offered.map((c) => (c.answeredBy === agent ? c : { ...c, answeredAtMs: undefined }));
  const ended = (outcome: RingOutcome) =>
    mine.filter((c) => c.answeredBy !== agent && c.ringOutcome === outcome).length;
  // Rings without an outcome keep the rule from before outcomes were kept: the call ended without their answer.
  const unknown = figuresOf(
    mine.filter((c) => c.ringOutcome === undefined),
    serviceLevelSec,
  );
  // Service level: only the calls this agent could have answered in time; a ring a colleague answered is not theirs.
  const theirs = mine.filter((c) => c.answeredBy === agent || c.answeredBy === undefined);
  return {
    ...figuresOf(mine, serviceLevelSec),
    // Calls the queue turned away are the queue's figure, not an agent's.
    closed: undefined,
    waitedTooLong: undefined,
    // What bots did is the queue's and the team's figure, not an agent's.
    bot: undefined,
    serviceLevelPct: figuresOf(theirs, serviceLevelSec).serviceLevelPct,
    missed: unknown.missed + ended('timed_out'),
    declined: ended('rejected'),
    // The ratings given for this agent's calls, not a colleague's who took the call on.
    ...csatOf(offered.filter((c) => c.csat?.agent === agent)),
  };
}

/** Today's figures for the team, per queue, and per agent (calls offered to them, and those they answered). */
export function dayFigures(
  calls: DayCall[],
  offersByAgent: Map<string, DayCall[]>,
  serviceLevelSec: number,
): {
  team: BoardFigures;
  byQueue: Array<BoardFigures & { queue: string }>;
  byAgent: Array<BoardFigures & { agent: string }>;
} {
  const queues = new Map<string, DayCall[]>();
  for (const call of calls) {
    const queue = call.queue ?? 'team';
    queues.set(queue, [...(queues.get(queue) ?? []), call]);
  }
  const byAgent = [...offersByAgent].map(([agent, offered]) => ({
    agent,
    ...agentFigures(agent, offered, serviceLevelSec),
  }));
  return {
    team: figuresOf(calls, serviceLevelSec),
    byQueue: [...queues].map(([queue, list]) => ({ queue, ...figuresOf(list, serviceLevelSec) })),
    byAgent: byAgent.sort((a, b) => a.agent.localeCompare(b.agent)),
  };
}
