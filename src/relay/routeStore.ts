import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { RouteState } from './queuePlan';
import { earliestDue, leaseDue } from './leaseDue';
import { EVENT_MEMORY_S, type RelayKeys } from './relayKeys';

const StoredRoute = z.object({
  queueId: z.string(),
  stage: z.enum(['repeat', 'hunt', 'overflow', 'fallback']),
  startedAtMs: z.number(),
  ringingAlone: z.string().optional(),
  ringStartMs: z.number().optional(),
  anchored: z.boolean().optional(),
});

/** How long an instance may take over a due call before another may: a crashed instance's calls move on after this. */
export const LEASE_MS = 5000;

// Sets a leased call's next time, unless someone asked for it sooner meanwhile (a decline, a desk leaving).
const RESCHEDULE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) ~= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`;

// Adds a call to its queue's calls picking an agent now (dropping those whose instance never said it was done) and
// returns how many of them have waited longer, with the first ARGV[5] members of each further key (the free agents)
// as they are at that same moment.
const PICKING = `
local stale = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3])
for _, id in ipairs(stale) do
  redis.call('ZREM', KEYS[1], id)
  redis.call('ZREM', KEYS[2], id)
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
local read = {redis.call('ZRANK', KEYS[1], ARGV[1])}
for i = 3, #KEYS do
  read[#read + 1] = redis.call('ZRANGE', KEYS[i], 0, tonumber(ARGV[5]) - 1)
end
return read`;

/** Where each call stands in its queue, and when to look at it next; shared by all relay instances in Redis. */
export function createRouteStore(redis: Redis, keys: RelayKeys) {
  async function get(callId: string): Promise<RouteState | undefined> {
    const raw = await redis.get(keys.route(callId));
    if (!raw) return undefined;
    try {
      const parsed = StoredRoute.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
  return {
    get,
    async save(callId: string, route: RouteState): Promise<void> {
      await redis.set(keys.route(callId), JSON.stringify(route), 'EX', EVENT_MEMORY_S);
    },
    /** Look at the call at `atMs` (now: as soon as an instance is free). */
    async schedule(callId: string, atMs: number): Promise<void> {
      await redis.zadd(keys.routesDue, atMs, callId);
    },
    /** Leases a call to this instance from now (its first step); returns the lease's end. */
    async leaseNow(callId: string, nowMs: number): Promise<number> {
      await redis.zadd(keys.routesDue, nowMs + LEASE_MS, callId);
      return nowMs + LEASE_MS;
    },
    /** The next time of a call this instance leased until `leaseUntilMs`; false when it was asked for sooner. */
    async reschedule(callId: string, leaseUntilMs: number, atMs: number): Promise<boolean> {
      return (await redis.eval(RESCHEDULE, 1, keys.routesDue, callId, String(leaseUntilMs), String(atMs))) === 1;
    },
    /** Calls due now, leased to this instance until `nowMs + LEASE_MS`, and when the next is due after them. */
    async leaseDue(
      nowMs: number,
      max = 50,
    ): Promise<{ callIds: string[]; leaseUntilMs: number; earliestMs: number | undefined }> {
      const leaseUntilMs = nowMs + LEASE_MS;
      const { ids, earliestMs } = await leaseDue(redis, keys.routesDue, nowMs, leaseUntilMs, max);
      return { callIds: ids, leaseUntilMs, earliestMs };
    },
    /** When the next call is due (a leased one at its lease's end); undefined when none waits. */
    earliest: (): Promise<number | undefined> => earliestDue(redis, keys.routesDue),
    /**
     * The call picks an agent now, beside its queue's other calls picking at this moment on any instance: returns its
     * place among them, the caller waiting longest 0, and the first `limit` of each of `freeKeys` read at that same
     * moment (a call counted ahead has not reserved yet: its agent is among them). Counted until `picked`, or
     * LEASE_MS at most.
     */
    async picking(
      callId: string,
      route: RouteState,
      nowMs: number,
      freeKeys: string[] = [],
      limit = 0,
    ): Promise<{ at: number; free: string[][] }> {
      const keysIn = [keys.picking(route.queueId), keys.pickingUntil(route.queueId), ...freeKeys];
      const args = [callId, String(route.startedAtMs), String(nowMs), String(nowMs + LEASE_MS), String(limit)];
      const [at, ...free] = (await redis.eval(PICKING, keysIn.length, ...keysIn, ...args)) as [number, ...string[][]];
      return { at: Number(at), free };
    },
    /** The call's entries among those picking, for the write that reserves its agent to remove. */
    pickEntries: (callId: string, queueId: string) => [
      { key: keys.picking(queueId), member: callId },
      { key: keys.pickingUntil(queueId), member: callId },
    ],
    /** The call has picked (or given up picking) for this step. */
    async picked(callId: string, queueId: string): Promise<void> {
      await redis.pipeline().zrem(keys.picking(queueId), callId).zrem(keys.pickingUntil(queueId), callId).exec();
    },
    /** The call is answered or over: no more routing. */
    async finish(callId: string): Promise<void> {
      await redis.multi().zrem(keys.routesDue, callId).del(keys.route(callId)).exec();
    },
    /** Calls waiting for an agent, with when they started: what a supervisor sees as the queue. */
    async waiting(): Promise<Array<{ callId: string; route: RouteState }>> {
      const ids = await redis.zrange(keys.routesDue, '0', '-1');
      const routes = await Promise.all(ids.map(async (callId) => ({ callId, route: await get(callId) })));
      return routes.filter((r): r is { callId: string; route: RouteState } => r.route !== undefined);
    },
  };
}
export type RouteStore = ReturnType<typeof createRouteStore>;
