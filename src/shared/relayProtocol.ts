import { z } from 'zod';
import { RelayRefusalSaid } from './relayRefusals';
import { CallSignal } from './callSignals';
import { CallPermissionResponse } from './graphSchemas';
import { CaptureOption } from './metaCapture';
import { CallButton } from './followUpButton';
import { CallbackFailure } from './queueCallbacks';
import { AgentStatus } from './settingsSchemas';
import { IceServers } from './iceServers';
import { ErasedCustomer, RetentionPolicy } from './retention';

const CallId = z.string().min(1).max(512);
/** A phone number or a business-scoped user ID. */
const CustomerNumber = z.string().min(1).max(160);
const Sdp = z
  .string()
  .min(1)
  .max(64 * 1024);
const Done = z.object({});
/** One of a customer's earlier calls with the team, from the relay's call records. */
export const TeamCall = z.object({
  callId: z.string().max(512),
  direction: z.enum(['inbound', 'outbound']),
  queue: z.string().max(40).optional(),
  offeredAtMs: z.number(),
  answeredBy: z.string().max(200).optional(),
  endedAtMs: z.number().optional(),
  outcome: z.string().max(80).optional(),
  notes: z.string().max(4000).optional(),
});
export type TeamCall = z.infer<typeof TeamCall>;
/** WhatsApp's own recording and transcription of the call (Meta's "Call recording" page). */
const Capture = z.object({ recording: CaptureOption.optional(), transcription: CaptureOption.optional() });

/** Desk -> relay requests, each with the reply the relay gives when it succeeds. */
export const relayRequests = {
  pre_accept: { params: z.object({ callId: CallId, sdp: Sdp }), reply: Done },
  /**
   * Anchored calls: the ringing desk's answer to its leg's offer, sent as soon as it is built, so the leg's media comes
   * up on the media server (at volume 0 in the call's room, nobody else in it yet) before the agent presses Answer.
   * pre_accept carries the same SDP. The relay ignores it for a call a colleague or a bot has already.
   */
  ringing_leg: { params: z.object({ callId: CallId, sdp: Sdp }), reply: Done },
  accept: {
    params: z.object({
      callId: CallId,
      sdp: Sdp,
      capture: Capture.optional(),
    }),
    reply: Done,
  },
  reject: { params: z.object({ callId: CallId }), reply: Done },
  terminate: { params: z.object({ callId: CallId }), reply: Done },
  connect: {
    /** callbackId: the call is the customer's callback this agent accepted. */
    params: z.object({
      to: CustomerNumber,
      sdp: Sdp,
      capture: Capture.optional(),
      callbackId: z.string().max(32).optional(),
    }),
    reply: z.object({ callId: z.string() }),
  },
  permission: { params: z.object({ to: CustomerNumber }), reply: CallPermissionResponse },
  request_permission: { params: z.object({ to: CustomerNumber }), reply: z.object({ messageId: z.string() }) },
  follow_up: {
    params: z.object({
      to: CustomerNumber,
      text: z.string().min(1).max(4096),
      template: z.object({ name: z.string().max(512), language: z.string().max(20) }).optional(),
      callButton: CallButton.optional(),
    }),
    reply: z.object({ messageId: z.string() }),
  },
  /** This agent dealt with a customer's missed calls: colleagues' To call back lists drop them too. */
  missed_handled: { params: z.object({ customer: CustomerNumber }), reply: Done },
  /** On sign-in: which of these customers' missed calls colleagues dealt with, and when (while this desk was away). */
  missed_check: {
    params: z.object({ customers: z.array(CustomerNumber).max(200) }),
    reply: z.object({ handled: z.record(z.string(), z.number()) }),
  },
  /**
   * On sign-in: the customers' post-call survey ratings (CSAT, 1 to 5) of these calls, for the ones this agent took;
   * a rating given while the desk was away reaches its History this way (`call_rated` carries the others).
   */
  call_ratings: {
    params: z.object({ callIds: z.array(CallId).max(200) }),
    reply: z.object({ ratings: z.record(z.string(), z.number().int().min(1).max(5)) }),
  },
  /** Blind transfer of an anchored call to a colleague: they ring, and the call is theirs once they answer. */
  transfer: { params: z.object({ callId: CallId, to: z.string().min(1).max(64) }), reply: Done },
  /**
   * The agent hands the anchored call they hold alone to a bot of its queue (`queue-bot` or a named hand-back bot),
   * with a note for it: the bot joins the room, the agent's leg leaves, the agent wraps the call up.
   */
  hand_to_bot: {
    params: z.object({ callId: CallId, bot: z.string().min(1).max(40), note: z.string().max(500).default('') }),
    reply: z.object({ to: z.string().max(80) }),
  },
  /** Adds an Available colleague to an anchored call (conference): they ring, and join the room when they answer. */
  invite: { params: z.object({ callId: CallId, to: z.string().min(1).max(64) }), reply: Done },
  /**
   * The customer of an anchored call waits in a hold room hearing the team's music (held) or comes back into the
   * call: a consult before a warm transfer. Anyone on the call may ask.
   */
  hold_customer: { params: z.object({ callId: CallId, held: z.boolean() }), reply: Done },
  /** The agent put a call whose media the desk carries itself on hold, or took it back: the board shows it. */
  call_held: { params: z.object({ callId: CallId, held: z.boolean() }), reply: Done },
  /** Colleagues who can take a call now (Available and signed in). */
  colleagues: { params: z.object({}), reply: z.object({ agents: z.array(z.string()).max(1000) }) },
  /**
   * The agent takes the callback offered to them (they then place the call with `connect` and its callbackId) or
   * passes it to the next free agent; `not_placed`: they accepted it but no call could be placed (why says why).
   */
  callback_answer: {
    params: z.object({
      callbackId: z.string().max(32),
      answer: z.enum(['accept', 'decline', 'not_placed']),
      why: CallbackFailure.optional(),
    }),
    reply: z.object({ customer: CustomerNumber }),
  },
  /** The agent's wrap-up of a call they answered or placed, for the team's call records. */
  wrap_up: {
    params: z.object({ callId: CallId, outcome: z.string().max(80), notes: z.string().max(4000) }),
    reply: Done,
  },
  /** The team's earlier calls with a customer (call records), for the ringing card and the call. */
  customer_calls: {
    /** Only for a call of this agent's with that customer. */
    params: z.object({ customer: CustomerNumber, callId: CallId }),
    reply: z.object({ calls: z.array(TeamCall).max(50) }),
  },
} as const;

