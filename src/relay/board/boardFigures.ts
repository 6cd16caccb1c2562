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
  /** A bot's first hand-over of the call to a queue's agents: that queue, and when the caller began waiting there. */
  handedOver?: { queue: string; atMs: number };
}

/** What the figures are sums of: each call adds its part to its queue's line and to each agent it rang at. */
export const COUNT_NAMES = [
  'offered',
  'answered',
  'missed',
  'abandoned',
  'declined',
  'answerMs',
  'handled',
  'handledSec',
  'settled',
  'csatSum',
  'csatCount',
  'closed',
  'waitedTooLong',
  'botCalls',
  'botAlone',
  'botEscalated',
  'botHandedBack',
] as const;
export type FigureCounts = Record<(typeof COUNT_NAMES)[number], number>;

export const noCounts = (): FigureCounts =>
  Object.fromEntries(COUNT_NAMES.map((n) => [n, 0])) as unknown as FigureCounts;

export function addCounts(into: FigureCounts, part: FigureCounts, sign = 1): FigureCounts {
  for (const n of COUNT_NAMES) into[n] += sign * part[n];
  return into;
}

/** Answer times are kept in whole seconds (rounded up), so that any whole-second target can be read from them. */
export const ANSWER_SECONDS_CAP = 3601;
const answerSecond = (ms: number) => Math.min(ANSWER_SECONDS_CAP, Math.max(0, Math.ceil(ms / 1000)));

/** One call's part in one line: a queue's (agent '') or an agent's; `answerSecond` when it was answered there. */
export interface CallPart {
  /** The line's queue ('': none): the call's own, or the one its queue's bot handed it to. */
  queue: string;
  agent: string;
  counts: FigureCounts;
  answerSecond?: number;
}

/** The bot answered it and no agent ever took it: neither missed nor abandoned, the bot handled it. */
const botAlone = (c: DayCall) => c.bot?.answered === true && !c.bot.escalated && c.answeredAtMs === undefined;
// A call the queue turned away is over when the relay refuses it, before Meta's terminate says so.
const over = (c: DayCall) => c.endedAtMs !== undefined || c.turnedAway !== undefined;
const one = (yes: boolean) => (yes ? 1 : 0);

/** What one call adds to a line of calls (its queue's, or an agent's with `c` as the agent sees it). */
function countsOf(c: DayCall): FigureCounts {
  const answered = c.answeredAtMs !== undefined;
  const unanswered = !answered && over(c) && !botAlone(c);
  const handled = answered && c.billedSeconds !== undefined;
  return {
    ...noCounts(),
    offered: 1,
    answered: one(answered),
    missed: one(unanswered && c.rang && !c.turnedAway),
    abandoned: one(unanswered && !c.rang && !c.turnedAway),
    answerMs: answered ? c.answeredAtMs! - c.offeredAtMs : 0,
    handled: one(handled),
    handledSec: handled ? c.billedSeconds! : 0,
    // Counted once known: answered, or ended unanswered. Calls still ringing are not in it yet.
    // A call turned away while closed is no service failure; one that waited past the maximum is.
    settled: one(answered || (unanswered && c.turnedAway !== 'closed')),
    csatSum: c.csat?.score ?? 0,
    csatCount: one(c.csat !== undefined),
    closed: one(unanswered && c.turnedAway === 'closed'),
    waitedTooLong: one(unanswered && c.turnedAway === 'max_wait'),
    botCalls: one(c.bot !== undefined),
    botAlone: one(botAlone(c) && c.endedAtMs !== undefined),
    botEscalated: one(c.bot?.escalated === true),
    botHandedBack: one(c.bot?.handedBack === true),
  };
}

