import type { Redis } from 'ioredis';
import { errorText } from '../shared/errorText';
import type { Logger } from '../whatsapp/logger';
import { createDueWake } from './dueWake';
import { earliestDue, leaseDue } from './leaseDue';

/** How long an instance holds a due step while it takes it: if it dies meanwhile, another takes it after this. */
const LEASE_MS = 5000;

// Forgets a step once taken, unless it was set again meanwhile (a later time).
const DONE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0`;

/**
 * Steps due at a time, kept in a Redis sorted set: whichever relay instance is alive takes each once it is due (leased,
 * so one whose instance dies while taking it is taken again by another), so a step outlives the instance that set it.
 * Each instance wakes at the earliest time it knows of, and looks for steps set elsewhere once per lease
 * (`safetyLookMs`). `what` names the steps in the log.
 */
export function createDueSteps(
  redis: Redis,
  key: string,
  log: Logger,
  what: string,
  options: { safetyLookMs?: number } = {},
) {
  let take: ((member: string) => Promise<void>) | undefined;

  async function takeDue(nowMs: number): Promise<number | undefined> {
    const leaseUntilMs = nowMs + LEASE_MS;
    const { ids, earliestMs } = await leaseDue(redis, key, nowMs, leaseUntilMs, 50);
    // Nothing taken: the set is as the look found it.
    if (ids.length === 0) return earliestMs;
    for (const member of ids) {
      try {
        await take?.(member);
        await redis.eval(DONE, 1, key, member, String(leaseUntilMs));
      } catch (error) {
        log.warn(`${what}: not taken; another instance tries after the lease`, { member, error: errorText(error) });
      }
    }
    return earliestDue(redis, key);
  }
  const wake = createDueWake({ look: takeDue, safetyMs: options.safetyLookMs ?? LEASE_MS, log, what });

  return {
    /** `member` is due at `atMs` (a later call for the same member moves it). */
    async at(member: string, atMs: number): Promise<void> {
      await redis.zadd(key, atMs, member);
      wake.at(atMs);
    },
    /** No longer due (taken care of otherwise). */
    async cancel(member: string): Promise<void> {
      await redis.zrem(key, member);
    },
    /** What takes a due step (it checks the step still applies). */
    onDue(handler: (member: string) => Promise<void>): void {
      take = handler;
    },
    start: wake.start,
    stop: wake.stop,
  };
}
export type DueSteps = ReturnType<typeof createDueSteps>;