export type RelayAction = keyof typeof relayRequests;
export const RELAY_ACTIONS = Object.keys(relayRequests) as RelayAction[];
export type RelayParams<A extends RelayAction> = z.infer<(typeof relayRequests)[A]['params']>;
export type RelayReply<A extends RelayAction> = z.infer<(typeof relayRequests)[A]['reply']>;

const RequestId = z.number().int().nonnegative();

/** One request on the wire: `{ type: 'request', id, action, ...params }`. */
const requestMessages = RELAY_ACTIONS.map((action) =>
  relayRequests[action].params.extend({
    type: z.literal('request'),
    id: RequestId,
    action: z.literal(action),
    /** How long the desk waits for the reply: past it, the relay sends nothing to WhatsApp on the desk's behalf. */
    waitMs: z.number().int().min(100).max(120_000).optional(),
  }),
);
export const RelayRequestMessage = z.discriminatedUnion(
  'action',
  requestMessages as unknown as [(typeof requestMessages)[number], ...(typeof requestMessages)[number][]],
);
export type RelayRequestMessage = {
  [A in RelayAction]: { type: 'request'; id: number; action: A; waitMs?: number } & RelayParams<A>;
}[RelayAction];

/** The desk asks to be available, or not ready (busy, away, or one of the team's reasons). */
export const StatusMessage = z.object({
  type: z.literal('status'),
  status: AgentStatus,
  reason: z.string().min(1).max(40).optional(),
});

/** Everything a desk may send the relay. */
export const AgentMessage = z.union([StatusMessage, RelayRequestMessage]);
export type AgentMessage = z.infer<typeof StatusMessage> | RelayRequestMessage;

/** Reads one desk message; undefined when it is not valid JSON or not in the protocol. */
export function parseAgentMessage(text: string): AgentMessage | undefined {
  try {
    const parsed = AgentMessage.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data as AgentMessage) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one relay message; undefined when it is not valid JSON or not in the protocol. */
export function parseRelayMessage(text: string): RelayMessage | undefined {
  try {
    const parsed = RelayMessage.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Everything the relay sends a desk. A reply's data is checked against `relayRequests[action].reply`. */
export const RelayReplyMessage = z.discriminatedUnion('ok', [
  z.object({ type: z.literal('reply'), id: RequestId, ok: z.literal(true), data: z.unknown() }),
  z.object({
    type: z.literal('reply'),
    id: RequestId,
    ok: z.literal(false),
    error: z.string().max(2000),
    /** WhatsApp's error code, when the failure came from WhatsApp. */
    code: z.number().int().optional(),
    /** The relay's refusal by key, for the desk to word in the agent's language (`error` is its English). */
    said: RelayRefusalSaid.optional(),
  }),
]);
export const RelayMessage = z.union([
  z.object({
    type: z.literal('welcome'),
    agentId: z.string(),
    instance: z.string(),
    /** The not-ready reasons this team offers (RELAY_NOT_READY_REASONS); a list outside these bounds is dropped. */
    notReadyReasons: z.array(z.string().min(1).max(40)).max(100).optional().catch(undefined),
    /** The team's wrap-up outcome codes an admin set centrally; absent, the desk keeps its own. */
    wrapUpCodes: z.array(z.string().min(1).max(60)).max(30).optional().catch(undefined),
    /** A call may ring at this agent while they are on another one (a queue of theirs allows call waiting). */
    callWaiting: z.boolean().optional().catch(undefined),
    /**
     * The queues this agent serves now, by name (sent again when an admin changes them); empty: none, so no queue's
     * call rings here. Absent: the relay routes without queues.
     */
    queues: z.array(z.string().max(80)).max(200).optional().catch(undefined),
    /** The team's TURN servers with credentials for this agent, valid for a limited time (RELAY_TURN_URLS). */
    iceServers: IceServers.optional().catch(undefined),
    /** How long the team keeps each kind of data: the desk prunes its own history by it. */
    retention: RetentionPolicy.optional().catch(undefined),
    /** Customers an admin erased (by digest, with when): the desk forgets its calls with them from before then. */
    erasedCustomers: z.array(ErasedCustomer).max(5000).optional().catch(undefined),
  }),
  /** Fresh TURN credentials, sent before the last ones expire: new calls use these. */
  z.object({ type: z.literal('ice_servers'), iceServers: IceServers }),
  z.object({ type: z.literal('event'), event: CallSignal }),
  RelayReplyMessage,
]);
export type RelayMessage = z.infer<typeof RelayMessage>;

/** Between relay instances over Redis pub/sub: a signal for the agents it concerns. */
export const RelayBusMessage = z.object({
  /**
   * offer: ring the targets, or every available agent; direct: the targets only; event: the agents the call was
   * offered to; team: every agent but the targets (the sender).
   */
  kind: z.enum(['offer', 'event', 'direct', 'team']),
  callId: z.string(),
  targets: z.array(z.string()).optional(),
  event: CallSignal,
});
export type RelayBusMessage = z.infer<typeof RelayBusMessage>;
