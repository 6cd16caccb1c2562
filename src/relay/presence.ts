import type { Redis } from 'ioredis';
import type { RelayKeys } from './relayKeys';

/** An agent counts as present while its instance keeps renewing this. */
export const ALIVE_MS = 15_000;

/**
 * Which agents' desks are connected, and to which instance: liveness only, renewed by each instance's heartbeat.
 * What an agent is doing is the team model's (team/teamStore.ts), never written here.
 */
export function createPresence(redis: Redis, keys: RelayKeys, instance: string) {
  return {
    /** This instance still has the agent's desk. */
    async renew(agentId: string): Promise<void> {
      const until = Date.now() + ALIVE_MS;
      await redis
        .multi()
        .zadd(keys.alive, until, agentId)
        // Also kept on the agent's hash, which instances of earlier versions read during a rolling upgrade.
        .hset(keys.agent(agentId), { instance, aliveUntil: String(until) })
        .sadd(keys.agents, agentId)
        .exec();
    },
    async gone(agentId: string): Promise<void> {
      await redis.multi().zadd(keys.alive, 0, agentId).hset(keys.agent(agentId), { aliveUntil: '0' }).exec();
    },
    /**
     * Whether each agent's desk was renewed lately: one command however many are asked (routing asks about up to 50
     * candidates a step). An agent renewed only on its hash (by an instance of an earlier version) is read there.
     */
    async alive(agentIds: string[]): Promise<boolean[]> {
      if (agentIds.length === 0) return [];
      const until = await redis.zmscore(keys.alive, ...agentIds);
      const unknown = agentIds.filter((_, i) => until[i] === null);
      if (unknown.length > 0) {
        const read = redis.pipeline();
        for (const id of unknown) read.hget(keys.agent(id), 'aliveUntil');
        const fromHash = new Map(
          ((await read.exec()) ?? []).map(([, value], i) => [unknown[i]!, value as string | null]),
        );
        for (const [i, id] of agentIds.entries()) if (until[i] === null) until[i] = fromHash.get(id) ?? null;
      }
      const now = Date.now();
      return until.map((value) => Number(value) > now);
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
