import type { Redis } from 'ioredis';

/** Takes the lease when free, renews it when it is ours; 1 when this instance holds it now. */
const TAKE_OR_RENEW = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * One instance of the team at a time holds this lease (kept in Redis, renewed every third of its length): the one that
 * exports the team-wide figures. An instance that dies loses it when it runs out; one that closes gives it back.
 */
export function createTeamLease(redis: Redis, key: string, instance: string, lengthMs: number) {
  let heldUntil = 0;
  let timer: ReturnType<typeof setInterval> | undefined;

  async function renew(): Promise<void> {
    const asked = Date.now();
    try {
      const held = (await redis.eval(TAKE_OR_RENEW, 1, key, instance, String(lengthMs))) === 1;
      // Counted from when we asked, so this instance never believes it holds a lease Redis already let go.
      heldUntil = held ? asked + lengthMs : 0;
    } catch {
      heldUntil = 0;
    }
  }

  return {
    /** Whether this instance holds the lease now. */
    held: () => Date.now() < heldUntil,
    async start(): Promise<void> {
      await renew();
      timer ??= setInterval(() => void renew(), Math.max(100, Math.floor(lengthMs / 3)));
    },
    async stop(): Promise<void> {
      clearInterval(timer);
      timer = undefined;
      heldUntil = 0;
      await redis.eval(RELEASE, 1, key, instance).catch(() => undefined);
    },
  };
}
