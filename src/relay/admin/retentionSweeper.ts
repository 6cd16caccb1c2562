import type { Redis } from 'ioredis';
import { errorText } from '../../shared/errorText';
import type { RetentionPolicy } from '../../shared/retention';
import type { Logger } from '../../whatsapp/logger';
import type { SweepCounts } from './teamData';

const DAY_MS = 24 * 3600_000;
/** How often each instance looks whether the day's sweep is due (at most). */
const LOOK_MS = 10 * 60_000;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * The daily retention sweep, run by one instance of the team at a time: the instance that takes the day's lease in
 * Redis (SET NX for a day) sweeps; the others find it taken until the day is over. A sweep that fails gives the lease
 * back so another instance (or this one) tries again at its next look. Each sweep that removed anything is written
 * to the audit trail with its counts.
 */
export function createRetentionSweeper(deps: {
  redis: Redis;
  key: string;
  instance: string;
  /** The policy in force now (changes apply at the next sweep, without restart); undefined: nothing expires. */
  policy(): RetentionPolicy | undefined;
  sweep(policy: RetentionPolicy, nowMs: number): Promise<SweepCounts>;
  onSwept(counts: SweepCounts): void;
  log: Logger;
  /** Time between sweeps (a day; tests shorten it). */
  everyMs?: number;
}) {
  const everyMs = deps.everyMs ?? DAY_MS;
  const { redis, log } = deps;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | undefined;

  async function look(): Promise<void> {
    const policy = deps.policy();
    if (!policy || Object.keys(policy).length === 0) return;
    if ((await redis.set(deps.key, deps.instance, 'PX', everyMs, 'NX')) !== 'OK') return;
    try {
      const counts = await deps.sweep(policy, Date.now());
      log.info('retention sweep done', { ...counts });
      if (Object.values(counts).some((n) => n > 0)) deps.onSwept(counts);
    } catch (error) {
      log.warn('retention sweep failed; another look will try again', { error: errorText(error) });
      await redis.eval(RELEASE, 1, deps.key, deps.instance).catch(() => undefined);
    }
  }
  const tick = () => {
    running ??= look()
      .catch((error: unknown) => log.warn('retention sweep not looked at', { error: errorText(error) }))
      .finally(() => (running = undefined));
  };

  return {
    start(): void {
      timer ??= setInterval(tick, Math.min(LOOK_MS, Math.max(100, Math.floor(everyMs / 3))));
      timer.unref();
      tick();
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
