import { z } from 'zod';
import type { Redis } from 'ioredis';
import { CallSignal } from '../shared/callSignals';
import { CallMediaNotice } from '../shared/metaCapture';
import { CLAIM_MS, EVENT_MEMORY_S, WRAP_UP_MEMORY_S, type RelayKeys } from './relayKeys';

type Offered = Extract<CallSignal, { type: 'call_offered' }>;

/** The claim of a call every agent declined, so no later answer can take it: `rejected:<the last to decline>`. */
export const REJECTED_CLAIM = 'rejected:';

/** The agent a claim names as having taken the call: the claim a declined call leaves behind (`rejected:…`) is nobody's. */
export function takerOf(claim: string | null): string | null {
  return claim && !claim.startsWith(REJECTED_CLAIM) ? claim : null;
}

const ActiveCall = z.object({
  agent: z.string(),
  customer: z.string(),
  queue: z.string().optional(),
  direction: z.enum(['inbound', 'outbound']),
  /** An agent placed it for a queue's callback (a customer who asked to be called back). */
  callback: z.boolean().optional(),
  sinceMs: z.number(),
});
export type ActiveCall = z.infer<typeof ActiveCall>;

function parseSignal(text: string | null): CallSignal | undefined {
  if (!text) return undefined;
  try {
    const parsed = CallSignal.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

// An offer's first delivery, in one round trip: taken once (KEYS[1], the de-duplication mark), never after its own
// terminate (KEYS[2]), and recorded (KEYS[3]) for the instances that will ring it. 1 new, 0 a repeat, 2 ended.
const TAKE_OFFER = `
if not redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then return 2 end
redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[2])
return 1`;

// Stops the call ringing at these agents (KEYS[2], the offered set), unless someone answered it (KEYS[1], the
// claim) in the meantime. Returns 0 when it was answered.
const WITHDRAW_UNLESS_CLAIMED = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
for _, agent in ipairs(ARGV) do redis.call('SREM', KEYS[2], agent) end
return 1`;

/** Calls as every relay instance sees them in Redis: offers, the atomic answer claim, who tried and declined. */
export function createCallStore(redis: Redis, keys: RelayKeys, instance: string) {
  return {
    /**
     * An offer's first delivery anywhere, checked and recorded in one step: 'new' (now recorded), 'duplicate' (a
     * retry of one already taken) or 'ended' (its terminate came first).
     */
    async takeOffer(offer: Offered): Promise<{ outcome: 'new' | 'duplicate' | 'ended' }> {
      const outcome = (await redis.eval(
        TAKE_OFFER,
        3,
        keys.seen(`offer:${offer.callId}`),
        keys.seen(`terminate:${offer.callId}`),
        keys.call(offer.callId),
        instance,
        String(EVENT_MEMORY_S),
        JSON.stringify(offer),
      )) as number;
      return { outcome: outcome === 1 ? 'new' : outcome === 0 ? 'duplicate' : 'ended' };
    },
    /** First delivery anywhere wins; Meta's retries to another instance are dropped here. */
    async firstTime(eventKey: string): Promise<boolean> {
      return (await redis.set(keys.seen(eventKey), instance, 'EX', EVENT_MEMORY_S, 'NX')) === 'OK';
    },
    /** True the first time this agent gives this call an outcome; a wrap-up is written once. */
    async firstWrapUp(callId: string, agentId: string): Promise<boolean> {
      return (await redis.set(keys.wrappedUp(callId, agentId), instance, 'EX', WRAP_UP_MEMORY_S, 'NX')) === 'OK';
    },
    /** Undoes `firstTime` for an event whose handling failed, so Meta's next delivery is taken. */
    async forget(eventKey: string): Promise<void> {
      await redis.del(keys.seen(eventKey));
    },
    /** When an agent last dealt with this customer's missed calls; kept a week, for desks that were away. */
    async markMissedHandled(customer: string, atMs: number): Promise<void> {
      await redis.set(keys.missedHandled(customer), String(atMs), 'EX', 7 * 86_400);
    },
    async missedHandled(customers: string[]): Promise<Record<string, number>> {
      if (customers.length === 0) return {};
      const values = await redis.mget(...customers.map((c) => keys.missedHandled(c)));
      const handled: Record<string, number> = {};
      customers.forEach((customer, i) => {
        const at = Number(values[i]);
        if (values[i] && Number.isFinite(at)) handled[customer] = at;
      });
      return handled;
    },
    /** WhatsApp's notice of a call's recording or transcript, kept as long as Meta keeps the file (7 days). */
    async keepMedia(notice: CallMediaNotice): Promise<void> {
      await redis.set(keys.media(notice.callId, notice.kind), JSON.stringify(notice), 'EX', 7 * 86_400);
    },
    async media(callId: string, kind: CallMediaNotice['kind']): Promise<CallMediaNotice | undefined> {
      const raw = await redis.get(keys.media(callId, kind));
      if (!raw) return undefined;
      try {
        return CallMediaNotice.parse(JSON.parse(raw));
      } catch {
        return undefined;
      }
    },
    async terminated(callId: string): Promise<boolean> {
      return (await redis.exists(keys.seen(`terminate:${callId}`))) === 1;
    },
    async offer(callId: string): Promise<Offered | undefined> {
      const signal = parseSignal(await redis.get(keys.call(callId)));
      return signal?.type === 'call_offered' ? signal : undefined;
    },
    /** Several calls' offers in one command. */
    async offers(callIds: string[]): Promise<Array<Offered | undefined>> {
      if (callIds.length === 0) return [];
      return (await redis.mget(...callIds.map((id) => keys.call(id)))).map((raw) => {
        const signal = parseSignal(raw);
        return signal?.type === 'call_offered' ? signal : undefined;
      });
    },
    async claim(callId: string, owner: string): Promise<boolean> {
      return (await redis.set(keys.claim(callId), owner, 'PX', CLAIM_MS, 'NX')) === 'OK';
    },
    async setOwner(callId: string, owner: string): Promise<void> {
      await redis.set(keys.claim(callId), owner, 'PX', CLAIM_MS);
    },
    owner: (callId: string): Promise<string | null> => redis.get(keys.claim(callId)),
    async release(callId: string): Promise<void> {
      await redis.del(keys.claim(callId));
    },
    /** Records that an agent was offered the call: only they may answer or decline it, and hear how it ends. */
    async addOffered(callId: string, agentIds: string[]): Promise<void> {
      if (agentIds.length === 0) return;
      await redis
        .multi()
        .sadd(keys.offered(callId), ...agentIds)
        .expire(keys.offered(callId), EVENT_MEMORY_S)
        .exec();
    },
    offeredTo: (callId: string): Promise<string[]> => redis.smembers(keys.offered(callId)),
    /** The call stops ringing at these agents (they may no longer answer it); false when it was answered. */
    async withdraw(callId: string, agentIds: string[]): Promise<boolean> {
      const done = await redis.eval(WITHDRAW_UNLESS_CLAIMED, 2, keys.claim(callId), keys.offered(callId), ...agentIds);
      return done === 1;
    },
    declined: (callId: string): Promise<string[]> => redis.smembers(keys.declined(callId)),
    /** The queue a call was routed through, for its metrics and records. */
    async setQueue(callId: string, queueId: string): Promise<void> {
      await redis.set(keys.callQueue(callId), queueId, 'PX', CLAIM_MS);
    },
    queueOf: (callId: string): Promise<string | null> => redis.get(keys.callQueue(callId)),
    /** WhatsApp accepted the call (a transferred call is not accepted again). */
    async markAccepted(callId: string): Promise<void> {
      await redis.set(keys.accepted(callId), '1', 'PX', CLAIM_MS);
    },
    wasAccepted: async (callId: string): Promise<boolean> => (await redis.exists(keys.accepted(callId))) === 1,
    /**
     * WhatsApp took the business's pre_accept of an anchored call with this SDP: accept, sent by whichever instance
     * finishes the answer (the desk reconnected elsewhere, or this one died before a bot's accept), carries the same.
     */
    async keepPreAccepted(callId: string, sdp: string): Promise<void> {
      await redis.set(keys.preAccepted(callId), sdp, 'PX', CLAIM_MS);
    },
    preAcceptedAnswer: (callId: string): Promise<string | null> => redis.get(keys.preAccepted(callId)),
    /** Its queue turned the call away (closed, or waited too long): its end is not a missed call. */
    async markTurnedAway(callId: string): Promise<void> {
      await redis.set(keys.turnedAway(callId), '1', 'PX', CLAIM_MS);
    },
    wasTurnedAway: async (callId: string): Promise<boolean> => (await redis.exists(keys.turnedAway(callId))) === 1,
    /** A call in progress with an agent, for the supervisor board. */
    async setActive(callId: string, entry: ActiveCall): Promise<void> {
      await redis.hset(keys.activeCalls, callId, JSON.stringify(entry));
    },
    async endActive(callId: string): Promise<void> {
      await redis.hdel(keys.activeCalls, callId);
    },
    /** Calls in progress; one whose end was never heard is dropped after the claim's lifetime. */
    async activeCalls(): Promise<Array<ActiveCall & { callId: string }>> {
      const all = await redis.hgetall(keys.activeCalls);
      const calls: Array<ActiveCall & { callId: string }> = [];
      for (const [callId, text] of Object.entries(all)) {
        let entry: ReturnType<typeof ActiveCall.safeParse> | undefined;
        try {
          entry = ActiveCall.safeParse(JSON.parse(text));
        } catch {
          entry = undefined;
        }
        if (!entry?.success || Date.now() - entry.data.sinceMs > CLAIM_MS) void redis.hdel(keys.activeCalls, callId);
        else calls.push({ callId, ...entry.data });
      }
      return calls;
    },
    /** Who last spoke to this customer, for repeat callers. */
    async setLastAgent(customer: string, agentId: string, forMinutes: number): Promise<void> {
      if (forMinutes > 0) await redis.set(keys.lastAgent(customer), agentId, 'EX', forMinutes * 60);
    },
    lastAgent: (customer: string): Promise<string | null> => redis.get(keys.lastAgent(customer)),
    async wasOffered(callId: string, agentId: string): Promise<boolean> {
      return (await redis.sismember(keys.offered(callId), agentId)) === 1;
    },
    async addTried(callId: string, agentId: string): Promise<void> {
      await redis.sadd(keys.tried(callId), agentId);
      await redis.expire(keys.tried(callId), EVENT_MEMORY_S);
    },
    tried: (callId: string): Promise<string[]> => redis.smembers(keys.tried(callId)),
    /** A call queued again (a bot escalated it after an agent handed it over): whom it rang is forgotten. */
    async forgetRouting(callId: string): Promise<void> {
      await redis.del(keys.tried(callId), keys.declined(callId), keys.offered(callId), keys.claim(callId));
    },
    /** Records a decline and returns everyone who has declined the call. */
    async addDeclined(callId: string, agentId: string): Promise<string[]> {
      await redis.sadd(keys.declined(callId), agentId);
      await redis.expire(keys.declined(callId), EVENT_MEMORY_S);
      return redis.smembers(keys.declined(callId));
    },
    /** Outbound answers and statuses, kept until the agent who placed the call is known. */
    async keepEarly(callId: string, signal: CallSignal): Promise<void> {
      await redis.rpush(keys.early(callId), JSON.stringify(signal));
      await redis.expire(keys.early(callId), EVENT_MEMORY_S);
    },
    async early(callId: string): Promise<CallSignal[]> {
      return (await redis.lrange(keys.early(callId), 0, -1))
        .map(parseSignal)
        .filter((s): s is CallSignal => s !== undefined);
    },
    async setPlacedBy(callId: string, agentId: string): Promise<void> {
      await redis.set(keys.outbound(callId), agentId, 'PX', CLAIM_MS);
    },
    placedBy: (callId: string): Promise<string | null> => redis.get(keys.outbound(callId)),
    /** Who asked a customer for call permission, so only that agent hears the answer (kept a week). */
    async setPermissionRequester(customer: string, agentId: string): Promise<void> {
      await redis.set(keys.permissionRequester(customer), agentId, 'EX', 7 * 86_400);
    },
    permissionRequester: (customer: string): Promise<string | null> => redis.get(keys.permissionRequester(customer)),
  };
}
export type CallStore = ReturnType<typeof createCallStore>;
