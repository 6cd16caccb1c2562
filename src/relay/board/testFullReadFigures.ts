import type { BoardFigures } from '../../shared/boardSchemas';
import type { Report } from '../../shared/reportSchemas';
import type { RingOutcome } from '../../shared/callRecords';
import type { TurnedAwayReason } from '../../shared/teamQueues';
import { inScope, type SupervisorScope } from '../../shared/supervisorScope';
import { BOT_FAILED_NOTE } from '../bots/botCalls';
import type { RecordsDb } from '../records/recordsDb';
import type { DayCall } from './boardFigures';
import { callsInScope } from './boardScope';

/**
 * Test oracle: the board's figures as they were computed before they were kept as sums, by reading every call of the
 * range and its rings and counting them here. The changes since: averages round from exact sums (the old float sums
 * rounded 0.15 s down to 0.1 s); a call the queue's bot answered and handed to another queue is that queue's call,
 * waiting from the hand-over, and its bot's queue counts only that its bot handed a call over (README, board).
 */

/** A call as a queue counts it, and when it reached the team (the hours of a report count it then). */
type ReadCall = DayCall & { arrivedAtMs: number };

export async function fullReadCalls(db: Pick<RecordsDb, 'query'>, from: Date, to: Date) {
  const [calls, offers] = await Promise.all([
    db.query<{
      call_id: string;
      queue: string | null;
      offered_at: Date;
      answered_at: Date | null;
      answered_by: string | null;
      ended_at: Date | null;
      billed_seconds: number | null;
      rang: boolean;
      csat_score: number | null;
      csat_agent: string | null;
      turned_away: TurnedAwayReason | null;
      bot_answered: boolean;
      escalated: boolean;
      handed_back: boolean;
      handed_to_queue: string | null;
      handed_over_at: Date | null;
    }>(
      `SELECT c.call_id, c.queue, LEAST(c.meta_offered_at, c.offered_at) AS offered_at, c.answered_at, c.answered_by,
         c.ended_at, c.billed_seconds, EXISTS (SELECT 1 FROM call_offers o WHERE o.call_id = c.call_id) AS rang,
         c.csat_score, c.csat_agent, c.turned_away, c.bot_answered_at IS NOT NULL AS bot_answered,
         (c.assistant IS NOT NULL AND c.assistant->>'summary' IS DISTINCT FROM $3) AS escalated,
         c.handed_back_to IS NOT NULL AS handed_back, c.handed_to_queue, c.handed_over_at
       FROM calls c WHERE c.direction = 'inbound' AND c.offered_at >= $1 AND c.offered_at < $2`,
      [from, to, BOT_FAILED_NOTE.summary],
    ),
    db.query<{ agent_id: string; call_id: string; outcome: RingOutcome | null }>(
      `SELECT o.agent_id, o.call_id, r.outcome FROM call_offers o JOIN calls c USING (call_id)
         LEFT JOIN ring_outcomes r ON r.call_id = o.call_id AND r.agent_id = o.agent_id
       WHERE c.direction = 'inbound' AND c.offered_at >= $1 AND c.offered_at < $2`,
      [from, to],
    ),
  ]);
  const byId = new Map<string, ReadCall>();
  /** The bots' queues (undefined: none) of the calls their bot handed to another queue, once per call. */
  const handedOn: Array<{ queue?: string }> = [];
  for (const r of calls.rows) {
    const queue = r.queue ?? undefined;
    const target = r.handed_to_queue;
    const handedToAnother = r.bot_answered && target !== null && r.handed_over_at !== null && target !== queue;
    if (handedToAnother) handedOn.push({ queue });
    const bot = handedToAnother
      ? r.handed_back && { answered: false, escalated: false, handedBack: true }
      : (r.bot_answered || r.escalated || r.handed_back) && {
          answered: r.bot_answered,
          escalated: r.escalated,
          handedBack: r.handed_back,
        };
    byId.set(r.call_id, {
      queue: handedToAnother ? target : queue,
      offeredAtMs: handedToAnother ? r.handed_over_at!.getTime() : r.offered_at.getTime(),
      arrivedAtMs: r.offered_at.getTime(),
      answeredAtMs: r.answered_at?.getTime(),
      answeredBy: r.answered_by ?? undefined,
      endedAtMs: r.ended_at?.getTime(),
      billedSeconds: r.billed_seconds ?? undefined,
      rang: r.rang,
      ...(r.csat_score !== null && { csat: { score: r.csat_score, agent: r.csat_agent ?? '' } }),
      ...(r.turned_away !== null && { turnedAway: r.turned_away }),
      ...(bot && { bot }),
    });
  }
  const offersByAgent = new Map<string, DayCall[]>();
  for (const o of offers.rows) {
    const call = byId.get(o.call_id);
    if (!call) continue;
    const ring = o.outcome === null ? call : { ...call, ringOutcome: o.outcome };
    offersByAgent.set(o.agent_id, [...(offersByAgent.get(o.agent_id) ?? []), ring]);
  }
  return { calls: [...byId.values()], offersByAgent, handedOn };
}

