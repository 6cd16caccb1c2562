import { z } from 'zod';

const Id = z.string().min(1).max(512);

/** What an agent asked to be: ready for calls, or not ready for a reason the operator lists. */
export const Activity = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('available') }),
  z.object({ kind: z.literal('not_ready'), reason: z.string().min(1).max(40) }),
]);
export type Activity = z.infer<typeof Activity>;

/** The one state the relay gives an agent; the desk asks only for `available` or `not_ready`. */
export const AgentStateName = z.enum(['offline', 'available', 'reserved', 'on_call', 'after_call_work', 'not_ready']);
export type AgentStateName = z.infer<typeof AgentStateName>;

/** One agent as the relay keeps them (in Redis), changed only together with the events that cause it. */
export const AgentRecord = z.object({
  id: Id,
  activity: Activity,
  /** A desk is signed in as this agent (liveness is renewed apart, by the heartbeat). */
  connected: z.boolean(),
  /** Calls ringing at this agent now (pending reservations). */
  reservations: z.array(Id).max(8),
  /** Calls this agent is on. */
  calls: z.array(Id).max(8),
  /** Answered calls awaiting this agent's wrap-up, oldest first. */
  wrapUps: z.array(Id).max(64),
  state: AgentStateName,
  reason: z.string().max(40).optional(),
  /** When `state` (with its reason) last changed. */
  sinceMs: z.number(),
  /** When the agent last became available, for longest-idle routing. */
  idleSinceMs: z.number(),
});
export type AgentRecord = z.infer<typeof AgentRecord>;

export const ReservationStatus = z.enum(['pending', 'accepted', 'rejected', 'timed_out', 'rescinded']);
export type ReservationStatus = z.infer<typeof ReservationStatus>;

/**
 * Why an agent rings: to answer the customer, take a transfer, be consulted, or join a conference; or a queue's
 * callback offered to them (pending while it rings and while they place its call).
 */
export const ReservationPurpose = z.enum(['answer', 'transfer', 'consult', 'conference', 'callback']);
export type ReservationPurpose = z.infer<typeof ReservationPurpose>;

/** `whispering`: a supervisor heard by the agent alone, never by the customer (coaching). */
export const PartyRole = z.enum(['owner', 'consulted', 'conference', 'listening', 'whispering', 'barged']);
export type PartyRole = z.infer<typeof PartyRole>;

export const Party = z.object({
  id: Id,
  /** Supervisors listen, whisper and barge; agents own, are consulted or conferenced; a bot an agent handed the call to owns it. */
  kind: z.enum(['agent', 'supervisor', 'bot']),
  role: PartyRole,
  sinceMs: z.number(),
});
export type Party = z.infer<typeof Party>;

/** One call as the relay keeps it: its phase, the customer, every reservation and every party. */
export const CallRecord = z.object({
  id: Id,
  phase: z.enum(['ringing', 'answered', 'ended']),
  queue: z.string().max(40).optional(),
  /** The call's queue lets an agent on a call take one more, waiting. */
  waitingAllowed: z.boolean(),
  customerHeld: z.boolean(),
  /** When the agent put the customer on hold (kept while held): the board counts the hold's time from it. */
  customerHeldSinceMs: z.number().optional(),
  reservations: z.array(
    z.object({
      agentId: Id,
      purpose: ReservationPurpose,
      status: ReservationStatus,
      /** Who asked for a transfer, consult or conference. */
      by: Id.optional(),
      sinceMs: z.number(),
    }),
  ),
  parties: z.array(Party),
  /** Agents who were given this call's wrap-up (exactly once each). */
  wrapUpsGiven: z.array(Id),
  offeredAtMs: z.number(),
});
export type CallRecord = z.infer<typeof CallRecord>;
