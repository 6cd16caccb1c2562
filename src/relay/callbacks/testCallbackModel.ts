import fc from 'fast-check';
import type { QueueCallback } from '../../shared/queueCallbacks';
import { skillLevel, TeamQueues, type QueueConfig } from '../../shared/teamQueues';
import { queueOpenAt } from '../queuePlan';
import { afterFailure, callbacksDue, offerTo, passedOn, planCallbackOffers, takenBy } from './callbackPlan';

/**
 * A pure model of queue callbacks on a floor, for property tests: agents free, away or on a call, callbacks asked for,
 * passed on, taken, placed and ended, and time passing; after every step a look offers the waiting ones as the relay's
 * look does (planCallbackOffers, the offers that ran out passed on), so whole runs cost microseconds.
 */
export const MODEL_QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    { id: 'care', name: 'Care', routing: 'ring_all', ringSeconds: 30, agents: { asha: 2, ben: 1, chen: 1 } },
    { id: 'sales', name: 'Sales', routing: 'ring_all', ringSeconds: 30, agents: { chen: 1, dev: 1 } },
  ],
}).queues;
const AGENTS = ['asha', 'ben', 'chen', 'dev'];
const KINDS = ['available', 'away', 'busy', 'free', 'comes', 'comes', 'pass', 'pass', 'take', 'place', 'ends', 'later'];
export type ModelStep = { kind: (typeof KINDS)[number]; a: number; b: number };
export const modelStepArbitrary: fc.Arbitrary<ModelStep> = fc.record({
  kind: fc.constantFrom(...KINDS),
  a: fc.nat(20),
  b: fc.nat(20),
});

interface ModelAgent {
  id: string;
  ready: boolean;
  /** On a customer's call, a callback's call, or writing one up. */
  busy: boolean;
  idleSinceMs: number;
}
export interface CallbackModel {
  nowMs: number;
  agents: Map<string, ModelAgent>;
  callbacks: QueueCallback[];
  asked: number;
}

export function newCallbackModel(): CallbackModel {
  const agents = AGENTS.map((id) => ({ id, ready: true, busy: false, idleSinceMs: 0 }));
  return { nowMs: 1_000_000, agents: new Map(agents.map((a) => [a.id, a])), callbacks: [], asked: 0 };
}

const pick = <T>(list: T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);
const queueOf = (callback: QueueCallback) => MODEL_QUEUES.find((q) => q.id === callback.queueId)!;
/** Whether the agent holds a callback: offered to them, or taken and not yet placed (the team reserves them). */
const holds = (model: CallbackModel, agentId: string) =>
  model.callbacks.some((c) => c.agentId === agentId && c.state !== 'waiting' && !c.placedCallId);
/** Free to be offered anything: ready, on no call, holding no callback. */
const isFree = (model: CallbackModel, agent: ModelAgent) => agent.ready && !agent.busy && !holds(model, agent.id);

function replace(model: CallbackModel, callback: QueueCallback, next: QueueCallback | undefined): void {
  model.callbacks = model.callbacks.flatMap((c) => (c.id !== callback.id ? [c] : next ? [next] : []));
}

/** One step on the floor (a step that finds nothing to act on changes nothing). */
export function playModelStep(model: CallbackModel, step: ModelStep): void {
  const agent = model.agents.get(pick(AGENTS, step.a)!)!;
  const inState = (state: QueueCallback['state'], placed: boolean) =>
    model.callbacks.filter((c) => c.state === state && !!c.placedCallId === placed);
  switch (step.kind) {
    case 'available':
      if (!agent.ready) agent.idleSinceMs = model.nowMs;
      agent.ready = true;
      return;
    case 'away': {
      agent.ready = false;
      // The team lets the agent's hold go: the offer is passed on, as a ring not answered is.
      const offered = model.callbacks.find((c) => c.state === 'offered' && c.agentId === agent.id);
      if (offered) replace(model, offered, passedOn(offered, agent.id));
      return;
    }
    case 'busy':
      if (isFree(model, agent)) agent.busy = true;
      return;
    case 'free':
      if (agent.busy && !model.callbacks.some((c) => c.agentId === agent.id && c.placedCallId)) {
        agent.busy = false;
        agent.idleSinceMs = model.nowMs;
      }
      return;
    case 'comes': {
      model.asked += 1;
      const queue = pick(MODEL_QUEUES, step.b)!;
      model.callbacks.push({
        id: `cb${model.asked}`,
        queueId: queue.id,
        customer: `4477009${String(model.asked).padStart(5, '0')}`,
        callId: `call${model.asked}`,
        arrivedAtMs: model.nowMs,
        requestedAtMs: model.nowMs,
        expiresAtMs: model.nowMs + 24 * 3600_000,
        state: 'waiting',
        passedBy: [],
        attempts: 0,
      });
      return;
    }
    case 'pass':
    case 'take': {
      const offered = pick(inState('offered', false), step.b);
      if (!offered) return;
      const next =
        step.kind === 'pass'
          ? passedOn(offered, offered.agentId!)
          : takenBy(offered, offered.agentId!, model.nowMs + 90_000);
      return replace(model, offered, next);
    }
    case 'place': {
      const taken = pick(inState('calling', false), step.b);
      if (!taken) return;
      model.agents.get(taken.agentId!)!.busy = true;
      return replace(model, taken, { ...taken, placedCallId: `out.${taken.id}.${taken.attempts}` });
    }
    case 'ends': {
      // The customer answers (completed) or not (an attempt failed); the agent writes it up, still busy.
      const placed = pick(inState('calling', true), step.b);
      if (!placed) return;
      return replace(model, placed, step.a % 2 === 0 ? undefined : afterFailure(placed, 'not_answered'));
    }
    case 'later':
      model.nowMs += (step.b + 1) * 5_000;
      return;
  }
}

