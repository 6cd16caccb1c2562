import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { openDeadline } from '../../shared/businessHours';
import { errorText } from '../../shared/errorText';
import {
  CALLBACK_PLACE_MS,
  callbackChoice,
  callbackOfferMessage,
  QueueCallback,
  type CallbackFailure,
} from '../../shared/queueCallbacks';
import type { QueueCallbackOffer, QueueConfig } from '../../shared/teamQueues';
import type { GraphClient } from '../../whatsapp/graphClient';
import type { Logger } from '../../whatsapp/logger';
import type { Bus } from '../bus';
import { createDueWake } from '../dueWake';
import type { CallRecorder } from '../records/callRecorder';
import { queueOpenAt } from '../queuePlan';
import type { RelayMetrics, CallbackResult } from '../metrics';
import type { TeamFloor } from '../team/teamFloor';
import {
  afterFailure,
  callbacksDue,
  offerTo,
  passedOn,
  permissionAnswered,
  planCallbackOffers,
  takenBy,
  withdrawnAtClosing,
} from './callbackPlan';

/** How often each instance looks while a callback waits for a free agent or is in an agent's hands. */
const TICK_MS = 1000;
/** Callbacks set by another instance (or left by a dead one) are learned by a look this often at least. */
const SAFETY_LOOK_MS = 5000;
/** How long an agent has to place the call of a callback they accepted (permission check, microphone, offer). */
const PLACE_MS = CALLBACK_PLACE_MS;
/** Read per look: the oldest waiting callbacks first. */
const LOOK_AT = 500;
/** A finished or expired callback is kept this long past its end, so a late look still finds it to record. */
const GRACE_MS = 60_000;
/** A hold on the team older than this whose callback is not (or no longer) theirs is a leftover, released. */
const STRAY_MS = 10_000;

/** A callback's record on the team (the call its offer rings as): `callback:<id>`. */
export const CALLBACK_TEAM_CALL = 'callback:';
/** The agent's rings include a callback's: the team holds them for it. */
export const holdsCallback = (reservations: readonly string[]): boolean =>
  reservations.some((id) => id.startsWith(CALLBACK_TEAM_CALL));

const Sent = z.object({
  customer: z.string(),
  queueId: z.string(),
  callId: z.string(),
  arrivedAtMs: z.number(),
  keepHours: z.number(),
});

/**
 * Compare-and-set of one callback, with the agent it is held for: the callback's JSON must still be ARGV[1] (as the
 * caller read it); ARGV[5] releases the agent's hold (KEYS[2]) when it names this callback; ARGV[3] then holds the
 * agent for ARGV[4] ms, only if nobody else holds them. An empty ARGV[2] deletes the callback (and its place, KEYS[3]).
 */
const CAS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[5] ~= '' and redis.call('GET', KEYS[2]) == ARGV[5] then redis.call('DEL', KEYS[2]) end
if ARGV[3] ~= '' and not redis.call('SET', KEYS[2], ARGV[3], 'NX', 'PX', ARGV[4]) then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[3], ARGV[6])
else
  redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
