import type { Redis } from 'ioredis';

// Takes the members of a sorted set due by now, each for one instance only: their score becomes the lease's end, so
// one whose instance dies mid-step is taken again by another once the lease runs out.
const LEASE_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
return ids`;

/** The members of `key` due at `nowMs` (at most `max`), leased to the caller until `leaseUntilMs`. */
export async function leaseDue(
  redis: Redis,
  key: string,
  nowMs: number,
  leaseUntilMs: number,
  max: number,
): Promise<string[]> {
  return (await redis.eval(LEASE_DUE, 1, key, String(nowMs), String(leaseUntilMs), String(max))) as string[];
}
