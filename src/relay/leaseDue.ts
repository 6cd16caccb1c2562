import type { Redis } from 'ioredis';

// Takes the members of a sorted set due by now, each for one instance only: their score becomes the lease's end, so
// one whose instance dies mid-step is taken again by another once the lease runs out. Returns them and the earliest
// time left in the set, so a look that finds nothing due costs one command.
const LEASE_DUE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do redis.call('ZADD', KEYS[1], ARGV[2], id) end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {ids, first[2] or false}`;

/**
 * The members of `key` due at `nowMs` (at most `max`), leased to the caller until `leaseUntilMs`, and the earliest time
 * left in the set after leasing them (undefined when it is empty).
 */
export async function leaseDue(
  redis: Redis,
  key: string,
  nowMs: number,
  leaseUntilMs: number,
  max: number,
): Promise<{ ids: string[]; earliestMs: number | undefined }> {
  const [ids, first] = (await redis.eval(LEASE_DUE, 1, key, String(nowMs), String(leaseUntilMs), String(max))) as [
    string[],
    string | null,
  ];
  return { ids, earliestMs: first === null ? undefined : Number(first) };
}

/** The earliest time left in `key` (leases included: a dying instance's steps are due again at their lease's end). */
export async function earliestDue(redis: Redis, key: string): Promise<number | undefined> {
  const [, score] = await redis.zrange(key, '0', '0', 'WITHSCORES');
  return score === undefined ? undefined : Number(score);
}
