import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AssistantNote } from '../../shared/botProtocol';

/** How long a bot's handle and what it learned are kept (longer than any call). */
const KEEP_S = 12 * 3600;

const Session = z.object({ callId: z.string(), queueId: z.string() });
type Session = z.infer<typeof Session>;

/**
 * Calls held by a queue's bot, in Redis so any instance can take the bot's escalate request: the bot names its call by
 * an opaque handle (never WhatsApp's call id), which belongs to the queue whose bot took it; a call is handed over at
 * most once; the bot's note waits there for the agents' rings.
 */
export function createBotSessions(redis: Redis, prefix: string) {
  const handleKey = (handle: string) => `${prefix}:bot-call:${handle}`;
  const handedKey = (callId: string) => `${prefix}:bot-handed:${callId}`;
  const noteKey = (callId: string) => `${prefix}:assistant:${callId}`;
  return {
    async open(callId: string, queueId: string): Promise<string> {
      const handle = randomBytes(18).toString('base64url');
      await redis.set(handleKey(handle), JSON.stringify({ callId, queueId } satisfies Session), 'EX', KEEP_S);
      return handle;
    },
    async byHandle(handle: string): Promise<Session | undefined> {
      const raw = await redis.get(handleKey(handle));
      if (!raw) return undefined;
      const parsed = Session.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    },
    /** True for the first hand-over of a call (escalated, or the bot failed); every later one is refused. */
    takeHandOver: async (callId: string): Promise<boolean> =>
      (await redis.set(handedKey(callId), '1', 'EX', KEEP_S, 'NX')) === 'OK',
    releaseHandOver: async (callId: string): Promise<void> => void (await redis.del(handedKey(callId))),
    handedOver: async (callId: string): Promise<boolean> => (await redis.exists(handedKey(callId))) === 1,
    async keepNote(callId: string, note: AssistantNote): Promise<void> {
      await redis.set(noteKey(callId), JSON.stringify(note), 'EX', KEEP_S);
    },
    async note(callId: string): Promise<AssistantNote | undefined> {
      const raw = await redis.get(noteKey(callId));
      if (!raw) return undefined;
      const parsed = AssistantNote.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    },
  };
}
export type BotSessions = ReturnType<typeof createBotSessions>;