/** The relay's look: offers run out are passed on, calls never placed fail, then the waiting ones are offered. */
export function lookModel(model: CallbackModel): Array<{ callbackId: string; agentId: string }> {
  const due = callbacksDue(model.callbacks, model.nowMs, MODEL_QUEUES);
  for (const c of due.expired) replace(model, c, undefined);
  for (const c of due.offersRunOut) replace(model, c, passedOn(c, c.agentId!));
  for (const c of due.neverPlaced) replace(model, c, afterFailure(c, 'call_failed'));
  const freeAgents = [...model.agents.values()]
    .filter((a) => isFree(model, a))
    .sort((x, y) => x.idleSinceMs - y.idleSinceMs || x.id.localeCompare(y.id))
    .map((a) => a.id);
  const steps = planCallbackOffers({
    callbacks: model.callbacks,
    queues: MODEL_QUEUES,
    freeAgents,
    nowMs: model.nowMs,
  });
  for (const step of steps) {
    const callback = model.callbacks.find((c) => c.id === step.callbackId)!;
    replace(model, callback, offerTo(callback, step.agentId, model.nowMs + queueOf(callback).ringSeconds * 1000));
  }
  return steps;
}

/** A callback that may be offered now: waiting, not for a permission answer, not expired, its queue open. */
export const offerable = (callback: QueueCallback, queues: QueueConfig[], nowMs: number): boolean => {
  const queue = queues.find((q) => q.id === callback.queueId);
  return (
    callback.state === 'waiting' &&
    !callback.awaitingPermission &&
    callback.expiresAtMs > nowMs &&
    queue !== undefined &&
    queueOpenAt(queue, nowMs).open
  );
};

/**
 * The new-round rule as a state: no callback is left waiting while a free agent of its queue (holding no callback)
 * exists, even one who passed it. Returns what breaks it.
 */
export function waitingBesideFreeAgent(
  callbacks: QueueCallback[],
  queues: QueueConfig[],
  freeAgents: string[],
  nowMs: number,
): string[] {
  return callbacks.flatMap((callback) => {
    if (!offerable(callback, queues, nowMs)) return [];
    const queue = queues.find((q) => q.id === callback.queueId)!;
    const free = freeAgents.filter((id) => skillLevel(queue, id) !== undefined);
    return free.length ? [`${callback.id} waits while ${free.join(', ')} of ${queue.id} is free`] : [];
  });
}

/** What the model breaks after a look that made these offers. */
export function modelViolations(
  model: CallbackModel,
  offers: Array<{ callbackId: string; agentId: string }>,
): string[] {
  const problems: string[] = [];
  const free = [...model.agents.values()].filter((a) => isFree(model, a)).map((a) => a.id);
  problems.push(...waitingBesideFreeAgent(model.callbacks, MODEL_QUEUES, free, model.nowMs));
  for (const agentId of AGENTS) {
    const held = model.callbacks.filter((c) => c.agentId === agentId && c.state !== 'waiting');
    if (held.length > 1) problems.push(`${agentId} holds ${held.map((c) => c.id).join(' and ')}`);
  }
  for (const c of model.callbacks) {
    if (c.state === 'waiting' || !c.agentId) continue;
    if (skillLevel(queueOf(c), c.agentId) === undefined)
      problems.push(`${c.id} is with ${c.agentId}, not of its queue`);
    if (c.state === 'offered' && !model.agents.get(c.agentId)!.ready)
      problems.push(`${c.id} rings at away ${c.agentId}`);
  }
  // A new round (to one who passed it) only when nobody of its queue who has not passed it is free, and from the one
  // who passed it longest ago: nobody who passed it before them is left free.
  for (const offer of offers) {
    const callback = model.callbacks.find((c) => c.id === offer.callbackId)!;
    const at = callback.passedBy.indexOf(offer.agentId);
    if (at < 0) continue;
    const ofQueue = free.filter((id) => skillLevel(queueOf(callback), id) !== undefined);
    const fresh = ofQueue.filter((id) => !callback.passedBy.includes(id));
    if (fresh.length) problems.push(`${callback.id} came round to ${offer.agentId} while ${fresh.join(', ')} was free`);
    const before = callback.passedBy.slice(0, at).filter((id) => ofQueue.includes(id));
    if (before.length) problems.push(`${callback.id} came round to ${offer.agentId} before ${before.join(', ')}`);
  }
  return problems;
}
