import { openAt, type OpenNow } from '../shared/businessHours';
import { skillLevel, type QueueConfig, type TeamQueues } from '../shared/teamQueues';

/** One agent as presence shows them when a call is routed. */
export interface AgentSnapshot {
  id: string;
  status: 'available' | 'busy' | 'away' | 'offline';
  idleSinceMs: number;
  /** Their desk is signed in and its instance renewed them recently. */
  present: boolean;
}

/**
 * repeat: ringing the agent who last spoke to this customer; hunt: one agent at a time; overflow: every available
 * agent of the queue; fallback: the fallback queue's agents too.
 */
export type RouteStage = 'repeat' | 'hunt' | 'overflow' | 'fallback';

/** A call's routing as kept in Redis between steps. */
export interface RouteState {
  queueId: string;
  stage: RouteStage;
  startedAtMs: number;
  /** The agent ringing alone (repeat or hunt) and since when. */
  ringingAlone?: string;
  ringStartMs?: number;
  /** The call's media goes through the team's media server. */
  anchored?: boolean;
}

export interface RouteInput {
  config: TeamQueues;
  route: RouteState;
  agents: AgentSnapshot[];
  /** Agents this call already rang alone. */
  tried: string[];
  declined: string[];
  /** Agents the call rings at now. */
  ringing: string[];
  /** How long each agent ringing for everyone (overflow, fallback) has rung: their ring ends after the ring time. */
  rangMs?: Record<string, number>;
  nowMs: number;
  /**
   * This call's place among its queue's calls picking an agent at this moment, the oldest caller 0: a hunt rings the
   * agent at that place among the most skilled free ones, so calls routed at once ring different agents; at or past
   * the number of free agents it rings nobody, leaving them to the callers waiting longer.
   */
  pickAt?: number;
}

export interface RouteStep {
  route: RouteState;
  /** Stop ringing here: the agent did not answer in time, or left. */
  withdraw: string[];
  ring: string[];
  /** When to look at the call again. */
  nextCheckMs: number;
  /** The caller waited past the queue's maximum: the call is turned away (withdraw says who stops ringing). */
  turnAway?: 'max_wait';
}

/** How often a call nobody can take yet looks for an agent who became available. */
export const WAITING_CHECK_MS = 1000;
/**
 * When a waiting call looks for a free agent again: on a shared one-second grid, so every waiting call is looked at
 * in the same routing tick and an agent free again goes to the caller who waited longest, whatever the queue.
 */
export const nextWaitingCheck = (nowMs: number): number =>
  (Math.floor(nowMs / WAITING_CHECK_MS) + 1) * WAITING_CHECK_MS;

const isFree = (a: AgentSnapshot) => a.present && a.status === 'available';

/** Agents of these queues free to ring now, the most skilled first, then the longest idle. */
function candidates(queues: QueueConfig[], input: RouteInput, exclude: Set<string>): string[] {
  const level = (id: string) => Math.max(0, ...queues.map((q) => skillLevel(q, id) ?? 0));
  return input.agents
    .filter((a) => isFree(a) && level(a.id) > 0 && !exclude.has(a.id) && !input.declined.includes(a.id))
    .sort((a, b) => level(b.id) - level(a.id) || a.idleSinceMs - b.idleSinceMs)
    .map((a) => a.id);
}

/** How far down the longest idle a call picking beside others may go: fairness stays near longest-idle-first. */
export const MOST_PICKING_AT_ONCE = 16;

/**
 * The `at`-th of these candidates (most skilled first, then longest idle), within the first level and the first
 * MOST_PICKING_AT_ONCE; the last of those when there are fewer (the others are for calls further down). A call
 * picking alone takes the first.
 */
function pickFrom(queue: QueueConfig, ids: string[], at = 0): string | undefined {
  const window = ids.slice(0, MOST_PICKING_AT_ONCE);
  // Sorted most skilled first: the first level's agents lead the list.
  const firstLevel = window.filter((id) => skillLevel(queue, id) === skillLevel(queue, window[0]!));
  return firstLevel[Math.min(at, firstLevel.length - 1)];
}

/** Whether a queue takes calls now: always, without business hours. */
export function queueOpenAt(queue: QueueConfig, nowMs: number): OpenNow {
  return queue.hours ? openAt(queue.hours, nowMs) : { open: true };
}

/** When a call of this route has waited as long as its queue allows (Infinity: no limit). */
export function waitEndsAt(queue: QueueConfig, route: RouteState): number {
  return queue.maxWait ? route.startedAtMs + queue.maxWait.seconds * 1000 : Infinity;
}

/**
 * The next routing step of a call: who stops ringing, who starts, and when to look again; or, once the caller has
 * waited past the queue's maximum, that the call is turned away. Pure: the relay reads the inputs from Redis,
 * applies the step, and stores the returned route.
 */
export function planRoute(input: RouteInput): RouteStep {
  const queue = input.config.queues.find((q) => q.id === input.route.queueId) ?? input.config.queues[0]!;
  const endsAtMs = waitEndsAt(queue, input.route);
  if (input.nowMs >= endsAtMs)
    return {
      route: input.route,
      withdraw: [...input.ringing],
      ring: [],
      nextCheckMs: input.nowMs,
      turnAway: 'max_wait',
    };
  const step = planStep(input);
  // Looked at again no later than the moment the wait runs out, however long a ring would last.
  return { ...step, nextCheckMs: Math.min(step.nextCheckMs, endsAtMs) };
}

