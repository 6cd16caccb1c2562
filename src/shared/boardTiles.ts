import { z } from 'zod';
import { SETTINGS_RULES } from './settingsRules';
import type { BoardSnapshot } from './boardSchemas';

/** The floor's thresholds an admin sets (team settings): the service level to reach, and the longest a caller waits. */
export const BoardThresholds = z.object({
  /** Share of calls answered within the service-level time that the team aims for, percent. */
  serviceLevelTargetPct: z.number().int().min(1, SETTINGS_RULES.serviceLevelTarget).max(100),
  /** A call waiting longer than this in a queue raises the alert. */
  maxWaitSec: z.number().int().min(5, SETTINGS_RULES.maxWait).max(3600),
});
export type BoardThresholds = z.infer<typeof BoardThresholds>;

/** Until an admin sets them: the common 80/20 target, and a minute's wait. */
export const DEFAULT_THRESHOLDS: BoardThresholds = { serviceLevelTargetPct: 80, maxWaitSec: 60 };

/** ok: within the thresholds; warn: near one (three quarters of the longest wait, 10 points above the target); alert. */
export type TileLevel = 'ok' | 'warn' | 'alert';

export type FloorAlert =
  | { kind: 'max_wait'; queue: string; waitedSec: number; maxWaitSec: number }
  | { kind: 'service_level'; queue: string; pct: number; targetPct: number };

export interface FloorTiles {
  waiting: { count: number; level: TileLevel };
  longestWait: { sec: number | undefined; level: TileLevel };
  serviceLevel: { pct: number | undefined; level: TileLevel };
  agents: { available: number; onCall: number; afterCallWork: number; notReady: number; availableLevel: TileLevel };
  /**
   * Calls a bot holds now; undefined for a team whose bots took no call today (no tile for a team without bots).
   */
  withAssistant: number | undefined;
  /** Each queue over a threshold now, the longest wait first. */
  alerts: FloorAlert[];
  /** Each queue the board covers, quiet or not, then any other with calls now or today: the wallboard's rotation. */
  byQueue: QueueTile[];
}

export interface QueueTile {
  queue: string;
  waiting: number;
  longestWait: { sec: number | undefined; level: TileLevel };
  serviceLevel: { pct: number | undefined; level: TileLevel };
  answered: number;
  /** Calls a bot holds now in this queue; undefined for a team whose bots took no call today. */
  withAssistant: number | undefined;
}

function waitLevel(sec: number | undefined, max: number): TileLevel {
  if (sec === undefined) return 'ok';
  if (sec > max) return 'alert';
  return sec > max * 0.75 ? 'warn' : 'ok';
}

function serviceLevelOf(pct: number | undefined, target: number): TileLevel {
  if (pct === undefined) return 'ok';
  if (pct < target) return 'alert';
  return pct < target + 10 ? 'warn' : 'ok';
}

