import { CALLBACK_ATTEMPTS, type CallbackFailure, type QueueCallback } from '../../shared/queueCallbacks';
import { skillLevel, type QueueConfig } from '../../shared/teamQueues';
import { queueOpenAt } from '../queuePlan';

/** One offer to make: this callback to this agent. */
export interface CallbackOfferStep {
  callbackId: string;
  agentId: string;
}

/**
 * Which waiting callbacks go to which free agents now. Callbacks keep the place of the call the queue turned away:
 * the one whose call arrived first is offered first. Each goes to the most skilled free agent of its queue, the
 * longest idle among equals (`freeAgents` comes longest idle first), to one who passed it on only when every free agent
 * of its queue has and no other callback is theirs to take (a new round, from the one who passed it longest ago: the
 * customer was promised a call, and a queue whose agents all let it go once must not leave it waiting until it
 * expires), never to an agent who already has a callback offered or in hand, not while a call-permission request to the
 * customer is open, and not while the queue is closed by its business hours. Pure: the relay reads the inputs from
 * Redis and applies the steps.
 */
export function planCallbackOffers(input: {
  callbacks: QueueCallback[];
  queues: QueueConfig[];
  /** Agents free to take a call now, longest idle first. */
  freeAgents: string[];
  nowMs: number;
}): CallbackOfferStep[] {
  const holding = new Set(
    input.callbacks.filter((c) => c.state !== 'waiting' && c.agentId).map((c) => c.agentId as string),
  );
  const waiting = input.callbacks
    .filter((c) => c.state === 'waiting' && c.expiresAtMs > input.nowMs && !c.awaitingPermission)
    .sort((a, b) => a.arrivedAtMs - b.arrivedAtMs || a.id.localeCompare(b.id));
  const steps: CallbackOfferStep[] = [];
  const offer = (callback: QueueCallback, agentId: string | undefined) => {
    if (!agentId) return;
    holding.add(agentId);
    steps.push({ callbackId: callback.id, agentId });
  };
  // Each callback with its queue, found once; those of a queue closed by its hours (or gone) wait.
  const open = waiting.flatMap((callback) => {
    const queue = input.queues.find((q) => q.id === callback.queueId);
    return queue && queueOpenAt(queue, input.nowMs).open ? [{ callback, queue }] : [];
  });
  // First to agents who have not passed them on; then, with whoever is still free, a new round for those that every
  // free agent of their queue has passed (so passing an old one never keeps a newer one from the agent).
  for (const { callback, queue } of open)
    offer(
      callback,
      bestAgent(queue, input.freeAgents, (id) => holding.has(id) || callback.passedBy.includes(id)),
    );
  const offered = new Set(steps.map((step) => step.callbackId));
  for (const { callback, queue } of open.filter((o) => !offered.has(o.callback.id)))
    offer(
      callback,
      callback.passedBy.find(
        (id) => input.freeAgents.includes(id) && !holding.has(id) && skillLevel(queue, id) !== undefined,
      ),
    );
  return steps;
}

function bestAgent(queue: QueueConfig, freeAgents: string[], excluded: (id: string) => boolean): string | undefined {
  let best: { id: string; level: number } | undefined;
  for (const id of freeAgents) {
    const level = skillLevel(queue, id);
    if (level === undefined || excluded(id)) continue;
    if (!best || level > best.level) best = { id, level };
  }
  return best?.id;
}

/** The callback offered to an agent until `untilMs`. */
export function offerTo(callback: QueueCallback, agentId: string, untilMs: number): QueueCallback {
  return { ...callback, state: 'offered', agentId, untilMs };
}

/**
 * The agent declined it, or the offer ran out: waiting again, offered to others first. `passedBy` is kept in the
 * order they last passed it, so a new round starts with the one who passed it longest ago.
 */
export function passedOn(callback: QueueCallback, agentId: string): QueueCallback {
  const passedBy = [...callback.passedBy.filter((id) => id !== agentId), agentId];
  return { ...callback, state: 'waiting', agentId: undefined, untilMs: undefined, passedBy };
}

/** The agent took it: theirs to call until `untilMs` (past it, the attempt counts as failed). */
export function takenBy(callback: QueueCallback, agentId: string, untilMs: number): QueueCallback {
  return { ...callback, state: 'calling', agentId, untilMs, placedCallId: undefined };
}

/**
 * An attempt that did not reach the customer: the callback waits again with why, for any agent, or is given up
 * (undefined) after the last attempt.
 */
export function afterFailure(callback: QueueCallback, why: CallbackFailure): QueueCallback | undefined {
  // A call-permission request is no call: it is not a try at reaching them (WhatsApp's own limits bound the requests).
  const attempts = why === 'permission_requested' ? callback.attempts : callback.attempts + 1;
  if (attempts >= CALLBACK_ATTEMPTS) return undefined;
  return {
    ...callback,
    state: 'waiting',
    agentId: undefined,
    untilMs: undefined,
    placedCallId: undefined,
    passedBy: [],
    attempts,
    lastFailure: why,
    awaitingPermission: why === 'permission_requested' || undefined,
  };
}

/**
 * The customer answered the call-permission request their callback waits for: offered again once they accept;
 * given up (undefined) when they refuse to be called.
 */
export function permissionAnswered(callback: QueueCallback, accepted: boolean): QueueCallback | undefined {
  if (!accepted) return undefined;
  return { ...callback, awaitingPermission: undefined };
}

/** The queue closed while its callback was offered or in hand, not yet placed: it waits again, no attempt counted. */
export function withdrawnAtClosing(callback: QueueCallback): QueueCallback {
  return { ...callback, state: 'waiting', agentId: undefined, untilMs: undefined };
}

/**
 * What is due on the callbacks now: offers that ran out, accepted callbacks whose call was never placed, waiting ones
 * past their end, and those offered or not yet placed whose queue has closed.
 */
export function callbacksDue(callbacks: QueueCallback[], nowMs: number, queues: QueueConfig[] = []) {
  const late = (c: QueueCallback) => c.untilMs !== undefined && c.untilMs <= nowMs;
  const closed = (c: QueueCallback) => {
    const queue = queues.find((q) => q.id === c.queueId);
    return queue !== undefined && !queueOpenAt(queue, nowMs).open;
  };
  const unplaced = (c: QueueCallback) => c.state === 'offered' || (c.state === 'calling' && !c.placedCallId);
  return {
    offersRunOut: callbacks.filter((c) => c.state === 'offered' && late(c)),
    neverPlaced: callbacks.filter((c) => c.state === 'calling' && c.placedCallId === undefined && late(c)),
    expired: callbacks.filter((c) => c.state === 'waiting' && c.expiresAtMs <= nowMs),
    closing: callbacks.filter((c) => unplaced(c) && !late(c) && closed(c)),
  };
}
