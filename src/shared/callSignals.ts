import { z } from 'zod';
import { AccountAlert } from './accountAlerts';
import { AssistantNote } from './botProtocol';
import { CallMediaNotice } from './metaCapture';
import { CallbackOffered, CallbackWithdrawn } from './queueCallbacks';
import { AgentStateName } from './teamState';
import { TurnedAwayReason } from './teamQueues';

/**
 * What the desk learns about its calls, whichever way it is connected: from Meta's webhooks directly,
 * or from a team relay. The call coordinator takes only these.
 */
/** A call and its customer, as both the offer and the end of a call name them. */
const callWithCustomer = {
  callId: z.string(),
  /** The customer's phone number, or their business-scoped user ID when Meta withholds the number. */
  from: z.string(),
  callerName: z.string().optional(),
  callerUsername: z.string().optional(),
  customerUserId: z.string().optional(),
};

export const CallSignal = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call_offered'),
    ...callWithCustomer,
    sdpOffer: z.string(),
    timestampMs: z.number(),
    /** The payload of the call button the customer tapped (cta_payload), up to 512 characters. */
    ctaPayload: z.string().max(512).optional(),
    deeplinkPayload: z.string().max(512).optional(),
    /** The team queue the relay routed the call through, by its name. */
    queue: z.string().max(80).optional(),
    /**
     * How long the customer had waited in that queue when the relay rang this desk (its own clock, from the call
     * reaching the queue or the bot handing it over): the desk shows the wait, not only its own ring.
     */
    waitedMs: z.number().int().nonnegative().optional(),
    /** The business number the customer called (Meta's phone number ID), and its name where a relay has several. */
    phoneNumberId: z.string().max(40).optional(),
    line: z.string().max(80).optional(),
    /** The team relay anchors this call's media on its media server: the offer a desk gets is the server's. */
    anchored: z.boolean().optional(),
    /** A colleague transferring this call to this desk, or adding this desk to it (conference). */
    transferredBy: z.string().max(200).optional(),
    invitedBy: z.string().max(200).optional(),
    /** What the queue's bot learned before it handed the call over ("From the assistant: …"). */
    assistant: AssistantNote.optional(),
    /** The bots the agent may hand this call to once answered ("Hand to …"), by the id the relay takes. */
    assistants: z
      .array(z.object({ id: z.string().max(40), name: z.string().max(80) }))
      .max(11)
      .optional(),
  }),
  z.object({
    type: z.literal('call_terminated'),
    ...callWithCustomer,
    status: z.string(),
    /** BUSINESS_INITIATED for a call the business placed, when Meta says so. */
    direction: z.string().optional(),
    /** The duration Meta bills, in seconds, when it gives one. */
    durationSec: z.number().optional(),
    errors: z.array(z.object({ code: z.number().optional(), message: z.string() })),
    /** The team relay's queue ended the call unanswered (its caller waited past the maximum): no desk missed it. */
    turnedAway: TurnedAwayReason.optional(),
    /** What the business sent with pre_accept/accept (or connect), echoed by WhatsApp; and the payloads tapped. */
    bizOpaque: z.string().max(512).optional(),
    ctaPayload: z.string().max(512).optional(),
    deeplinkPayload: z.string().max(512).optional(),
  }),
  /** WhatsApp's word about the number: a restriction, a warning, changed settings, an error about no one call. */
  z.object({ type: z.literal('account_alert'), alert: AccountAlert, phoneNumberId: z.string().max(40).optional() }),
  /** Another agent won the call: stop ringing. `by` is the agent who took it (History's Agent column). */
  z.object({ type: z.literal('call_taken'), callId: z.string(), by: z.string().max(200).optional() }),
  /** The customer rated this agent's call in the post-call survey (CSAT, 1 to 5), kept with the call record. */
  z.object({ type: z.literal('call_rated'), callId: z.string(), score: z.number().int().min(1).max(5) }),
  /** A supervisor set this agent's status from the board (for example, Away for a desk left Available). */
  z.object({
    type: z.literal('status_set'),
    status: z.enum(['available', 'away']),
    by: z.string().max(200),
    /** One of the team's not-ready reasons the supervisor gave; none: plain away. */
    reason: z.string().max(40).optional(),
  }),
  /** This agent's state as the team relay has it (the desk shows it; only `available` and not ready are asked for). */
  z.object({
    type: z.literal('agent_state'),
    state: AgentStateName,
    reason: z.string().max(40).optional(),
    sinceMs: z.number(),
    /** Answered calls still awaiting this agent's wrap-up, oldest first. */
    wrapUps: z.array(z.string().max(512)).max(64),
    /** Reserved for a queue's callback (offered to them, or taken and not yet placed), not a customer's ringing call. */
    holdingCallback: z.boolean().optional(),
  }),
  /** The colleague this desk transferred the call to has it now: the call leaves this desk. */
  z.object({ type: z.literal('call_transferred'), callId: z.string(), to: z.string().max(200) }),
  /** Who else is on this conference call now (the desk's own agent apart). */
  z.object({ type: z.literal('conference'), callId: z.string(), with: z.array(z.string().max(200)).max(20) }),
  /** The customer of this anchored call is in the hold room (hearing music) or back in the call; `by` asked. */
  z.object({ type: z.literal('customer_held'), callId: z.string(), held: z.boolean(), by: z.string().max(200) }),
  /**
   * A supervisor barged into this call (the customer and the agents hear them), whispers to the agent (`whispering`:
   * only the agent hears them), or went back to listening or left (`supervisor` empty).
   */
  z.object({
    type: z.literal('supervisor_on_call'),
    callId: z.string(),
    supervisor: z.string().max(200),
    whispering: z.boolean().optional(),
  }),
  /** For the relay instance that has the customer's media leg: move it to the hold room or back. */
  z.object({ type: z.literal('customer_hold_wanted'), callId: z.string(), held: z.boolean(), by: z.string().max(200) }),
  /**
   * For the relay instance that has this desk's media leg: WhatsApp accepted the call through another instance (the
   * desk reconnected there between pre_accept and accept), so the desk's voice goes into the room now.
   */
  z.object({ type: z.literal('desk_heard_wanted'), callId: z.string(), agentId: z.string().max(200) }),
  /** The colleague did not take the transfer: the call stays with this desk. */
  z.object({ type: z.literal('transfer_declined'), callId: z.string(), to: z.string().max(200) }),
  /**
   * The call stopped ringing at this desk and the team relay offered it to a colleague: not answered in time, or
   * (`because: 'not_ready'`) the agent went not ready or a supervisor set them away while it rang.
   */
  z.object({
    type: z.literal('call_passed_on'),
    callId: z.string(),
    afterSec: z.number().nonnegative(),
    because: z.enum(['not_ready']).optional(),
  }),
  /** For the agent who placed a call: WhatsApp's answer and the customer's phone status. */
  z.object({ type: z.literal('outbound_answered'), callId: z.string(), sdpAnswer: z.string() }),
  /** The customer answered a call-permission request. */
  z.object({
    type: z.literal('permission_reply'),
    customer: z.string(),
    response: z.enum(['accept', 'reject']),
    permanent: z.boolean(),
    expiresAtMs: z.number().optional(),
  }),
  /** A colleague dealt with this customer's missed calls (called back, messaged, or marked them done). */
  z.object({
    type: z.literal('missed_handled'),
    customer: z.string().min(1).max(160),
    atMs: z.number(),
    by: z.string().max(200).optional(),
  }),
  /** WhatsApp's own recording or transcript of an ended call is ready to download. */
  CallMediaNotice.extend({ type: z.literal('call_media') }),
  z.object({
    type: z.literal('outbound_status'),
    callId: z.string(),
    status: z.enum(['RINGING', 'ACCEPTED', 'REJECTED']),
    bizOpaque: z.string().max(512).optional(),
  }),
  /** A customer's callback, offered to this agent (team relay), and its withdrawal. */
  CallbackOffered,
  CallbackWithdrawn,
]);
export type CallSignal = z.infer<typeof CallSignal>;