/** What a ring at `agent` adds to their line: their own answers, misses and declines. */
function agentCountsOf(agent: string, c: DayCall): FigureCounts {
  // An agent's own answer rate: calls offered to them that they took; a colleague's answer is not theirs.
  const mine = c.answeredBy === agent ? c : { ...c, answeredAtMs: undefined };
  const counts = countsOf(mine);
  const notTheirs = c.answeredBy !== agent;
  // Rings without an outcome keep the rule from before outcomes were kept: the call ended without their answer.
  const missedUnknown = c.ringOutcome === undefined ? counts.missed : 0;
  return {
    ...counts,
    missed: missedUnknown + one(notTheirs && c.ringOutcome === 'timed_out'),
    declined: one(notTheirs && c.ringOutcome === 'rejected'),
    // Service level: only the calls this agent could have answered in time; a ring a colleague answered is not theirs.
    settled: c.answeredBy === agent || c.answeredBy === undefined ? counts.settled : 0,
    // The ratings given for this agent's calls, not a colleague's who took the call on.
    csatSum: c.csat?.agent === agent ? c.csat.score : 0,
    csatCount: one(c.csat?.agent === agent),
    // Turned away and bots are the queue's and the team's figures, not an agent's.
    closed: 0,
    waitedTooLong: 0,
    botCalls: 0,
    botAlone: 0,
    botEscalated: 0,
    botHandedBack: 0,
  };
}

const answered = (c: DayCall) =>
  c.answeredAtMs === undefined ? {} : { answerSecond: answerSecond(c.answeredAtMs - c.offeredAtMs) };

/** The queue's own bot answered the call and handed it to another queue's agents. */
const handedAway = (c: DayCall): c is DayCall & { handedOver: { queue: string; atMs: number } } =>
  c.handedOver !== undefined && c.bot?.answered === true && c.handedOver.queue !== (c.queue ?? '');

/**
 * The call as the queue it was handed to counts it: offered there from the hand-over (the caller's wait for an agent,
 * not the bot's talk), answered, missed or abandoned there; of the bots, only an agent's hand-back is that queue's.
 */
function inQueueHandedTo(c: DayCall & { handedOver: { queue: string; atMs: number } }): DayCall {
  const { bot, handedOver, ...call } = c;
  return {
    ...call,
    queue: handedOver.queue,
    offeredAtMs: handedOver.atMs,
    ...(bot?.handedBack && { bot: { answered: false, escalated: false, handedBack: true } }),
  };
}

/** What the bot's queue keeps of a call its bot handed to another queue: the bot's work, handed over, no offer. */
const handedOverByBot = (): FigureCounts => ({ ...noCounts(), botCalls: 1, botEscalated: 1 });

/**
 * A call's parts: its queue's line, and a line for each agent it rang at (with how the ring at them ended). A call
 * the queue's bot handed to another queue counts there, its bot's queue keeping only the hand-over.
 */
export function callParts(call: DayCall, rings: Array<{ agent: string; outcome?: RingOutcome }>): CallPart[] {
  const counted = handedAway(call) ? inQueueHandedTo(call) : call;
  const queue = counted.queue ?? '';
  return [
    ...(handedAway(call) ? [{ queue: call.queue ?? '', agent: '', counts: handedOverByBot() }] : []),
    { queue, agent: '', counts: countsOf(counted), ...answered(counted) },
    ...rings.map(({ agent, outcome }) => {
      const ring = outcome === undefined ? counted : { ...counted, ringOutcome: outcome };
      return {
        queue,
        agent,
        counts: agentCountsOf(agent, ring),
        ...(counted.answeredBy === agent && answered(counted)),
      };
    }),
  ];
}

/** The summed parts of one queue's calls (agent '') or of one agent's rings in one queue (queue '': no queue). */
export interface FigureLine {
  queue: string;
  agent: string;
  counts: FigureCounts;
  /** Of its answers, those within the service-level target. */
  inTime: number;
}

// From whole sums, so that an average rounds the same way however the calls were added up.
const tenths = (sum: number, count: number, unit = 1) =>
  count ? Math.round((sum * 10) / (count * unit)) / 10 : undefined;

/** The figures a line's counts make. */
export function figuresOfCounts(n: FigureCounts, inTime: number, line: 'queue' | 'agent'): BoardFigures {
  const away = n.closed + n.waitedTooLong;
  const figures: BoardFigures = {
    offered: n.offered,
    answered: n.answered,
    missed: n.missed,
    abandoned: n.abandoned,
    asaSec: tenths(n.answerMs, n.answered, 1000),
    ahtSec: tenths(n.handledSec, n.handled),
    serviceLevelPct: n.settled ? Math.round((inTime / n.settled) * 1000) / 10 : undefined,
    csatAvg: tenths(n.csatSum, n.csatCount),
    csatCount: n.csatCount || undefined,
  };
  if (line === 'agent') return { ...figures, declined: n.declined };
  return {
    ...figures,
    ...(away > 0 && { closed: n.closed, waitedTooLong: n.waitedTooLong }),
    ...(n.botCalls > 0 && { bot: { alone: n.botAlone, escalated: n.botEscalated, handedBack: n.botHandedBack } }),
  };
}

