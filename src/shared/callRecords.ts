import { z } from 'zod';
import { AssistantNote, BotEscalation } from './botProtocol';
import { TurnedAwayReason } from './teamQueues';

const CallId = z.string().min(1).max(512);
const AgentId = z.string().min(1).max(200);
const AtMs = z.number().int().nonnegative();

/**
 * How a ring at an agent ended: accepted, rejected (they declined), timed_out (it rang out at them), or rescinded
 * (a colleague answered, the caller hung up, they signed out or went not ready, or routing moved the call on).
 */
export const RingOutcome = z.enum(['accepted', 'rejected', 'timed_out', 'rescinded']);
export type RingOutcome = z.infer<typeof RingOutcome>;
/** How an agent came onto a call someone else answered. */
export const JoinedHow = z.enum(['transfer', 'conference']);
export type JoinedHow = z.infer<typeof JoinedHow>;

/**
 * What the relay learns about a call, in the order it learns it; each becomes part of the call's lasting record in
 * PostgreSQL. Any order gives the same record (a terminate may overtake its connect).
 */
export const RecordEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('offered'),
    callId: CallId,
    customer: z.string().min(1).max(160),
    customerName: z.string().max(200).optional(),
    queue: z.string().max(40).optional(),
    phoneNumberId: z.string().max(40),
    /** When the relay received the call. */
    atMs: AtMs,
    /** Meta's timestamp of the call (whole seconds); absent in events queued by relays before it was kept. */
    metaAtMs: AtMs.optional(),
  }),
  z.object({
    kind: z.literal('placed'),
    callId: CallId,
    customer: z.string().min(1).max(160),
    agentId: AgentId,
    atMs: AtMs,
  }),
  z.object({ kind: z.literal('rang'), callId: CallId, agentIds: z.array(AgentId).min(1).max(1000), atMs: AtMs }),
  z.object({ kind: z.literal('answered'), callId: CallId, agentId: AgentId, atMs: AtMs }),
  /** An agent came onto a call someone else answered: to take it over (transfer) or to join them (conference). */
  z.object({ kind: z.literal('joined'), callId: CallId, agentId: AgentId, how: JoinedHow, atMs: AtMs }),
  /** How a ring at one agent ended: they took it, declined it, it rang out at them, or it was withdrawn. */
  z.object({ kind: z.literal('ring_ended'), callId: CallId, agentId: AgentId, outcome: RingOutcome, atMs: AtMs }),
  z.object({
    kind: z.literal('ended'),
    callId: CallId,
    customer: z.string().min(1).max(160),
    /** Meta's status: COMPLETED or FAILED. */
    status: z.string().max(40),
    billedSeconds: z.number().int().nonnegative().optional(),
    errorCode: z.number().int().optional(),
    /** biz_opaque_callback_data as WhatsApp echoed it, and the payloads of the call button or deep link tapped. */
    callbackData: z.string().max(512).optional(),
    ctaPayload: z.string().max(512).optional(),
    deeplinkPayload: z.string().max(512).optional(),
    atMs: AtMs,
  }),
  /** The team's media server records the call's room (after the consent notice) into this file. */
  z.object({
    kind: z.literal('room_recording'),
    callId: CallId,
    file: z.string().regex(/^[\w.-]{1,200}$/),
    atMs: AtMs,
  }),
  /** What the queue's bot learned before it handed the call to agents (or that it could not take it). */
  z.object({
    kind: z.literal('assistant'),
    callId: CallId,
    ...AssistantNote.shape,
    transcript: BotEscalation.shape.transcript,
    atMs: AtMs,
  }),
  /** A bot handed the call to a queue's agents (it escalated, or it failed): the call waits in `queue` from `atMs`. */
  z.object({ kind: z.literal('handed_over'), callId: CallId, queue: z.string().min(1).max(40), atMs: AtMs }),
  /** A bot took the call: the queue's own bot answering first, or a bot an agent handed the call back to. */
  z.object({
    kind: z.literal('bot_took'),
    callId: CallId,
    bot: z.string().min(1).max(40),
    handBack: z.boolean(),
    atMs: AtMs,
  }),
  /** The customer rated the call (the post-call survey): 1 to 5, for the agent who answered it. */
  z.object({
    kind: z.literal('csat'),
    callId: CallId,
    agentId: AgentId,
    score: z.number().int().min(1).max(5),
    atMs: AtMs,
  }),
  /** The call's queue turned it away without an agent: closed (hours, a holiday), or waited past its maximum. */
  z.object({ kind: z.literal('turned_away'), callId: CallId, reason: TurnedAwayReason, atMs: AtMs }),
  /**
   * A customer's callback, as it stands: offered to the customer (offered), asked for (waiting) or not (declined),
   * placed and connected (completed), given up after its last attempt (failed) or not reached in time (expired).
   * `callId` is the call the queue turned away.
   */
  z.object({
    kind: z.literal('callback'),
    callId: CallId,
    callbackId: z.string().max(32),
    customer: z.string().min(1).max(160),
    queue: z.string().max(40),
    state: z.enum(['offered', 'declined', 'waiting', 'completed', 'failed', 'expired']),
    attempts: z.number().int().min(0).max(10),
    lastFailure: z.string().max(40).optional(),
    agentId: AgentId.optional(),
    placedCallId: CallId.optional(),
    atMs: AtMs,
  }),
  z.object({
    kind: z.literal('wrap_up'),
    callId: CallId,
    agentId: AgentId,
    outcome: z.string().max(80),
    notes: z.string().max(4000),
    atMs: AtMs,
  }),
]);
export type RecordEvent = z.infer<typeof RecordEvent>;

/** How an unanswered call is counted: it rang at agents (missed) or waited in a queue until the caller gave up. */
export const CallResult = z.enum(['answered', 'missed', 'abandoned', 'in_progress', 'outbound']);
export type CallResult = z.infer<typeof CallResult>;
