import type { CallSignal } from '../shared/callSignals';
import { errorText } from '../shared/errorText';
import type { AssistantNote } from '../shared/botProtocol';
import { handBackBots, queueForCall, type QueueConfig, type TeamQueues } from '../shared/teamQueues';
import type { Logger } from '../whatsapp/logger';
import type { Bus } from './bus';
import type { CallStore } from './callStore';
import {
  anyoneLeft,
  planRoute,
  queueOpenAt,
  startRoute,
  type AgentSnapshot,
  type RouteInput,
  type RouteState,
  type RouteStep,
} from './queuePlan';
import { LEASE_MS, type RouteStore } from './routeStore';
import { createDueWake } from './dueWake';
import { runInTurns } from './inTurns';
import type { TurnedAwayCall } from './queueTurnAway';
import type { AgentRecord } from '../shared/teamState';
import type { TeamFloor } from './team/teamFloor';
import { groupsOfQueues } from './team/routingGroups';
import { canBeOffered } from './team/teamModel';

type Offered = Extract<CallSignal, { type: 'call_offered' }>;

/**
 * An agent as a routing step sees them: free, already ringing for this very call, or (where the queue allows call
 * waiting) on one call and otherwise ready, counts as available.
 */
function snapshotOf(agent: AgentRecord, callId?: string, waitingAllowed = false): AgentSnapshot {
  const ringingHere = callId !== undefined && agent.reservations.includes(callId);
  const canWait = waitingAllowed && agent.calls.length === 1 && canBeOffered(agent, 'answer', true);
  const available = agent.state === 'available' || ringingHere || canWait;
  return {
    id: agent.id,
    status: available ? 'available' : agent.connected ? 'busy' : 'offline',
    idleSinceMs: agent.idleSinceMs,
    present: agent.connected,
  };
}

/** A ring withdrawn from this agent stopped because they went not ready (or were set away), not by running out. */
const wentNotReady = (agent: AgentRecord): boolean => agent.connected && agent.activity.kind === 'not_ready';

/** Routing steps of different calls an instance runs at once (their reads overlap; reservations go in turn). */
const STEPS_AT_ONCE = 8;
/** Hunting reads this many of the longest-idle free agents at each skill level: one of them rings. */
const HUNT_LOOK_AHEAD = 50;

/**
 * Queues with skills: each call goes to its queue, rings the agents the plan picks, and moves on when nobody answers
 * in time. Every step's state lives in Redis and is taken by one instance at a time, so a dying instance's calls are
 * carried on by the others.
 */