/** The calls, rings and hand-overs of the supervisor's queues. */
async function readInScope(db: Pick<RecordsDb, 'query'>, from: Date, to: Date, scope: SupervisorScope) {
  const read = await fullReadCalls(db, from, to);
  const { calls, offersByAgent } = callsInScope(read, scope);
  return {
    calls: calls as ReadCall[],
    offersByAgent,
    handedOn: read.handedOn.filter((h) => inScope(scope, h.queue)),
  };
}

/** The figures of [from, to) in the supervisor's scope, read in full as the board did before. */
export async function fullReadFigures(
  db: Pick<RecordsDb, 'query'>,
  range: { from: Date; to: Date },
  scope: SupervisorScope,
  serviceLevelSec: number,
) {
  const { calls, offersByAgent, handedOn } = await readInScope(db, range.from, range.to, scope);
  return oldDayFigures(calls, offersByAgent, serviceLevelSec, handedOn);
}
/** The bot answered it and no agent ever took it: neither missed nor abandoned, the bot handled it. */
const botAlone = (c: DayCall) => c.bot?.answered === true && !c.bot.escalated && c.answeredAtMs === undefined;

/**
 * Bot figures, over calls any bot took part in and the `handedOn` calls a bot handed to another queue (each one
 * escalated); absent when no bot took part in any.
 */
function botFiguresOf(calls: DayCall[], handedOn: number): BoardFigures['bot'] {
  const botCalls = calls.filter((c) => c.bot);
  if (botCalls.length === 0 && handedOn === 0) return undefined;
  return {
    alone: botCalls.filter((c) => botAlone(c) && c.endedAtMs !== undefined).length,
    escalated: botCalls.filter((c) => c.bot!.escalated).length + handedOn,
    handedBack: botCalls.filter((c) => c.bot!.handedBack).length,
  };
}

// Summed in whole milliseconds, so that the average is exact before it is rounded to tenths.
const average = (values: number[]) =>
  values.length
    ? Math.round(values.reduce((a, v) => a + Math.round(v * 1000), 0) / (values.length * 100)) / 10
    : undefined;

/** CSAT: the average rating (1-5) of the rated calls, and how many were rated. */
const csatOf = (rated: DayCall[]) => ({
  csatAvg: average(rated.map((c) => c.csat!.score)),
  csatCount: rated.length || undefined,
});

