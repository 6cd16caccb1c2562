import type { Redis } from 'ioredis';
import type { AgentStatus } from '../shared/settingsSchemas';
import type { AgentSnapshot } from './queuePlan';
import type { RelayKeys } from './relayKeys';

// Status, instance and liveness in one step; `statusSince` moves only when the status changes.
const MARK = `
if redis.call('HGET', KEYS[1], 'status') ~= ARGV[1] then redis.call('HSET', KEYS[1], 'statusSince', ARGV[2]) end
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'instance', ARGV[3], 'aliveUntil', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'idleSince', ARGV[5]) end
redis.call('SADD', KEYS[2], ARGV[6])
return 1`;

/** An agent counts as present while its instance keeps renewing this. */
export const ALIVE_MS = 15_000;

/** Which agents are signed in where, their status and how long they have been idle; shared by all instances. */
export function createPresence(redis: Redis, keys: RelayKeys, instance: string) {
  return {
    async mark(agentId: string, status: AgentStatus, idleSince?: number): Promise<void> {
      const now = Date.now();
      await redis.eval(
        MARK,
        2,
        keys.agent(agentId),
        keys.agents,
        status,
        String(now),
        instance,
        String(now + ALIVE_MS),
        idleSince === undefined ? '' : String(idleSince),
        agentId,
      );
    },
    async markOffline(agentId: string): Promise<void> {
      await redis.hset(keys.agent(agentId), { status: 'offline', aliveUntil: '0', statusSince: String(Date.now()) });
    },
    async idleSince(agentId: string): Promise<number | undefined> {
      const value = await redis.hget(keys.agent(agentId), 'idleSince');
      return value ? Number(value) : undefined;
    },
    /** How many signed-in agents are in each status, across all instances (offline ones and lapsed ones apart). */
    async countByStatus(): Promise<Record<string, number>> {
      const ids = await redis.smembers(keys.agents);
      const now = Date.now();
      const rows = await Promise.all(ids.map((id) => redis.hmget(keys.agent(id), 'status', 'aliveUntil')));
      const counts: Record<string, number> = { available: 0, busy: 0, away: 0, offline: 0 };
      for (const [status, aliveUntil] of rows) {
        const present = status && status !== 'offline' && Number(aliveUntil) > now;
        const key = present ? status : 'offline';
        counts[key] = (counts[key] ?? 0) + 1;
      }
      return counts;
    },
    /**
     * Every agent who ever signed in, with their status, since when (for the supervisor board) and whether their
     * desk is there now.
     */
    async snapshot(): Promise<Array<AgentSnapshot & { sinceMs?: number }>> {
      const ids = await redis.smembers(keys.agents);
      const now = Date.now();
      const rows = await Promise.all(
        ids.map((id) => redis.hmget(keys.agent(id), 'status', 'aliveUntil', 'idleSince', 'statusSince')),
      );
      return ids.map((id, i) => {
        const [status, aliveUntil, idleSince, statusSince] = rows[i]!;
        const present = Boolean(status && status !== 'offline' && Number(aliveUntil) > now);
        const known = status === 'available' || status === 'busy' || status === 'away';
        return {
          id,
          status: present && known ? status : 'offline',
          idleSinceMs: Number(idleSince ?? 0) || 0,
          present,
          sinceMs: Number(statusSince) || undefined,
        };
      });
    },
    /** Available agents anywhere, longest idle first. */
    async available(exclude: string[] = []): Promise<string[]> {
      const ids = await redis.smembers(keys.agents);
      const now = Date.now();
      const rows = await Promise.all(ids.map(async (id) => ({ id, row: await redis.hgetall(keys.agent(id)) })));
      return rows
        .filter(({ id, row }) => row.status === 'available' && Number(row.aliveUntil) > now && !exclude.includes(id))
        .sort((a, b) => Number(a.row.idleSince ?? 0) - Number(b.row.idleSince ?? 0))
        .map(({ id }) => id);
    },
  };
}
export type Presence = ReturnType<typeof createPresence>;
