import type { Redis } from 'ioredis';
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
});
export type CompanySession = z.infer<typeof CompanySession>;

const PENDING_SECONDS = 600;

/** Sign-ins under way and signed-in sessions, in Redis so any relay instance takes the callback or the refresh. */
export function createSignInStore(redis: Redis, prefix: string, sessionSeconds: number) {
  const pendingKey = (state: string) => `${prefix}:signin:pending:${state}`;
  const sessionKey = (sid: string) => `${prefix}:signin:session:${sid}`;
  return {
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
  };
}
export type SignInStore = ReturnType<typeof createSignInStore>;
