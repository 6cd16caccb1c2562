import type { Redis } from 'ioredis';

/** Agents whose tokens were revoked, and when: every token issued before that moment is refused. */
export function createRevocations(redis: Redis, prefix: string) {
  const key = `${prefix}:revoked`;
  return {
    async revoke(agentId: string, atMs = Date.now()): Promise<void> {
      await redis.hset(key, agentId, String(atMs));
    },
    async isRevoked(agentId: string, issuedAtMs: number): Promise<boolean> {
      const revokedAt = await redis.hget(key, agentId);
      return revokedAt !== null && issuedAtMs <= Number(revokedAt);
    },
  };
}
export type Revocations = ReturnType<typeof createRevocations>;
