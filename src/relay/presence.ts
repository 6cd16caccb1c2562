import type { Redis } from 'ioredis';
import type { RelayKeys } from './relayKeys';

/** An agent counts as present while its instance keeps renewing this. */
export const ALIVE_MS = 15_000;

/**
 * Which agents' desks are connected: liveness only, renewed by the heartbeat of the instance holding each desk.
 * What an agent is doing is the team model's (team/teamStore.ts), never written here.
 */
export function createPresence(redis: Redis, keys: RelayKeys) {
  return {
    /** This instance still has the agent's desk. */
    async renew(agentId: string): Promise<void> {
      await redis
        .multi()
        .zadd(keys.alive, Date.now() + ALIVE_MS, agentId)
        .sadd(keys.agents, agentId)
        .exec();
    },
    async gone(agentId: string): Promise<void> {
      await redis.zadd(keys.alive, 0, agentId);
    },
    /** Whether each agent's desk was renewed lately: one command however many are asked (routing asks up to 50). */
    async alive(agentIds: string[]): Promise<boolean[]> {
      if (agentIds.length === 0) return [];
      const until = await redis.zmscore(keys.alive, ...agentIds);
      const now = Date.now();
      return until.map((value) => Number(value) > now);
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
