import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { z } from 'zod';
import { TeamRole } from '../../shared/identityRoles';

/** A sign-in under way: what the callback must match (state is the key), and where the person goes after. */
export const PendingSignIn = z.object({
  verifier: z.string(),
  nonce: z.string(),
  /** The random value of this browser's cookie: a callback from another browser is refused. */
  browser: z.string(),
  to: z.enum(['board', 'desk']),
  /** The desk's loopback address the browser is sent back to (RFC 8252), for `to: 'desk'`. */
  returnTo: z.string().optional(),
});
export type PendingSignIn = z.infer<typeof PendingSignIn>;

/** A person signed in with the company: the provider's refresh token, kept here, never in a browser or desk. */
export const CompanySession = z.object({
  name: z.string(),
  role: TeamRole,
  queues: z.array(z.string()).optional(),
  refreshToken: z.string(),
  /** When the provider last vouched for the person (sign-in or a refresh grant). */
  checkedAtMs: z.number().optional(),
});
export type CompanySession = z.infer<typeof CompanySession>;

const PENDING_SECONDS = 600;
/** Longer than a refresh grant takes; a lock left by a dead instance lapses after it. */
const LOCK_MS = 15_000;

/** Sign-ins under way and signed-in sessions, in Redis so any relay instance takes the callback or the refresh. */
export function createSignInStore(redis: Redis, prefix: string, sessionSeconds: number) {
  const pendingKey = (state: string) => `${prefix}:signin:pending:${state}`;
  const sessionKey = (sid: string) => `${prefix}:signin:session:${sid}`;
  const loginLimits = new Map<number, RateLimiterRedis>();
  return {
    /**
     * Counts one sign-in begun from this client address, across every instance: each keeps a pending sign-in in
     * Redis for 10 minutes, so one address may not begin more than `perMinute` a minute. How long to wait when over.
     */
    async admitLogin(client: string, perMinute: number): Promise<{ ok: true } | { ok: false; retryAfterS: number }> {
      let limiter = loginLimits.get(perMinute);
      if (!limiter) {
        const keyPrefix = `${prefix}:limit:signin-login`;
        limiter = new RateLimiterRedis({ storeClient: redis, keyPrefix, points: perMinute, duration: 60 });
        loginLimits.set(perMinute, limiter);
      }
      try {
        await limiter.consume(client);
        return { ok: true };
      } catch (error) {
        if (!(error instanceof RateLimiterRes)) throw error;
        return { ok: false, retryAfterS: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
      }
    },
    async begin(state: string, pending: PendingSignIn): Promise<void> {
      await redis.set(pendingKey(state), JSON.stringify(pending), 'EX', PENDING_SECONDS);
    },
    /** The sign-in this state began, taken once: a replayed callback finds nothing. */
    async take(state: string): Promise<PendingSignIn | undefined> {
      const text = await redis.getdel(pendingKey(state));
      return text ? PendingSignIn.parse(JSON.parse(text)) : undefined;
    },
    async save(sid: string, session: CompanySession): Promise<void> {
      await redis.set(sessionKey(sid), JSON.stringify(session), 'EX', sessionSeconds);
    },
    async find(sid: string): Promise<CompanySession | undefined> {
      const text = await redis.get(sessionKey(sid));
      return text ? CompanySession.parse(JSON.parse(text)) : undefined;
    },
    async end(sid: string): Promise<void> {
      await redis.del(sessionKey(sid));
    },
    async sessionIds(): Promise<string[]> {
      const ids: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', sessionKey('*'), 'COUNT', 500);
        cursor = next;
        ids.push(...keys.map((k) => k.slice(sessionKey('').length)));
      } while (cursor !== '0');
      return ids;
    },
    /** One instance at a time asks the provider about a session; waits up to 5 s, then gives up (undefined). */
    async lock(sid: string): Promise<(() => Promise<void>) | undefined> {
      const key = `${prefix}:signin:lock:${sid}`;
      const mine = randomUUID();
      const end = Date.now() + 5000;
      while ((await redis.set(key, mine, 'PX', LOCK_MS, 'NX')) !== 'OK') {
        if (Date.now() > end) return undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
      return async () => {
        if ((await redis.get(key)) === mine) await redis.del(key);
      };
    },
  };
}
export type SignInStore = ReturnType<typeof createSignInStore>;
