import type { Redis } from 'ioredis';
import { errorText } from '../shared/errorText';
import type { Logger } from '../whatsapp/logger';
import { leaseDue } from './leaseDue';

/** How long an instance holds a due ring while it ends it: if it dies meanwhile, another takes it after this. */
const LEASE_MS = 5000;
const TICK_MS = 500;

// Forgets a ring once ended, unless the colleague was rung again for the same call meanwhile (a later time).
const DONE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0`;

type RingOut = (callId: string, agentId: string) => Promise<void>;

/**
 * When each colleague's ring (transfer, consult, conference) runs out, kept in Redis: whichever relay instance is
 * alive ends it, so a ring outlives the instance that sent it.
 */
export function createColleagueRings(redis: Redis, key: string, log: Logger) {
  let ringOut: RingOut | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let ticking = false;
  const member = (callId: string, agentId: string) => JSON.stringify([callId, agentId]);

  async function endDue(nowMs: number): Promise<void> {
    const leaseUntilMs = nowMs + LEASE_MS;
    const due = await leaseDue(redis, key, nowMs, leaseUntilMs, 50);
    for (const ring of due) {
      const [callId, agentId] = JSON.parse(ring) as [string, string];
      try {
        await ringOut?.(callId, agentId);
        await redis.eval(DONE, 1, key, ring, String(leaseUntilMs));
      } catch (error) {
        log.warn('a colleague’s unanswered ring was not ended; another instance tries after the lease', {
          callId,
          error: errorText(error),
        });
      }
    }
  }

  return {
    /** The colleague's ring for this call runs out at `atMs` unless answered or declined first. */
    async ring(callId: string, agentId: string, atMs: number): Promise<void> {
      await redis.zadd(key, atMs, member(callId, agentId));
    },
    /** What ends a ring whose time is up (it checks the ring is still pending). */
    onRingOut(handler: RingOut): void {
      ringOut = handler;
    },
    start(): void {
      timer ??= setInterval(() => {
        if (ticking) return;
        ticking = true;
        endDue(Date.now())
          .catch((error: unknown) => log.warn('colleague rings not checked', { error: errorText(error) }))
          .finally(() => (ticking = false));
      }, TICK_MS);
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = undefined;
    },
  };
}
export type ColleagueRings = ReturnType<typeof createColleagueRings>;
