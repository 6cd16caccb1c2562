import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { AssistantNote } from '../../shared/botProtocol';
import { QUEUE_BOT_ID } from '../../shared/teamQueues';

/** How long a bot's handle and what it learned are kept (longer than any call). */
const KEEP_S = 12 * 3600;

const Session = z.object({ callId: z.string(), queueId: z.string(), bot: z.string().default(QUEUE_BOT_ID) });
type Session = z.infer<typeof Session>;

/** The hand-over is taken when the handle still holds the call: it stops holding it, once (and the bot its call). */
const TAKE_HAND_OVER = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
if not redis.call('SET', KEYS[1], '1', 'EX', ARGV[2], 'NX') then return 0 end
if ARGV[1] ~= '' then redis.call('DEL', KEYS[2]) end
redis.call('HDEL', KEYS[3], ARGV[3])
return 1`;

/** The bot ends the call when its handle still holds it: the handle stops holding it, once. */
const TAKE_END = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] or redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[2], '1', 'EX', ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[3])
return 1`;

/** A WHIP bot's session for a call's bot leg: which bot of which queue, and the resource to DELETE. */
const WhipSession = z.object({ queueId: z.string(), bot: z.string(), resource: z.string().max(2048) });
export type WhipSession = z.infer<typeof WhipSession>;

/** A call a bot holds now, for the board: its queue, which bot, since when. */
const Held = z.object({ queueId: z.string(), bot: z.string(), sinceMs: z.number() });
export type HeldByBot = z.infer<typeof Held> & { callId: string };

/**
 * Calls held by a bot, in Redis so any instance can take the bot's requests: the bot names its call by an opaque
 * handle (never WhatsApp's call id), which belongs to one bot of one queue; the newest handle of a call holds it until
 * it hands over or ends it, and a call is handed over at most once per bot that held it; the note waits there for the
 * agents' rings.
 */
export function createBotSessions(redis: Redis, prefix: string) {
  const handleKey = (handle: string) => `${prefix}:bot-call:${handle}`;
  const handedKey = (callId: string) => `${prefix}:bot-handed:${callId}`;
  const holderKey = (callId: string) => `${prefix}:bot-holder:${callId}`;
  const noteKey = (callId: string) => `${prefix}:assistant:${callId}`;
  /** Calls bots hold now (callId -> Held): what the board shows as "with the assistant". */
  const heldKey = `${prefix}:bot-held`;
  const whipKey = (callId: string) => `${prefix}:bot-whip:${callId}`;
  return {
    /** A bot takes the call (the queue's first, or one an agent handed it to): its handle holds it from now. */
    async open(callId: string, queueId: string, bot: string = QUEUE_BOT_ID): Promise<string> {
      const handle = randomBytes(18).toString('base64url');
      await redis
        .multi()
        .set(handleKey(handle), JSON.stringify({ callId, queueId, bot } satisfies Session), 'EX', KEEP_S)
        .set(holderKey(callId), handle, 'EX', KEEP_S)
        .del(handedKey(callId))
        .exec();
      return handle;
    },
    /** The bot's leg is up and it has the call: the board shows it with the assistant from now. */
    async holding(callId: string, queueId: string, bot: string = QUEUE_BOT_ID): Promise<void> {
      await redis.hset(
        heldKey,
        callId,
        JSON.stringify({ queueId, bot, sinceMs: Date.now() } satisfies z.infer<typeof Held>),
      );
    },
    /** The call ended (or left the bot): no longer with the assistant. */
    async letGo(callId: string): Promise<void> {
      await redis.hdel(heldKey, callId);
    },
    /** Every call a bot holds now; entries older than any call are dropped. */
    async held(): Promise<HeldByBot[]> {
      const all = await redis.hgetall(heldKey);
      const found: HeldByBot[] = [];
      for (const [callId, raw] of Object.entries(all)) {
        const parsed = Held.safeParse(JSON.parse(raw));
        if (parsed.success && parsed.data.sinceMs > Date.now() - KEEP_S * 1000) found.push({ callId, ...parsed.data });
        else await redis.hdel(heldKey, callId);
      }
      return found;
    },
    /** The bot that holds the call now, with its handle; undefined once it handed the call over or ended it. */
    async holderOf(callId: string): Promise<(Session & { handle: string }) | undefined> {
      const handle = await redis.get(holderKey(callId));
      const session = handle ? await this.byHandle(handle) : undefined;
      return session && handle ? { ...session, handle } : undefined;
    },
    async byHandle(handle: string): Promise<Session | undefined> {
      const raw = await redis.get(handleKey(handle));
      if (!raw) return undefined;
      const parsed = Session.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    },
    /**
     * True for the first hand-over of a call by the bot holding it (escalated, or the bot failed); every later one,
     * and one by a bot that no longer holds the call, is refused. Without a handle, only the once-rule applies.
     */
    takeHandOver: async (callId: string, handle = ''): Promise<boolean> =>
      (await redis.eval(TAKE_HAND_OVER, 3, handedKey(callId), holderKey(callId), heldKey, handle, KEEP_S, callId)) ===
      1,
    async releaseHandOver(callId: string, handle = ''): Promise<void> {
      const undo = redis.multi().del(handedKey(callId));
      if (handle) undo.set(holderKey(callId), handle, 'EX', KEEP_S);
      await undo.exec();
    },
    handedOver: async (callId: string): Promise<boolean> => (await redis.exists(handedKey(callId))) === 1,
    /** The bot holding the call ends it: true once, for the handle that holds it. */
    takeEnd: async (callId: string, handle: string): Promise<boolean> =>
      (await redis.eval(TAKE_END, 3, holderKey(callId), handedKey(callId), heldKey, handle, KEEP_S, callId)) === 1,
    /** The WHIP bot's session of the call's bot leg, kept where any instance can end it (the leg's may die). */
    async keepWhip(callId: string, session: WhipSession): Promise<void> {
      await redis.set(whipKey(callId), JSON.stringify(session), 'EX', KEEP_S);
    },
    /** The call's WHIP session, once: the instance that takes it sends the DELETE. */
    async takeWhip(callId: string): Promise<WhipSession | undefined> {
      const raw = await redis.getdel(whipKey(callId));
      const parsed = raw ? WhipSession.safeParse(JSON.parse(raw)) : undefined;
      return parsed?.success ? parsed.data : undefined;
    },
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
