import { z } from 'zod';
import { addressee, type ButtonMessageBody } from './graphSchemas';
import type { QueueCallbackOffer } from './teamQueues';

/** A button's id names the offer it belongs to and the choice: `cb.<offer>.yes` or `cb.<offer>.no` (Meta echoes it). */
const BUTTON_ID = /^cb\.([A-Za-z0-9_-]{16,32})\.(yes|no)$/;

/** The reply buttons message offering the customer a callback, in the queue's words. */
export function callbackOfferMessage(customer: string, words: QueueCallbackOffer, offerId: string): ButtonMessageBody {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    ...addressee(customer),
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: words.body },
      action: {
        buttons: [
          { type: 'reply', reply: { id: `cb.${offerId}.yes`, title: words.accept } },
          { type: 'reply', reply: { id: `cb.${offerId}.no`, title: words.decline } },
        ],
      },
    },
  };
}

/** The offer and the choice a tapped button names; undefined for a button that is not a callback offer's. */
export function callbackChoice(buttonId: string): { offerId: string; wanted: boolean } | undefined {
  const match = BUTTON_ID.exec(buttonId);
  return match ? { offerId: match[1]!, wanted: match[2] === 'yes' } : undefined;
}

/** How many calls the team places for one callback before it gives up. */
export const CALLBACK_ATTEMPTS = 3;

/** How long an agent who took a callback has to place its call; past it the attempt counts as failed. */
export const CALLBACK_PLACE_MS = 90_000;

/** Why a callback's call did not reach the customer. */
export const CallbackFailure = z.enum([
  'not_answered',
  'declined_by_customer',
  'no_permission',
  'permission_requested',
  'call_failed',
]);
export type CallbackFailure = z.infer<typeof CallbackFailure>;

/**
 * A customer's callback as the team keeps it in Redis: waiting (for a free agent), offered (to one agent, until
 * `offerEndsAtMs`), calling (that agent accepted and places the call). Ordered by when their original call arrived.
 */
export const QueueCallback = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/),
  queueId: z.string().max(40),
  customer: z.string().min(1).max(160),
  /** The call the queue turned away, and when the relay received it: the callback keeps that place. */
  callId: z.string().min(1).max(512),
  arrivedAtMs: z.number().int().nonnegative(),
  requestedAtMs: z.number().int().nonnegative(),
  expiresAtMs: z.number().int().nonnegative(),
  state: z.enum(['waiting', 'offered', 'calling']),
  agentId: z.string().max(200).optional(),
  /** Until when the agent it is offered to may take it, or the calling agent must have placed the call. */
  untilMs: z.number().int().nonnegative().optional(),
  /** Agents who declined it or let the offer run out: offered to someone else first. */
  passedBy: z.array(z.string().max(200)).max(1000).default([]),
  attempts: z.number().int().min(0).max(CALLBACK_ATTEMPTS).default(0),
  lastFailure: CallbackFailure.optional(),
  /** A call-permission request went to the customer: not offered again until they answer it. */
  awaitingPermission: z.boolean().optional(),
  /** The call placed for it, once the calling agent's desk placed one. */
  placedCallId: z.string().max(512).optional(),
});
export type QueueCallback = z.infer<typeof QueueCallback>;

/** The relay offers an agent a waiting callback: `callback_answer` takes it or passes it on. */
export const CallbackOffered = z.object({
  type: z.literal('callback_offered'),
  callbackId: z.string().max(32),
  customer: z.string().min(1).max(160),
  queue: z.string().max(80),
  /** When the customer's original call arrived. */
  waitingSinceMs: z.number(),
  attempts: z.number().int().min(0).max(CALLBACK_ATTEMPTS),
  lastFailure: CallbackFailure.optional(),
  /** Unanswered by then, it goes to the next free agent. */
  untilMs: z.number(),
});
/** The offer ran out or the callback was taken elsewhere: the desk drops it. */
export const CallbackWithdrawn = z.object({ type: z.literal('callback_withdrawn'), callbackId: z.string().max(32) });
