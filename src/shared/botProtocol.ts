import { z } from 'zod';
import { QueueId } from './teamQueues';

/**
 * pipecat's SmallWebRTC offer/answer over HTTP (`POST <url>`): the relay sends its media server's offer for the bot's
 * leg, the bot answers. `pc_id` is the bot's name for the peer connection, given in its answer; `request_data` is the
 * shape's own field for what the caller wants the bot to know.
 */
export const SmallWebrtcOffer = z.object({
  sdp: z.string().min(1).max(20_000),
  type: z.literal('offer'),
  pc_id: z.string().max(200).nullable().optional(),
  request_data: z.unknown().optional(),
});
export type SmallWebrtcOffer = z.infer<typeof SmallWebrtcOffer>;

export const SmallWebrtcAnswer = z.object({
  sdp: z.string().min(1).max(20_000),
  type: z.literal('answer'),
  pc_id: z.string().min(1).max(200),
});
export type SmallWebrtcAnswer = z.infer<typeof SmallWebrtcAnswer>;

/**
 * What the relay tells the bot about the call in `request_data`: an opaque handle to name the call when escalating,
 * and the customer only when the queue allows it (`bot.shareCustomer`).
 */
export const BotCallContext = z.object({
  call: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  queue: QueueId,
  customer: z.object({ number: z.string().max(40), name: z.string().max(200).optional() }).optional(),
  /** An agent handed the call to this bot: what is known of the call so far, and the agent's note to the bot. */
  handBack: z
    .object({
      summary: z.string().max(500).optional(),
      facts: z.record(z.string().max(60), z.string().max(300)),
      note: z.string().max(500),
    })
    .optional(),
});
export type BotCallContext = z.infer<typeof BotCallContext>;

/** The bot's conversation with the customer, in turns. */
export const BotTranscript = z
  .array(z.object({ speaker: z.enum(['assistant', 'customer']), text: z.string().max(2000) }))
  .max(200);
export type BotTranscript = z.infer<typeof BotTranscript>;

/** What the bot learned, as the agent's ringing card and call view show it. */
export const AssistantNote = z.object({
  summary: z.string().min(1).max(500),
  /** Key/value facts: order number, language, intent… */
  facts: z.record(z.string().min(1).max(60), z.string().max(300)).refine((f) => Object.keys(f).length <= 20, {
    message: 'at most 20 facts',
  }),
  /** The conversation so far, one click away on the desk. */
  transcript: BotTranscript.optional(),
});
export type AssistantNote = z.infer<typeof AssistantNote>;

/** `POST /bot/escalate` from a queue's bot (bearer: the queue's bot token): hand the call to a queue of agents. */
export const BotEscalation = AssistantNote.extend({
  call: BotCallContext.shape.call,
  queue: QueueId,
  /** The conversation so far, in turns. */
  transcript: BotTranscript.default([]),
}).strict();
export type BotEscalation = z.infer<typeof BotEscalation>;

/** `POST /bot/end` from the bot that holds the call (bearer: its token): the call is over, ended on WhatsApp too. */
export const BotEnd = z.object({ call: BotCallContext.shape.call }).strict();
export type BotEnd = z.infer<typeof BotEnd>;

/** The largest escalate body the relay reads. */
export const BOT_ESCALATION_MAX_BYTES = 64 * 1024;
