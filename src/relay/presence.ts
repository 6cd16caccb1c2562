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
      await redis
        .multi()
        .hset(keys.agent(agentId), { instance, aliveUntil: String(Date.now() + ALIVE_MS) })
        .sadd(keys.agents, agentId)
        .exec();
    },
    async gone(agentId: string): Promise<void> {
      await redis.hset(keys.agent(agentId), { aliveUntil: '0' });
    },
    /** Whether each agent's desk was renewed lately. */
    async alive(agentIds: string[]): Promise<boolean[]> {
      if (agentIds.length === 0) return [];
      const read = redis.pipeline();
      for (const id of agentIds) read.hget(keys.agent(id), 'aliveUntil');
      const now = Date.now();
      return ((await read.exec()) ?? []).map(([, until]) => Number(until) > now);
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