function planStep(input: RouteInput): RouteStep {
  const { config, nowMs } = input;
  const queue = config.queues.find((q) => q.id === input.route.queueId) ?? config.queues[0]!;
  const fallback = queue.fallback ? config.queues.find((q) => q.id === queue.fallback) : undefined;
  const ringMs = queue.ringSeconds * 1000;
  const overflowAtMs = input.route.startedAtMs + queue.overflowSeconds * 1000;
  const fallbackAtMs = input.route.startedAtMs + 2 * queue.overflowSeconds * 1000;
  const byId = new Map(input.agents.map((a) => [a.id, a]));
  const withdraw: string[] = [];
  let route: RouteState = { ...input.route };

  const aloneStillRinging = (): boolean => {
    const alone = route.ringingAlone;
    if (!alone || route.ringStartMs === undefined || !input.ringing.includes(alone)) return false;
    const agent = byId.get(alone);
    return Boolean(agent?.present && agent.status === 'available' && nowMs - route.ringStartMs < ringMs);
  };
  const stopAlone = (): void => {
    if (route.ringingAlone && input.ringing.includes(route.ringingAlone)) withdraw.push(route.ringingAlone);
    route = { ...route, ringingAlone: undefined, ringStartMs: undefined };
  };

  if (route.stage === 'repeat' && route.ringingAlone && route.ringStartMs === undefined) {
    route.ringStartMs = nowMs;
    return { route, withdraw, ring: [route.ringingAlone], nextCheckMs: nowMs + ringMs };
  }
  if (route.stage === 'repeat') {
    if (aloneStillRinging()) return { route, withdraw, ring: [], nextCheckMs: route.ringStartMs! + ringMs };
    stopAlone();
    route.stage = queue.routing === 'longest_idle' ? 'hunt' : 'overflow';
  }

  if (route.stage === 'hunt' && nowMs < overflowAtMs) {
    if (aloneStillRinging())
      return { route, withdraw, ring: [], nextCheckMs: Math.min(route.ringStartMs! + ringMs, overflowAtMs) };
    stopAlone();
    const untried = candidates([queue], input, new Set([...input.tried, ...withdraw]));
    // Callers waiting longer, picking at this moment, are as many as the free agents: they take them (on any
    // instance), and this call looks again at the next waiting check.
    if (untried.length > 0 && (input.pickAt ?? 0) >= untried.length)
      return { route, withdraw, ring: [], nextCheckMs: Math.min(nextWaitingCheck(nowMs), overflowAtMs) };
    const next = pickFrom(queue, untried, input.pickAt);
    if (next) {
      route = { ...route, ringingAlone: next, ringStartMs: nowMs };
      return { route, withdraw, ring: [next], nextCheckMs: Math.min(nowMs + ringMs, overflowAtMs) };
    }
    // Everyone free has had their turn: ring them all now rather than leave the caller waiting for the overflow.
    if (candidates([queue], input, new Set(withdraw)).length === 0)
      return { route, withdraw, ring: [], nextCheckMs: Math.min(nextWaitingCheck(nowMs), overflowAtMs) };
  }

  if (route.stage === 'hunt') route.stage = 'overflow';
  if (route.stage === 'overflow' && fallback && nowMs >= fallbackAtMs) route.stage = 'fallback';
  // From here the call rings at everyone it may; nobody rings alone any more.
  route = { ...route, ringingAlone: undefined, ringStartMs: undefined };
  // A ring stops where the agent can no longer take the call (not ready, gone), or after the ring time (a miss, not a
  // decline): it rings them again at a later step, as a hunt rings a free agent again once everyone had their turn.
  for (const id of input.ringing) {
    const agent = byId.get(id);
    const rangOut = (input.rangMs?.[id] ?? 0) >= ringMs;
    if (!withdraw.includes(id) && (rangOut || !(agent && isFree(agent)))) withdraw.push(id);
  }
  const queues = route.stage === 'fallback' && fallback ? [queue, fallback] : [queue];
  const ring = candidates(queues, input, new Set([...input.ringing, ...withdraw]));
  const nextCheckMs =
    route.stage === 'overflow' && fallback && nowMs < fallbackAtMs
      ? Math.min(nextWaitingCheck(nowMs), fallbackAtMs)
      : nextWaitingCheck(nowMs);
  return { route, withdraw, ring, nextCheckMs };
}

/** The first step of a call: its queue's stage, or the repeat caller's agent first when they are free. */
export function startRoute(queue: QueueConfig, nowMs: number, lastAgent?: AgentSnapshot): RouteState {
  if (lastAgent && isFree(lastAgent))
    return { queueId: queue.id, stage: 'repeat', startedAtMs: nowMs, ringingAlone: lastAgent.id };
  return { queueId: queue.id, stage: queue.routing === 'longest_idle' ? 'hunt' : 'overflow', startedAtMs: nowMs };
}

/**
 * After a decline: false when no signed-in agent of the call's queues (other than those who declined) is left to
 * take it, so it must be rejected on WhatsApp rather than ring on.
 */
export function anyoneLeft(config: TeamQueues, route: RouteState, agents: AgentSnapshot[], declined: string[]) {
  const queue = config.queues.find((q) => q.id === route.queueId) ?? config.queues[0]!;
  const fallback = queue.fallback ? config.queues.find((q) => q.id === queue.fallback) : undefined;
  const serves = (id: string) => [queue, fallback].some((q) => q && skillLevel(q, id) !== undefined);
  return agents.some((a) => a.present && a.status !== 'offline' && serves(a.id) && !declined.includes(a.id));
}