/** The figures of a set of inbound calls and of `handedOn` calls bots handed elsewhere; `serviceLevelSec`: the target. */
function figuresOf(calls: DayCall[], serviceLevelSec: number, handedOn = 0): BoardFigures {
  const answered = calls.filter((c) => c.answeredAtMs !== undefined);
  // A call the queue turned away is over when the relay refuses it, before Meta's terminate says so.
  const over = (c: DayCall) => c.endedAtMs !== undefined || c.turnedAway !== undefined;
  const unanswered = calls.filter((c) => c.answeredAtMs === undefined && over(c) && !botAlone(c));
  const speeds = answered.map((c) => (c.answeredAtMs! - c.offeredAtMs) / 1000);
  const handled = answered.filter((c) => c.billedSeconds !== undefined).map((c) => c.billedSeconds!);
  const bot = botFiguresOf(calls, handedOn);
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
function agentFigures(agent: string, offered: DayCall[], serviceLevelSec: number): BoardFigures {
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
export function oldDayFigures(
  calls: DayCall[],
  offersByAgent: Map<string, DayCall[]>,
  serviceLevelSec: number,
  handedOn: Array<{ queue?: string }> = [],
): {
  team: BoardFigures;
  byQueue: Array<BoardFigures & { queue: string }>;
  byAgent: Array<BoardFigures & { agent: string }>;
} {
  const queues = new Map<string, { calls: DayCall[]; handedOn: number }>();
  const queueOf = (queue: string | undefined) => {
    const entry = queues.get(queue ?? 'team') ?? { calls: [], handedOn: 0 };
    queues.set(queue ?? 'team', entry);
    return entry;
  };
  for (const call of calls) queueOf(call.queue).calls.push(call);
  for (const handed of handedOn) queueOf(handed.queue).handedOn += 1;
  const byAgent = [...offersByAgent].map(([agent, offered]) => ({
    agent,
    ...agentFigures(agent, offered, serviceLevelSec),
  }));
  return {
    team: figuresOf(calls, serviceLevelSec, handedOn.length),
    byQueue: [...queues].map(([queue, q]) => ({ queue, ...figuresOf(q.calls, serviceLevelSec, q.handedOn) })),
    byAgent: byAgent.sort((a, b) => a.agent.localeCompare(b.agent)),
  };
}

const HOUR_MS = 3600_000;

/** The start of the hour or day (on the relay's clock) that holds `ms`. */
function bucketStart(ms: number, bucket: 'hour' | 'day'): number {
  const d = new Date(ms);
  if (bucket === 'hour') d.setMinutes(0, 0, 0);
  else d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function nextBucket(ms: number, bucket: 'hour' | 'day'): number {
  if (bucket === 'hour') return ms + HOUR_MS;
  const d = new Date(ms);
  d.setDate(d.getDate() + 1);
  return d.getTime();
}

/** A report over [fromMs, toMs): calls per hour or day, and the figures per queue and per agent. */
function oldReport(
  read: { calls: ReadCall[]; offersByAgent: Map<string, DayCall[]>; handedOn: Array<{ queue?: string }> },
  range: { fromMs: number; toMs: number; bucket: 'hour' | 'day' },
  serviceLevelSec: number,
): Report {
  const { calls, offersByAgent, handedOn } = read;
  const buckets: Report['buckets'] = [];
  const index = new Map<number, Report['buckets'][number]>();
  for (let at = bucketStart(range.fromMs, range.bucket); at < range.toMs; at = nextBucket(at, range.bucket)) {
    const entry = { startMs: at, offered: 0, answered: 0 };
    buckets.push(entry);
    index.set(at, entry);
  }
  for (const call of calls) {
    const entry = index.get(bucketStart(call.arrivedAtMs, range.bucket));
    if (!entry) continue;
    entry.offered += 1;
    if (call.answeredAtMs !== undefined) entry.answered += 1;
  }
  const figures = oldDayFigures(calls, offersByAgent, serviceLevelSec, handedOn);
  const rate = (f: BoardFigures) => (f.offered ? Math.round((f.answered / f.offered) * 1000) / 10 : undefined);
  return {
    ...range,
    serviceLevelSec,
    buckets,
    team: { ...figures.team, answerRatePct: rate(figures.team) },
    // A report's queue lines count the calls turned away even when there were none (f9ddad3); agents' lines do not.
    byQueue: figures.byQueue.map((q) => ({
      ...q,
      closed: q.closed ?? 0,
      waitedTooLong: q.waitedTooLong ?? 0,
      answerRatePct: rate(q),
    })),
    byAgent: figures.byAgent.map((a) => ({ ...a, answerRatePct: rate(a) })),
  };
}

/** A report over whole days in the supervisor's scope, read in full as the reports route did before. */
export async function fullReadReport(
  db: Pick<RecordsDb, 'query'>,
  range: { fromMs: number; toMs: number; bucket: 'hour' | 'day' },
  scope: SupervisorScope,
  serviceLevelSec: number,
): Promise<Report> {
  const read = await readInScope(db, new Date(range.fromMs), new Date(range.toMs), scope);
  return oldReport(read, range, serviceLevelSec);
}

/** Today's callbacks as the board counted them before: every callback offered since `from`, in the scope's queues. */
export async function fullReadCallbacks(db: Pick<RecordsDb, 'query'>, from: Date, scope: SupervisorScope) {
  const { rows } = await db.query<{ offered: string; accepted: string; completed: string }>(
    `SELECT count(*) AS offered, count(accepted_at) AS accepted, count(*) FILTER (WHERE state = 'completed') AS completed
     FROM callbacks WHERE offered_at >= $1 AND ($2::text[] IS NULL OR queue = ANY($2::text[]))`,
    [from, scope.queues ?? null],
  );
  const row = rows[0];
  return {
    offered: Number(row?.offered ?? 0),
    accepted: Number(row?.accepted ?? 0),
    completed: Number(row?.completed ?? 0),
  };
}
