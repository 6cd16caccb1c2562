import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** A Janus instance the team's relays use: active takes new calls; draining keeps its calls and takes no new ones. */
export const JanusRegistration = z.object({
  state: z.enum(['active', 'draining']),
  sinceMs: z.number(),
});
const SignedRegistration = JanusRegistration.extend({ sig: z.string() });
export type JanusRegistration = z.infer<typeof JanusRegistration>;

const JanusUrl = z
  .string()
  .url()
  .refine((u) => /^wss?:\/\//.test(u), 'a Janus address starts with ws:// or wss://');

/**
 * The team's Janus instances, registered in Redis so every relay instance sees the same list: an operator adds one
 * (`npm run relay -- janus add ws://…`) and every relay connects to it within seconds, or drains one before
 * maintenance (its calls go on, new calls go elsewhere), without restarting a relay. Each entry is signed with the
 * AudioBridge admin key: relays send Janus's API secret only to addresses someone holding that key registered, never
 * to one that anybody able to write to Redis put there.
 */
export function createJanusRegistry(redis: Redis, prefix: string, adminKey: string, onForged?: (url: string) => void) {
  const key = `${prefix}:janus-servers`;
  const sign = (url: string, entry: JanusRegistration) =>
    createHmac('sha256', adminKey).update(`${url}|${entry.state}|${entry.sinceMs}`).digest('base64url');
  const signed = (url: string, state: JanusRegistration['state']) => {
    const entry = { state, sinceMs: Date.now() };
    return JSON.stringify({ ...entry, sig: sign(url, entry) });
  };
  const genuine = (url: string, raw: string): JanusRegistration | undefined => {
    try {
      const parsed = SignedRegistration.safeParse(JSON.parse(raw));
      if (!parsed.success) return undefined;
      const { sig, ...entry } = parsed.data;
      const expected = Buffer.from(sign(url, entry));
      const given = Buffer.from(sig);
      return given.length === expected.length && timingSafeEqual(given, expected) ? entry : undefined;
    } catch {
      return undefined;
    }
  };
  const set = async (url: string, state: JanusRegistration['state']) => {
    const checked = JanusUrl.parse(url);
    await redis.hset(key, checked, signed(checked, state));
  };
  return {
    add: (url: string) => set(url, 'active'),
    drain: (url: string) => set(url, 'draining'),
    /** Registered only if absent: a relay's configured addresses do not undo an operator's drain. */
    async ensure(url: string): Promise<void> {
      const checked = JanusUrl.parse(url);
      const raw = await redis.hget(key, checked);
      if (raw && genuine(checked, raw)) return;
      await redis.hset(key, checked, signed(checked, 'active'));
    },
    async remove(url: string): Promise<boolean> {
      return (await redis.hdel(key, url)) === 1;
    },
    /** The genuine entries; one not signed with the admin key is left out (and reported), never connected to. */
    async list(): Promise<Map<string, JanusRegistration>> {
      const found = new Map<string, JanusRegistration>();
      for (const [url, raw] of Object.entries(await redis.hgetall(key))) {
        const entry = genuine(url, raw);
        if (entry) found.set(url, entry);
        else onForged?.(url);
      }
      return found;
    },
  };
}
export type JanusRegistry = ReturnType<typeof createJanusRegistry>;