export interface DayFigures {
  team: BoardFigures;
  byQueue: Array<BoardFigures & { queue: string }>;
  byAgent: Array<BoardFigures & { agent: string }>;
}

/** The team's, each queue's and each agent's figures from the lines of the queues in scope. */
export function figuresOfLines(lines: FigureLine[]): DayFigures {
  const sum = (key: (l: FigureLine) => string | undefined) => {
    const sums = new Map<string, { counts: FigureCounts; inTime: number }>();
    for (const l of lines) {
      const k = key(l);
      if (k === undefined) continue;
      const s = sums.get(k) ?? { counts: noCounts(), inTime: 0 };
      addCounts(s.counts, l.counts);
      s.inTime += l.inTime;
      sums.set(k, s);
    }
    // A line all of whose calls were erased since is no line; a bot's queue that handed every call on still is one.
    return [...sums].filter(([, s]) => s.counts.offered > 0 || s.counts.botCalls > 0);
  };
  const team = sum((l) => (l.agent === '' ? '' : undefined))[0]?.[1] ?? { counts: noCounts(), inTime: 0 };
  return {
    team: figuresOfCounts(team.counts, team.inTime, 'queue'),
    byQueue: sum((l) => (l.agent === '' ? l.queue || 'team' : undefined)).map(([queue, s]) => ({
      queue,
      ...figuresOfCounts(s.counts, s.inTime, 'queue'),
    })),
    byAgent: sum((l) => l.agent || undefined)
      .map(([agent, s]) => ({ agent, ...figuresOfCounts(s.counts, s.inTime, 'agent') }))
      .sort((a, b) => a.agent.localeCompare(b.agent)),
  };
}

/** The lines of a list of calls and each agent's rings, as the records' sums hold them. */
export function linesOfCalls(
  calls: DayCall[],
  offersByAgent: Map<string, DayCall[]>,
  serviceLevelSec: number,
): FigureLine[] {
  const lines = new Map<string, FigureLine>();
  const add = ({ queue, ...part }: CallPart) => {
    const key = `${queue}\n${part.agent}`;
    const line = lines.get(key) ?? { queue, agent: part.agent, counts: noCounts(), inTime: 0 };
    addCounts(line.counts, part.counts);
    if (part.answerSecond !== undefined && part.answerSecond <= serviceLevelSec) line.inTime += 1;
    lines.set(key, line);
  };
  for (const call of calls) callParts(call, []).forEach(add);
  for (const [agent, rings] of offersByAgent)
    for (const ring of rings)
      callParts(ring, [{ agent, outcome: ring.ringOutcome }])
        .filter((part) => part.agent === agent)
        .forEach(add);
  return [...lines.values()];
}

/** The figures of a set of inbound calls; `serviceLevelSec` is the answer-time target. */
export function figuresOf(calls: DayCall[], serviceLevelSec: number): BoardFigures {
  return figuresOfLines(linesOfCalls(calls, new Map(), serviceLevelSec)).team;
}

/** One agent's figures over the calls that rang at them: their own answers, misses and declines. */
export function agentFigures(agent: string, offered: DayCall[], serviceLevelSec: number): BoardFigures {
  const { agent: _, ...figures } = figuresOfLines(linesOfCalls([], new Map([[agent, offered]]), serviceLevelSec))
    .byAgent[0] ?? { agent, ...figuresOfCounts(noCounts(), 0, 'agent') };
  return figures;
}

/** Today's figures for the team, per queue, and per agent (calls offered to them, and those they answered). */
export function dayFigures(
  calls: DayCall[],
  offersByAgent: Map<string, DayCall[]>,
  serviceLevelSec: number,
): DayFigures {
  return figuresOfLines(linesOfCalls(calls, offersByAgent, serviceLevelSec));
}