export function createQueueRouter(deps: {
  /** The queues in force now: read at every step, so an admin's change applies to the next one. */
  queues: () => TeamQueues;
  store: CallStore;
  routes: RouteStore;
  floor: TeamFloor;
  bus: Bus;
  log: Logger;
  /** A call rang at an agent who did not answer in time. */
  onSkipped?: (queueId: string) => void;
  /** The routing clock (tests move it forward to reach an overflow without waiting a minute). */
  now?: () => number;
  /** Opens an anchored call's room on a media server (as WhatsApp's offer needs it); false when none can take it. */
  anchor?: (callId: string, sdpOffer: string) => Promise<boolean>;
  /** Declines a call on WhatsApp that the team cannot take (its queue anchors media and no server answers). */
  decline?: (callId: string) => Promise<void>;
  /** A queue with a bot: the bot takes the call first (its room is open) and hands it back through `enqueue`. */
  startBot?: (offer: Offered, queue: QueueConfig) => void;
  /** What the bot learned about a call it handed over, for the agents' rings. */
  assistantOf?: (callId: string) => Promise<AssistantNote | undefined>;
  /** Ends on WhatsApp a call its queue will not take (closed, or waited too long), with the queue's message. */
  turnAway?: (call: TurnedAwayCall) => Promise<void>;
  /** How often an idle instance looks for steps other instances set (a dead one's calls move on after this). */
  safetyLookMs?: number;
}) {
  const { store, routes, floor, bus, log } = deps;
  const config = () => deps.queues();

  /**
   * The free agents of the call's queues and those ringing for it: all a step needs, however large the floor. Hunting
   * one agent at a time reads only the longest idle of each skill level; ringing everyone reads them all.
   */
  async function routingAgents(
    callId: string,
    route: RouteState,
    ringing: string[],
    picked?: { free: string[][] },
  ): Promise<AgentSnapshot[]> {
    const queue = queueOf(route);
    const groups = groupsOf(route);
    const limit = route.stage === 'hunt' ? HUNT_LOOK_AHEAD : 1000;
    let free = picked ? await floor.freeOfRead(picked.free) : await floor.freeAgentsOf(groups, limit);
    const waiting = queue.callWaiting && free.length === 0 ? await waitingCandidates(groups, limit) : [];
    // Read again: an answer between the two reads may have freed colleagues who were ringing.
    if (waiting.length > 0) free = await floor.freeAgentsOf(groups, limit);
    const records = await floor.records([...new Set([...free, ...(free.length === 0 ? waiting : []), ...ringing])]);
    // Picking beside others, an agent free when the place was taken counts as free: one reserved since went to a call
    // counted ahead (its reservation is refused and the next tried), so the place and the agents stay in step.
    const freeThen = new Set(picked ? free : []);
    return records.map((agent) => {
      const seen = snapshotOf(agent, callId, queue.callWaiting);
      return freeThen.has(agent.id) && agent.connected ? { ...seen, status: 'available' } : seen;
    });
  }
  const queueOf = (route: RouteState) => config().queues.find((q) => q.id === route.queueId) ?? config().queues[0]!;
  const groupsOf = (route: RouteState) => {
    const queue = queueOf(route);
    return groupsOfQueues([queue, ...config().queues.filter((q) => q.id === queue.fallback)]);
  };
  /**
   * Agents on one call who could take this call as a waiting call: only when nobody of the queue is free nor ringing
   * for another call (a colleague who is ringing may be free in a moment, and is better than a second call).
   */
  async function waitingCandidates(groups: string[], limit: number): Promise<string[]> {
    if (await floor.anyRingingIn(groups)) return [];
    return floor.onOneCallOf(groups, limit);
  }
  const now = deps.now ?? Date.now;
  const queueName = (id: string) => config().queues.find((q) => q.id === id)?.name;
  const assistantsOf = (id: string) => {
    const queue = config().queues.find((q) => q.id === id);
    return queue ? handBackBots(queue).map((bot) => ({ id: bot.id, name: bot.name })) : [];
  };

  /**
   * Plans a step and reserves whom it rings. An agent another call reserved in the meantime (two calls arriving
   * together chose the same longest-idle agent) makes way for the next one at once, not after a tick.
   */
  async function planAndReserve(callId: string, input: RouteInput): Promise<{ step: RouteStep; reserved: string[] }> {
    const taken: string[] = [];
    for (let attempt = 0; ; attempt += 1) {
      // Each agent taken meanwhile went to a call picking beside this one: one fewer ahead of it.
      const pickAt = input.pickAt === undefined ? undefined : Math.max(0, input.pickAt - taken.length);
      const step = planRoute({ ...input, agents: input.agents.filter((a) => !taken.includes(a.id)), pickAt });
      // Its place among the calls picking ends in the write that reserves: a call reading next sees neither.
      const picked = input.pickAt !== undefined ? routes.pickEntries(callId, input.route.queueId) : [];
      const reserved =
        step.ring.length > 0 ? await floor.reserve(callId, step.ring, 'answer', Infinity, undefined, picked) : [];
      const alone = step.route.ringingAlone;
      if (!alone || !step.ring.includes(alone) || reserved.includes(alone) || attempt >= 4) return { step, reserved };
      taken.push(alone);
    }
  }

  /** How long each agent ringing for the call has rung, by the team model's reservations (and its clock). */
  async function ringTimes(callId: string, ringing: string[]): Promise<Record<string, number>> {
    if (ringing.length === 0) return {};
    const nowMs = Date.now();
    const rings = (await floor.call(callId))?.reservations ?? [];
    const pending = rings.filter((r) => r.status === 'pending' && ringing.includes(r.agentId));
    return Object.fromEntries(pending.map((r) => [r.agentId, nowMs - r.sinceMs]));
  }

  /** Ends on WhatsApp, after Meta's delivery or the routing step is done, a call its queue will not take. */
  function endOnWhatsApp(call: TurnedAwayCall): void {
    const end = deps.turnAway ?? ((c: TurnedAwayCall) => deps.decline?.(c.callId) ?? Promise.resolve());
    void end(call).catch((error: unknown) =>
      log.error('a call the queue turned away was not ended', { callId: call.callId, error: errorText(error) }),
    );
  }

  /**
   * The caller waited past the queue's maximum: nobody may answer from now on, every ring stops, the call leaves the
   * floor, and it is ended on WhatsApp with the queue's message. An agent who claimed it a moment before keeps it.
   */
  async function endWaitedTooLong(callId: string, offer: Offered, route: RouteState, leaseUntilMs: number) {
    const queue = config().queues.find((q) => q.id === route.queueId) ?? config().queues[0]!;
    const offered = await store.offeredTo(callId);
    if (!(await store.withdraw(callId, offered))) {
      // Being answered: the next step sees the owner and lets the call go.
      await later(callId, leaseUntilMs, now() + 1000);
      return;
    }
    await routes.finish(callId);
    if (!(await store.firstTime(`turn-away:${callId}`))) return;
    await floor.apply({ kind: 'end', callId });
    // Named: nobody is on the call's offered list any more.
    await bus.publish({
      kind: 'direct',
      callId,
      targets: offered,
      event: {
        type: 'call_terminated',
        callId,
        from: offer.from,
        status: 'COMPLETED',
        errors: [],
        turnedAway: 'max_wait',
      },
    });
    log.info('the caller waited past the queue’s maximum', { callId, queue: queue.id, rang: offered });
    endOnWhatsApp({ callId, customer: offer.from, queue, reason: 'max_wait' });
  }

  /**
   * One routing step of a call this instance holds the lease on. Steps of calls due together read at once, then
   * reserve agents and let them go in turn (`inTurn`): the caller waiting longest still goes first.
   */
  async function advance(
    callId: string,
    leaseUntilMs: number,
    fresh?: { route: RouteState; offer: Offered },
    inTurn?: { turn: Promise<void>; pass: () => void },
  ): Promise<void> {
    const [route, offer, owner, ended] = fresh
      ? [fresh.route, fresh.offer, null, false]
      : await Promise.all([routes.get(callId), store.offer(callId), store.owner(callId), store.terminated(callId)]);
    if (!route || !offer || owner || ended) {
      await routes.finish(callId);
      return;
    }
    // A call just taken has rung nowhere yet: only the agents need reading.
    const [tried, declined, offered] = await Promise.all([
      fresh ? ([] as string[]) : store.tried(callId),
      fresh ? ([] as string[]) : store.declined(callId),
      fresh ? ([] as string[]) : store.offeredTo(callId),
    ]);
    const nowMs = now();
    const ringing = offered.filter((a) => !declined.includes(a));
    // Hunting beside other calls of the queue, each rings a different one of the longest idle: its place among them
    // and the free agents are read at one moment, so a call counted ahead of it has not reserved yet and its agent is
    // among those read, and one that reserved before is neither counted nor its agent read.
    const picking = route.stage === 'hunt';
    const picked = picking
      ? await routes.picking(callId, route, now(), floor.idleKeysOf(groupsOf(route)), HUNT_LOOK_AHEAD)
      : undefined;
    const agents = await routingAgents(callId, route, ringing, picked);
    const pickAt = picked?.at;
    const rangMs = route.stage === 'overflow' || route.stage === 'fallback' ? await ringTimes(callId, ringing) : {};
    await inTurn?.turn;
    const { step, reserved } = await planAndReserve(callId, {
      config: config(),
      route,
      agents,
      tried,
      declined,
      ringing,
      rangMs,
      nowMs,
      pickAt,
    }).finally(() => {
      if (picking)
        routes
          .picked(callId, route.queueId)
          .catch((error: unknown) =>
            log.warn('a call’s pick was not cleared; it lapses', { callId, error: errorText(error) }),
          );
    });
    if (step.turnAway) {
      await endWaitedTooLong(callId, offer, route, leaseUntilMs);
      return;
    }
    if (step.withdraw.length > 0) {
      if (!(await store.withdraw(callId, step.withdraw))) {
        await routes.finish(callId);
        return;
      }
      for (const agentId of step.withdraw) await floor.apply({ kind: 'ring_timeout', callId, agentId });
      const longestMs = Math.max(0, ...step.withdraw.map((id) => rangMs[id] ?? 0));
      const afterSec = Math.round((route.ringStartMs !== undefined ? nowMs - route.ringStartMs : longestMs) / 1000);
      const notReady = (await floor.records(step.withdraw)).filter(wentNotReady).map((a) => a.id);
      // Each desk is told why its ring ended: it ran out, or the agent went not ready.
      const passed = [
        { targets: step.withdraw.filter((id) => !notReady.includes(id)) },
        { targets: notReady, because: 'not_ready' as const },
      ];
      for (const { targets, because } of passed)
        if (targets.length > 0)
          await bus.publish({
            kind: 'direct',
            callId,
            targets,
            event: { type: 'call_passed_on', callId, afterSec, ...(because && { because }) },
          });
      deps.onSkipped?.(route.queueId);
      log.info('call passed on', { callId, from: step.withdraw, queue: route.queueId });
    }
    inTurn?.pass();
    let nextCheckMs = step.nextCheckMs;
    if (step.ring.length > 0) {
      const alone = step.route.ringingAlone;
      if (alone && reserved.includes(alone)) await store.addTried(callId, alone);
      else if (alone) {
        // Taken by another call in the meantime: the next one is tried at once rather than after the ring time.
        step.route = { ...step.route, ringingAlone: undefined, ringStartMs: undefined };
        nextCheckMs = nowMs;
      }
      const assistant = await deps.assistantOf?.(callId);
      const bots = step.route.anchored ? assistantsOf(step.route.queueId) : [];
      const event: Offered = {
        ...offer,
        queue: queueName(step.route.queueId),
        waitedMs: Math.max(0, Math.round(nowMs - step.route.startedAtMs)),
        anchored: step.route.anchored,
        ...(assistant && { assistant }),
        ...(bots.length > 0 && { assistants: bots }),
      };
      if (reserved.length > 0) await bus.publish({ kind: 'offer', callId, targets: reserved, event });
    }
    await Promise.all([routes.save(callId, step.route), later(callId, leaseUntilMs, nextCheckMs)]);
  }

  /** The call waits in its queue: the team sees it, and its first routing step runs here at once. */
  async function queueCall(offer: Offered, queue: QueueConfig, again = false): Promise<void> {
    const anchored = queue.media === 'anchored' || undefined;
    const nowMs = now();
    const where = { callId: offer.callId, queue: queue.id, waitingAllowed: queue.callWaiting };
    const queued = await floor.apply(again ? { kind: 'requeue', ...where } : { kind: 'offer', ...where });
    if (again && !queued.ok) throw new Error(`call ${offer.callId} not queued again: ${queued.refusal}`);
    const lastAgentId = config().repeatCallerMinutes > 0 ? await store.lastAgent(offer.from) : null;
    const [lastRecord] = lastAgentId ? await floor.records([lastAgentId]) : [];
    const lastAgent = lastRecord && snapshotOf(lastRecord);
    const route = { ...startRoute(queue, nowMs, lastAgent), anchored };
    // Kept and leased to this instance for the first step: if it dies now, another instance carries on.
    const [, lease] = await Promise.all([
      routes.save(offer.callId, route),
      routes.leaseNow(offer.callId, nowMs),
      store.setQueue(offer.callId, queue.id),
    ]);
    wake.at(lease);
    await advance(offer.callId, lease, { route, offer });
    log.info('call queued', { callId: offer.callId, queue: queue.id, repeatCaller: Boolean(lastAgent) });
  }

  /** The calls due now, leased to this instance, one step each; returns when the next call is due. */
  async function stepDue(nowMs: number): Promise<number | undefined> {
    const { callIds, leaseUntilMs, earliestMs } = await routes.leaseDue(nowMs);
    // Nothing taken: the set is as the look found it.
    if (callIds.length === 0) return earliestMs;
    // The caller waiting longest goes first: calls due together compete for the same free agents.
    const started = await Promise.all(callIds.map(async (id) => (await routes.get(id))?.startedAtMs ?? Infinity));
    const oldestFirst = callIds.map((id, i) => ({ id, at: started[i]! })).sort((x, y) => x.at - y.at);
    // Each call is leased once per look, so one call's steps never overlap; different calls' steps do.
    await runInTurns(oldestFirst, STEPS_AT_ONCE, ({ id: callId }, turn, pass) =>
      advance(callId, leaseUntilMs, undefined, { turn, pass }).catch((error: unknown) =>
        log.warn('routing step failed; another instance takes it after the lease', {
          callId,
          error: errorText(error),
        }),
      ),
    );
    return routes.earliest();
  }
  const wake = createDueWake({ look: stepDue, safetyMs: deps.safetyLookMs ?? LEASE_MS, log, what: 'routing', now });
  /** The call's next step at `atMs` (unless asked for sooner meanwhile); this instance wakes for it. */
  async function later(callId: string, leaseUntilMs: number, atMs: number): Promise<void> {
    if (await routes.reschedule(callId, leaseUntilMs, atMs)) wake.at(atMs);
  }
  /** The call's next step runs at once, on this instance unless another is quicker. */
  async function stepSoon(callId: string): Promise<void> {
    const atMs = now();
    await routes.schedule(callId, atMs);
    wake.at(atMs);
  }

  return {
    /** A webhook's offer, taken once across all instances; its first step runs at once here. */
    async take(offer: Offered, phoneNumberId?: string): Promise<false | { queue: string }> {
      if ((await store.takeOffer(offer)).outcome !== 'new') return false;
      const queue = queueForCall(config(), { phoneNumberId, ctaPayload: offer.ctaPayload });
      const open = queueOpenAt(queue, now());
      if (!open.open) {
        // Closed: it rings nowhere, opens no room and reaches no bot.
        await store.setQueue(offer.callId, queue.id);
        log.info('call arrived while its queue is closed', { callId: offer.callId, queue: queue.id, why: open.why });
        endOnWhatsApp({ callId: offer.callId, customer: offer.from, queue, reason: 'closed' });
        return { queue: queue.id };
      }
      if (queue.media === 'anchored') {
        const opened = await (deps.anchor?.(offer.callId, offer.sdpOffer) ?? Promise.resolve(false)).catch(
          (error: unknown) => {
            log.error('media server refused the call’s room', { callId: offer.callId, error: errorText(error) });
            return false;
          },
        );
        if (!opened) {
          log.error('no media server for an anchored call: declined on WhatsApp', { callId: offer.callId });
          await deps.decline?.(offer.callId);
          return { queue: queue.id };
        }
      }
      if (queue.bot && deps.startBot) {
        await store.setQueue(offer.callId, queue.id);
        deps.startBot(offer, queue);
        return { queue: queue.id };
      }
      await queueCall(offer, queue);
      return { queue: queue.id };
    },
    /** A call the queue's bot held waits in this queue now and rings its agents. */
    async enqueue(callId: string, queueId: string): Promise<void> {
      const [offer, queue] = [await store.offer(callId), config().queues.find((q) => q.id === queueId)];
      if (!offer || !queue) throw new Error(`no call ${callId} or queue ${queueId} to queue it in`);
      // A call an agent handed to a bot is on the team's floor already: it rings again, as afresh.
      const again = (await floor.call(callId))?.phase === 'answered';
      if (again) await store.forgetRouting(callId);
      await queueCall(offer, queue, again);
    },
    /**
     * After a decline: the next step runs at once; 'nobody_left' when the call must be rejected on WhatsApp. A queue
     * with a maximum wait keeps a call everyone declined waiting (an agent who signs in or comes back may take it)
     * until that wait is up, when the queue's own action (a message, a callback offer) ends it.
     */
    async afterDecline(callId: string, declined: string[]): Promise<'passed_on' | 'still_ringing' | 'nobody_left'> {
      const route = await routes.get(callId);
      if (!route) return 'nobody_left';
      const everyone = (await floor.agents()).map((agent) => snapshotOf(agent, callId));
      if (!anyoneLeft(config(), route, everyone, declined)) {
        const queue = config().queues.find((q) => q.id === route.queueId);
        if (!queue?.maxWait) return 'nobody_left';
        log.info('every agent declined; the call waits for its queue’s maximum wait', { callId, queue: queue.id });
      }
      await store.withdraw(callId, declined);
      await stepSoon(callId);
      return 'passed_on';
    },
    /** Calls that rang at an agent who has gone: their next step runs at once. */
    async passOn(callIds: Iterable<string>): Promise<void> {
      for (const callId of callIds) if (await routes.get(callId)) await stepSoon(callId);
    },
    /** The agent who answered is the one a repeat caller rings first next time. */
    async answered(callId: string, agentId: string): Promise<void> {
      const offer = await store.offer(callId);
      if (offer) await store.setLastAgent(offer.from, agentId, config().repeatCallerMinutes);
      await routes.finish(callId);
    },
    /** One look at the calls due at `nowMs` on the routing clock, as the wake makes (a test steps its own clock). */
    stepDue,
    start: wake.start,
    stop: wake.stop,
  };
}
export type QueueRouter = ReturnType<typeof createQueueRouter>;