/** The tiles across the top of the board, and the queues over a threshold, at `nowMs` on the relay's clock. */
export function floorTiles(snapshot: BoardSnapshot, thresholds: BoardThresholds, nowMs: number): FloorTiles {
  const waitedSec = (sinceMs: number) => Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  const oldest = snapshot.waiting.reduce<number | undefined>(
    (o, w) => (o === undefined ? w.sinceMs : Math.min(o, w.sinceMs)),
    undefined,
  );
  const longest = oldest === undefined ? undefined : waitedSec(oldest);
  const count = (states: string[]) => snapshot.agents.filter((a) => states.includes(a.state)).length;
  const available = count(['available']);
  const freeFor = (queue: string) => snapshot.agents.some((a) => a.state === 'available' && a.queues.includes(queue));
  const teamPct = snapshot.today.ok ? snapshot.today.team.serviceLevelPct : undefined;

  const alerts: FloorAlert[] = [];
  const oldestByQueue = new Map<string, number>();
  for (const w of snapshot.waiting)
    oldestByQueue.set(w.queue, Math.min(oldestByQueue.get(w.queue) ?? w.sinceMs, w.sinceMs));
  for (const [queue, since] of oldestByQueue) {
    const sec = waitedSec(since);
    if (sec > thresholds.maxWaitSec)
      alerts.push({ kind: 'max_wait', queue, waitedSec: sec, maxWaitSec: thresholds.maxWaitSec });
  }
  alerts.sort((a, b) => (b.kind === 'max_wait' ? b.waitedSec : 0) - (a.kind === 'max_wait' ? a.waitedSec : 0));
  if (snapshot.today.ok) {
    for (const q of snapshot.today.byQueue) {
      if (q.serviceLevelPct !== undefined && q.serviceLevelPct < thresholds.serviceLevelTargetPct)
        alerts.push({
          kind: 'service_level',
          queue: q.queue,
          pct: q.serviceLevelPct,
          targetPct: thresholds.serviceLevelTargetPct,
        });
    }
  }

  const todayByQueue = new Map(snapshot.today.ok ? snapshot.today.byQueue.map((q) => [q.queue, q]) : []);
  const bots = snapshot.today.ok ? snapshot.today.team.bot : undefined;
  const botsToday = bots !== undefined && bots.alone + bots.escalated + bots.handedBack > 0;
  const teamHasBots = snapshot.withAssistant.length > 0 || botsToday;
  const queueIds = [
    ...new Set([
      ...snapshot.queues,
      ...snapshot.waiting.map((w) => w.queue),
      ...snapshot.withAssistant.map((c) => c.queue),
      ...snapshot.inProgress.flatMap((c) => (c.queue ? [c.queue] : [])),
      ...todayByQueue.keys(),
    ]),
  ];
  const byQueue = queueIds.map((queue): QueueTile => {
    const since = oldestByQueue.get(queue);
    const sec = since === undefined ? undefined : waitedSec(since);
    const pct = todayByQueue.get(queue)?.serviceLevelPct;
    return {
      queue,
      waiting: snapshot.waiting.filter((w) => w.queue === queue).length,
      longestWait: { sec, level: waitLevel(sec, thresholds.maxWaitSec) },
      serviceLevel: { pct, level: serviceLevelOf(pct, thresholds.serviceLevelTargetPct) },
      answered: todayByQueue.get(queue)?.answered ?? 0,
      withAssistant: teamHasBots ? snapshot.withAssistant.filter((c) => c.queue === queue).length : undefined,
    };
  });

  const longestLevel = waitLevel(longest, thresholds.maxWaitSec);
  const withAssistant = teamHasBots ? snapshot.withAssistant.length : undefined;
  return {
    withAssistant,
    waiting: { count: snapshot.waiting.length, level: longestLevel },
    longestWait: { sec: longest, level: longestLevel },
    serviceLevel: { pct: teamPct, level: serviceLevelOf(teamPct, thresholds.serviceLevelTargetPct) },
    agents: {
      available,
      onCall: count(['on_call', 'reserved']),
      afterCallWork: count(['after_call_work']),
      notReady: count(['not_ready']),
      // A call waits in a queue none of whose agents is free to take it, and it rings at nobody (a call ringing at
      // agents has them, reserved for it: not "nobody free").
      availableLevel: snapshot.waiting.some((w) => w.ringingAt.length === 0 && !freeFor(w.queue)) ? 'alert' : 'ok',
    },
    alerts,
    byQueue,
  };
}

/** A stable name for the set of alerts, so the page sounds once per new crossing, not every second. */
export const alertKey = (a: FloorAlert): string => `${a.kind}:${a.queue}`;

/** What the banner says of an alert: the alert and the figures it states (the limit, the level and its target). */
export const alertStatement = (a: FloorAlert): string =>
  a.kind === 'max_wait' ? `${alertKey(a)}:${a.maxWaitSec}` : `${alertKey(a)}:${a.pct}:${a.targetPct}`;
