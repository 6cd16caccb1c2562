import type { Redis } from 'ioredis';
import { z } from 'zod';

/** A Janus instance the team's relays use: active takes new calls; draining keeps its calls and takes no new ones. */
export const JanusRegistration = z.object({
  state: z.enum(['active', 'draining']),
  sinceMs: z.number(),
});
export type JanusRegistration = z.infer<typeof JanusRegistration>;

const JanusUrl = z
  .string()
  .url()
  .refine((u) => /^wss?:\/\//.test(u), 'a Janus address starts with ws:// or wss://');

/**
 * The team's Janus instances, registered in Redis so every relay instance sees the same list: an operator adds one
 * (`npm run relay -- janus add ws://…`) and every relay connects to it within seconds, or drains one before
 * maintenance (its calls go on, new calls go elsewhere), without restarting a relay.
 */
export function createJanusRegistry(redis: Redis, prefix: string) {
  const key = `${prefix}:janus-servers`;
  const set = async (url: string, state: JanusRegistration['state']) => {
    const checked = JanusUrl.parse(url);
    await redis.hset(key, checked, JSON.stringify({ state, sinceMs: Date.now() } satisfies JanusRegistration));
  };
  return {
    add: (url: string) => set(url, 'active'),
    drain: (url: string) => set(url, 'draining'),
    /** Registered only if absent: a relay's configured addresses do not undo an operator's drain. */
    async ensure(url: string): Promise<void> {
      const checked = JanusUrl.parse(url);
      await redis.hsetnx(key, checked, JSON.stringify({ state: 'active', sinceMs: Date.now() }));
    },
    async remove(url: string): Promise<boolean> {
      return (await redis.hdel(key, url)) === 1;
    },
    async list(): Promise<Map<string, JanusRegistration>> {
      const found = new Map<string, JanusRegistration>();
      for (const [url, raw] of Object.entries(await redis.hgetall(key))) {
        try {
          const parsed = JanusRegistration.safeParse(JSON.parse(raw));
          if (parsed.success) found.set(url, parsed.data);
        } catch {
          // A hand-edited entry that is not ours: ignored rather than trusted.
        }
      }
      return found;
    },
  };
}
export type JanusRegistry = ReturnType<typeof createJanusRegistry>;