end
return 1`;

/**
 * One look's reading: the callbacks' places (ARGV[1] at most), the agents held since before ARGV[2] (strays to
 * check), and when the next hold turns old enough to be checked; so a look with nothing to do is one command.
 */
const READ_LOOK = `
local ids = redis.call('ZRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[2])
local young = redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[2], '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
return {ids, old, young[2] or false}`;

export type CallbackAnswer = 'accept' | 'decline' | 'not_placed';

/**
 * Queue callbacks: a queue that turns a call away with the action `callback` offers the customer reply buttons; a tap
 * on "call me back" puts them in the queue's callbacks, in Redis (any instance carries on after another dies), in the
 * place of their original call. Every instance looks each second for free agents of the queue and offers them the
 * oldest callback (one at a time per agent); the agent takes it and places the call from their desk, or passes it to
 * the next free agent. A call that connects completes the callback; one that does not counts an attempt, up to three.
 */
export function createQueueCallbacks(deps: {
  redis: Redis;
  prefix: string;
  queues: () => QueueConfig[];
  graphFor: (callId: string) => Promise<GraphClient>;
  floor: Pick<TeamFloor, 'freeAgents' | 'apply' | 'agent' | 'call'>;
  bus: Pick<Bus, 'publish'>;
  records?: Pick<CallRecorder, 'record'>;
  /** Where what happens to callbacks is counted (made after the callbacks, hence asked for each time). */
  metrics?: () => Pick<RelayMetrics, 'callback'>;
  log: Logger;
  /** The relay's clock, which the queues' business hours are read by (a test moves it to the day it chooses). */
  now?: () => number;
}) {
  const { redis, log, prefix } = deps;
  const now = deps.now ?? Date.now;
  const sentKey = (id: string) => `${prefix}:cb-offer:${id}`;
  const callbackKey = (id: string) => `${prefix}:cb:${id}`;
  const agentKey = (agentId: string) => `${prefix}:cb-agent:${agentId}`;
  const placedKey = (callId: string) => `${prefix}:cb-call:${callId}`;
  const placesKey = `${prefix}:cbs`;
  /** Agents a callback held on the team, scored by when: looked at for holds left over (an instance died). */
  const heldKey = `${prefix}:cb-held`;
  const teamCallId = (callbackId: string) => `${CALLBACK_TEAM_CALL}${callbackId}`;
  const queueName = (id: string) => deps.queues().find((q) => q.id === id)?.name ?? id;

  async function read(id: string): Promise<{ raw: string; callback: QueueCallback } | undefined> {
    const raw = await redis.get(callbackKey(id));
    if (!raw) return undefined;
    const parsed = QueueCallback.safeParse(JSON.parse(raw));
    return parsed.success ? { raw, callback: parsed.data } : undefined;
  }

  /** Moves a callback from `raw` (as read) to `next` (undefined: gone), holding or releasing its agent. */
  async function swap(
    raw: string,
    current: QueueCallback,
    next: QueueCallback | undefined,
    hold?: { agentId: string; ms: number },
  ): Promise<boolean> {
    const agent = hold?.agentId ?? current.agentId ?? '';
    const done = await redis.eval(
      CAS,
      3,
      callbackKey(current.id),
      agentKey(agent),
      placesKey,
      raw,
      next ? JSON.stringify(next) : '',
      hold ? current.id : '',
      String(hold?.ms ?? 0),
      current.agentId ? current.id : '',
      current.id,
    );
    return done === 1;
  }

  const count = (queue: string, result: CallbackResult) => deps.metrics?.().callback(queue, result);

  function record(callback: QueueCallback, state: 'waiting' | 'completed' | 'failed' | 'expired', atMs = now()) {
    count(callback.queueId, state === 'waiting' ? 'accepted' : state);
    deps.records?.record({
      kind: 'callback',
      callId: callback.callId,
      callbackId: callback.id,
      customer: callback.customer,
      queue: callback.queueId,
      state,
      attempts: callback.attempts,
      lastFailure: callback.lastFailure,
      agentId: callback.agentId,
      placedCallId: callback.placedCallId,
      atMs,
    });
  }

  /**
   * The callback offered to an agent holds them on the team as a ringing call does (reserved: no customer's call
   * rings for them), from the offer until they pass it on or place its call. False: they are not free for it now.
   */
  async function holdOnTeam(agentId: string, callbackId: string): Promise<boolean> {
    await redis.zadd(heldKey, Date.now(), agentId);
    return (await deps.floor.apply({ kind: 'offer_callback', callId: teamCallId(callbackId), agentId })).ok;
  }
  async function releaseOnTeam(agentId: string, callbackId: string, how: 'reject' | 'ring_timeout' | 'rescind') {
    await deps.floor.apply({ kind: how, callId: teamCallId(callbackId), agentId });
  }

  /** Holds whose callback is gone or went elsewhere (an instance died between the two, or an erasure) end. */
  async function releaseStrays(agentIds: string[], held: Map<string, QueueCallback>): Promise<void> {
    for (const agentId of agentIds) {
      const ringing = (await deps.floor.agent(agentId))?.reservations ?? [];
      const mine = ringing.filter((id) => id.startsWith(CALLBACK_TEAM_CALL));
      if (mine.length === 0) await redis.zrem(heldKey, agentId);
      for (const callId of mine) {
        const callbackId = callId.slice(CALLBACK_TEAM_CALL.length);
        const callback = held.get(callbackId) ?? (await read(callbackId))?.callback;
        if (callback?.agentId === agentId && callback.state !== 'waiting') continue;
        const since = (await deps.floor.call(callId))?.reservations.find((r) => r.agentId === agentId)?.sinceMs;
        if (since !== undefined && since > Date.now() - STRAY_MS) continue;
        log.info('a callback hold left over on the team released', { agentId, callbackId });
        await releaseOnTeam(agentId, callbackId, 'rescind');
      }
    }
  }

  const tell = (agentId: string, callbackId: string, event: Parameters<Bus['publish']>[0]['event']) =>
    deps.bus.publish({ kind: 'direct', callId: teamCallId(callbackId), targets: [agentId], event });

  /** An attempt that did not reach the customer: waiting again with why, or given up after the last. */
  async function failed(raw: string, callback: QueueCallback, why: CallbackFailure): Promise<boolean> {
    const next = afterFailure(callback, why);
    if (!(await swap(raw, callback, next))) return false;
    if (next)
      log.info('callback attempt failed; waiting again', { callbackId: callback.id, why, attempts: next.attempts });
    else {
      log.warn('callback given up after its last attempt', { callbackId: callback.id, why });
      record({ ...callback, attempts: callback.attempts + 1, lastFailure: why }, 'failed');
    }
    if (callback.placedCallId) await redis.del(placedKey(callback.placedCallId));
    else if (callback.agentId) await releaseOnTeam(callback.agentId, callback.id, 'rescind');
    return true;
  }

  /** The callbacks in their places, oldest call first, as read; a place whose callback is gone or unreadable goes. */
  async function readPlaces(ids: string[]): Promise<Array<{ raw: string; callback: QueueCallback }>> {
    if (ids.length === 0) return [];
    const raws = await redis.mget(ids.map(callbackKey));
    const found: Array<{ raw: string; callback: QueueCallback }> = [];
    for (const [i, raw] of raws.entries()) {
      const parsed = raw ? QueueCallback.safeParse(JSON.parse(raw)) : undefined;
      if (raw && parsed?.success) found.push({ raw, callback: parsed.data });
      else await redis.zrem(placesKey, ids[i]!);
    }
    return found;
  }

  const withdrawn = (callback: QueueCallback) =>
    tell(callback.agentId!, callback.id, { type: 'callback_withdrawn', callbackId: callback.id });

  /**
   * The agent offered the callback no longer has it (the offer ran out, or the team let their hold go): it waits
   * again, passed on by them, and leaves their desk. `release` ends their hold on the team when it still stands.
   */
  async function passOn(raw: string, callback: QueueCallback, release?: 'ring_timeout'): Promise<boolean> {
    if (!(await swap(raw, callback, passedOn(callback, callback.agentId!)))) return false;
    if (release) await releaseOnTeam(callback.agentId!, callback.id, release);
    await withdrawn(callback);
    return true;
  }

  /** The queue closed before the callback's call was placed: it waits again, and leaves its agent's desk. */
  async function withdrawForClosing(raw: string, callback: QueueCallback): Promise<void> {
    if (!(await swap(raw, callback, withdrawnAtClosing(callback)))) return;
    await releaseOnTeam(callback.agentId!, callback.id, 'rescind');
    log.info('callback withdrawn: its queue closed before the call was placed', { callbackId: callback.id });
    await withdrawn(callback);
  }

  /** One look's reading: the callbacks, each one's JSON as read (what a swap compares), and those it changed. */
  interface Look {
    nowMs: number;
    queues: QueueConfig[];
    callbacks: QueueCallback[];
    rawOf: Map<string, string>;
    changed: Set<string>;
  }
  /** The callback is changed in this look (left to the next): its JSON as read. */
  const change = (look: Look, callback: QueueCallback): string => {
    look.changed.add(callback.id);
    return look.rawOf.get(callback.id)!;
  };

  /** What is due now: expired, offers run out, calls never placed, and those whose queue closed. */
  async function settleDue(look: Look): Promise<void> {
    const due = callbacksDue(look.callbacks, look.nowMs, look.queues);
    for (const callback of due.expired)
      if (await swap(change(look, callback), callback, undefined)) record(callback, 'expired');
    for (const callback of due.offersRunOut) await passOn(change(look, callback), callback, 'ring_timeout');
    for (const callback of due.neverPlaced) await failed(change(look, callback), callback, 'call_failed');
    for (const callback of due.closing) await withdrawForClosing(change(look, callback), callback);
  }

  /** An offer whose agent the team let go (they went not ready or signed out) is passed on, as a ring not answered. */
  async function passOnUnheld(look: Look): Promise<void> {
    for (const callback of look.callbacks) {
      if (look.changed.has(callback.id) || callback.state !== 'offered' || !callback.agentId) continue;
      const ringing = (await deps.floor.agent(callback.agentId))?.reservations ?? [];
      if (ringing.includes(teamCallId(callback.id))) continue;
      if (!(await passOn(change(look, callback), callback))) continue;
      log.info('callback passed on: its agent is no longer free for it', {
        callbackId: callback.id,
        agentId: callback.agentId,
      });
    }
  }

  /** The waiting callbacks this look left alone go to free agents of their queues, as planned. */
  async function offerWaiting(look: Look): Promise<void> {
    // What changed is looked at again next time, as it is then.
    const callbacks = look.callbacks.filter((c) => !look.changed.has(c.id));
    if (!callbacks.some((c) => c.state === 'waiting')) return;
    const freeAgents = await deps.floor.freeAgents();
    for (const step of planCallbackOffers({ callbacks, queues: look.queues, freeAgents, nowMs: look.nowMs })) {
      const callback = callbacks.find((c) => c.id === step.callbackId)!;
      await offerToAgent(look, callback, step.agentId);
    }
  }

  /** Offers the callback to the agent for its queue's ring time, holding them on the team; not if either is taken. */
  async function offerToAgent(look: Look, callback: QueueCallback, agentId: string): Promise<void> {
    const queue = look.queues.find((q) => q.id === callback.queueId)!;
    const untilMs = look.nowMs + queue.ringSeconds * 1000;
    if (!(await holdOnTeam(agentId, callback.id))) return;
    const held = { agentId, ms: queue.ringSeconds * 1000 + TICK_MS * 5 };
    if (!(await swap(look.rawOf.get(callback.id)!, callback, offerTo(callback, agentId, untilMs), held))) {
      await releaseOnTeam(agentId, callback.id, 'rescind');
      return;
    }
    log.info('callback offered to an agent', { callbackId: callback.id, agentId });
    await tell(agentId, callback.id, {
      type: 'callback_offered',
      callbackId: callback.id,
      customer: callback.customer,
      queue: queueName(callback.queueId),
      waitingSinceMs: callback.arrivedAtMs,
      attempts: callback.attempts,
      lastFailure: callback.lastFailure,
      untilMs,
    });
  }

  /** Looks once: settles what is due, offers what waits; returns when the next look is due (undefined: none known). */
  async function lookOnce(nowMs: number): Promise<number | undefined> {
    const strayBeforeMs = Date.now() - STRAY_MS;
    const [ids, oldHolds, youngHold] = (await redis.eval(
      READ_LOOK,
      2,
      placesKey,
      heldKey,
      String(LOOK_AT),
      String(strayBeforeMs),
    )) as [string[], string[], string | null];
    const found = await readPlaces(ids);
    const look: Look = {
      nowMs,
      queues: deps.queues(),
      callbacks: found.map((f) => f.callback),
      rawOf: new Map(found.map((f) => [f.callback.id, f.raw])),
      changed: new Set(),
    };
    await settleDue(look);
    await passOnUnheld(look);
    if (oldHolds.length > 0) await releaseStrays(oldHolds, new Map(look.callbacks.map((c) => [c.id, c])));
    await offerWaiting(look);
    // Holds are timed by the host's clock, looks by the relay's (a test moves it).
    const strayDueMs = youngHold === null ? undefined : Number(youngHold) + STRAY_MS + (nowMs - Date.now());
    const nextMs = Math.min(strayDueMs ?? Infinity, nextLookAt(look));
    return Number.isFinite(nextMs) ? nextMs : undefined;
  }

  /**
   * When the callbacks of this look need the next: a second on while one waits for a free agent or is in an agent's
   * hands (their hold and the queue's closing are watched), else at the earliest expiry or queue opening.
   */
  function nextLookAt(look: Look): number {
    const soonMs = look.nowMs + TICK_MS;
    const offerableAt = new Map<string, number>();
    const offerable = (queueId: string) => {
      if (!offerableAt.has(queueId)) offerableAt.set(queueId, queueOffersAt(look.queues, queueId, look.nowMs, soonMs));
      return offerableAt.get(queueId)!;
    };
    const dueAt = (callback: QueueCallback): number => {
      // What this look changed is looked at again next time, as it is then.
      if (look.changed.has(callback.id)) return soonMs;
      // A placed call's outcome comes from WhatsApp; an offer or a call not yet placed runs out.
      if (callback.state !== 'waiting')
        return callback.placedCallId ? Infinity : Math.min(soonMs, callback.untilMs ?? soonMs);
      if (callback.awaitingPermission) return callback.expiresAtMs;
      return Math.min(callback.expiresAtMs, offerable(callback.queueId));
    };
    return Math.min(Infinity, ...look.callbacks.map(dueAt));
  }

  const wake = createDueWake({ look: lookOnce, safetyMs: SAFETY_LOOK_MS, log, what: 'callbacks', now });
  /** Something changed that a look acts on (a callback to offer, an agent's answer): one runs at once. */
  const lookSoon = () => wake.at(now());

  return {
    start: wake.start,
    stop: wake.stop,
    /**
     * The queue turned the customer's call away: it offers them a callback with reply buttons, within the customer
     * service window their call opened. Nothing is kept when WhatsApp refuses the message.
     */
    async offer(call: {
      callId: string;
      customer: string;
      queue: QueueConfig;
      words: QueueCallbackOffer;
      arrivedAtMs: number;
    }): Promise<boolean> {
      const offerId = randomBytes(16).toString('base64url');
      const sent = {
        customer: call.customer,
        queueId: call.queue.id,
        callId: call.callId,
        arrivedAtMs: call.arrivedAtMs,
        keepHours: call.words.keepHours,
      };
      await redis.set(sentKey(offerId), JSON.stringify(sent), 'EX', call.words.keepHours * 3600);
      try {
        const graph = await deps.graphFor(call.callId);
        await graph.sendButtons(callbackOfferMessage(call.customer, call.words, offerId));
      } catch (error) {
        await redis.del(sentKey(offerId));
        log.warn('callback offer not sent to the customer', { callId: call.callId, error: errorText(error) });
        return false;
      }
      const offered = { callId: call.callId, callbackId: offerId, customer: call.customer, queue: call.queue.id };
      deps.records?.record({ kind: 'callback', ...offered, state: 'offered', attempts: 0, atMs: now() });
      count(call.queue.id, 'offered');
      log.info('callback offered to the customer', { callId: call.callId, queue: call.queue.id });
      return true;
    },
    /** The customer tapped a button of ours: "call me back" puts them in the queue's callbacks, once. */
    async answer(reply: { from: string; buttonId: string; timestampMs: number }): Promise<boolean> {
      const choice = callbackChoice(reply.buttonId);
      if (!choice) return false;
      const raw = await redis.get(sentKey(choice.offerId));
      const sent = raw ? Sent.safeParse(JSON.parse(raw)) : undefined;
      if (!sent?.success || sent.data.customer !== reply.from) {
        log.warn('a callback answer for no offer to this customer: dropped', { offer: choice.offerId });
        return false;
      }
      if (!choice.wanted) {
        const { callId, customer, queueId: queue } = sent.data;
        const declined = { callId, callbackId: choice.offerId, customer, queue, attempts: 0 };
        deps.records?.record({ kind: 'callback', ...declined, state: 'declined', atMs: reply.timestampMs || now() });
        count(queue, 'declined');
        log.info('the customer wants no callback', { callId: sent.data.callId });
        return false;
      }
      const requestedAtMs = reply.timestampMs || now();
      // The customer waits for open hours: only the time the queue is open counts down what they were promised.
      const hours = deps.queues().find((q) => q.id === sent.data.queueId)?.hours;
      const keepMs = sent.data.keepHours * 3600_000;
      const expiresAtMs = hours ? openDeadline(hours, requestedAtMs, keepMs) : requestedAtMs + keepMs;
      const callback: QueueCallback = {
        id: choice.offerId,
        queueId: sent.data.queueId,
        customer: sent.data.customer,
        callId: sent.data.callId,
        arrivedAtMs: sent.data.arrivedAtMs,
        requestedAtMs,
        expiresAtMs,
        state: 'waiting',
        passedBy: [],
        attempts: 0,
      };
      const ttlMs = Math.max(1, expiresAtMs - now() + GRACE_MS);
      const created = await redis.set(callbackKey(callback.id), JSON.stringify(callback), 'PX', ttlMs, 'NX');
      if (created !== 'OK') return false;
      await redis.zadd(placesKey, callback.arrivedAtMs, callback.id);
      record(callback, 'waiting', requestedAtMs);
      log.info('callback waiting', { callbackId: callback.id, queue: callback.queueId });
      lookSoon();
      return true;
    },
    /** The agent's answer to the callback offered them. */
    async respond(
      agentId: string,
      callbackId: string,
      answer: CallbackAnswer,
      why: CallbackFailure = 'call_failed',
    ): Promise<{ customer: string } | undefined> {
      const found = await read(callbackId);
      if (!found || found.callback.agentId !== agentId) return undefined;
      const { raw, callback } = found;
      if (answer === 'not_placed') {
        if (callback.state !== 'calling' || callback.placedCallId) return undefined;
        if (!(await failed(raw, callback, why))) return undefined;
        lookSoon();
        return { customer: callback.customer };
      }
      // Passed on when offered, or taken with its call not placed (a failed permission check): no attempt counts.
      const inHand = callback.state === 'calling' && !callback.placedCallId;
      if (callback.state !== 'offered' && !(answer === 'decline' && inHand)) return undefined;
      if (answer === 'decline') {
        if (!(await swap(raw, callback, passedOn(callback, agentId)))) return undefined;
        await releaseOnTeam(agentId, callbackId, 'reject');
        log.info('callback passed on by the agent', { callbackId, agentId });
        lookSoon();
        return { customer: callback.customer };
      }
      const taken = takenBy(callback, agentId, now() + PLACE_MS);
      if (!(await swap(raw, callback, taken, { agentId, ms: PLACE_MS + TICK_MS * 5 }))) return undefined;
      log.info('callback taken by the agent', { callbackId, agentId });
      wake.at(taken.untilMs!);
      return { customer: callback.customer };
    },
    /** The callback's queue when the agent may place its call to `to` now; undefined when they may not. */
    async placeable(agentId: string, callbackId: string, to: string): Promise<{ queueId: string } | undefined> {
      const found = await read(callbackId);
      const c = found?.callback;
      if (!c || c.state !== 'calling' || c.agentId !== agentId || c.customer !== to || c.placedCallId) return undefined;
      const queue = deps.queues().find((q) => q.id === c.queueId);
      return !queue || queueOpenAt(queue, now()).open ? { queueId: c.queueId } : undefined;
    },
    /** The agent's desk placed the callback's call: its outcome decides the callback. */
    async placed(agentId: string, callbackId: string, placedCallId: string): Promise<void> {
      const found = await read(callbackId);
      if (!found || found.callback.state !== 'calling' || found.callback.agentId !== agentId) return;
      const next: QueueCallback = { ...found.callback, placedCallId };
      if (!(await swap(found.raw, found.callback, next))) return;
      count(next.queueId, 'placed');
      await redis.set(placedKey(placedCallId), callbackId, 'PX', Math.max(1, next.expiresAtMs - now() + GRACE_MS));
    },
    /**
     * WhatsApp's word on a placed call: ACCEPTED (the customer answered) completes its callback; REJECTED or an end
     * before it was accepted counts a failed attempt.
     */
    async callOutcome(placedCallId: string, outcome: 'ACCEPTED' | 'REJECTED' | 'ENDED'): Promise<void> {
      const callbackId = await redis.get(placedKey(placedCallId));
      if (!callbackId) return;
      const found = await read(callbackId);
      if (!found || found.callback.placedCallId !== placedCallId) return;
      if (outcome === 'ACCEPTED') {
        if (!(await swap(found.raw, found.callback, undefined))) return;
        await redis.del(placedKey(placedCallId));
        record(found.callback, 'completed');
        log.info('callback completed: the customer answered', { callbackId });
        return;
      }
      if (await failed(found.raw, found.callback, outcome === 'REJECTED' ? 'declined_by_customer' : 'not_answered'))
        lookSoon();
    },
    /**
     * The customer answered a call-permission request: their callbacks waiting for it are offered again (accepted)
     * or given up (refused: they do not want to be called).
     */
    async permissionAnswered(customer: string, accepted: boolean): Promise<void> {
      const ids = await redis.zrange(placesKey, '0', String(LOOK_AT - 1));
      for (const id of ids) {
        const found = await read(id);
        if (!found || found.callback.customer !== customer || !found.callback.awaitingPermission) continue;
        const next = permissionAnswered(found.callback, accepted);
        if (!(await swap(found.raw, found.callback, next))) continue;
        if (!next) record({ ...found.callback, lastFailure: 'no_permission' }, 'failed');
        log.info('the customer answered the call-permission request of a callback', { callbackId: id, accepted });
      }
      if (accepted) lookSoon();
    },
    /**
     * An admin erased the customer: their callbacks go, and an agent offered one or holding it hears it withdrawn
     * (and is free) at once. Returns how many went.
     */
    async erase(customer: string): Promise<number> {
      const ids = await redis.zrange(placesKey, '0', '-1');
      let erased = 0;
      for (const { raw, callback } of await readPlaces(ids)) {
        if (callback.customer !== customer || !(await swap(raw, callback, undefined))) continue;
        erased += 1;
        if (callback.placedCallId) await redis.del(placedKey(callback.placedCallId));
        if (!callback.agentId) continue;
        await releaseOnTeam(callback.agentId, callback.id, 'rescind');
        await withdrawn(callback);
      }
      return erased;
    },
    /** How many callbacks are not yet done, per queue (waiting, offered or being placed). */
    async countsByQueue(): Promise<Map<string, number>> {
      const counts = new Map<string, number>();
      const ids = await redis.zrange(placesKey, '0', '-1');
      for (let i = 0; i < ids.length; i += LOOK_AT) {
        const raws = await redis.mget(ids.slice(i, i + LOOK_AT).map(callbackKey));
        for (const raw of raws) {
          const parsed = raw ? QueueCallback.safeParse(JSON.parse(raw)) : undefined;
          if (parsed?.success) counts.set(parsed.data.queueId, (counts.get(parsed.data.queueId) ?? 0) + 1);
        }
      }
      return counts;
    },
    /** The callbacks waiting now, oldest call first (the board's list). */
    async waiting(limit = 200): Promise<QueueCallback[]> {
      const ids = await redis.zrange(placesKey, '0', String(limit - 1));
      if (ids.length === 0) return [];
      const raws = await redis.mget(ids.map(callbackKey));
      return raws.flatMap((raw) => {
        const parsed = raw ? QueueCallback.safeParse(JSON.parse(raw)) : undefined;
        return parsed?.success ? [parsed.data] : [];
      });
    },
  };
}
export type QueueCallbacks = ReturnType<typeof createQueueCallbacks>;

/**
 * When a waiting callback of the queue may next be offered: `soonMs` while the queue is open (a look for free agents),
 * its next opening while its business hours close it; Infinity for a queue gone or not opening within the calendar.
 */
function queueOffersAt(queues: QueueConfig[], queueId: string, nowMs: number, soonMs: number): number {
  const queue = queues.find((q) => q.id === queueId);
  if (!queue) return Infinity;
  if (!queue.hours || queueOpenAt(queue, nowMs).open) return soonMs;
  // The instant one millisecond of open time has gone by, less that millisecond: the next opening.
  const opensAtMs = openDeadline(queue.hours, nowMs, 1) - 1;
  return opensAtMs > nowMs ? opensAtMs : Infinity;
}
