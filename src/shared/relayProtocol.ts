import { z } from 'zod';
import { AgentStatus } from './settingsSchemas';

/** What the relay tells an agent's desktop about a call. */
export const RelayCallEvent = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call_offered'),
    callId: z.string(),
    from: z.string(),
    callerName: z.string().optional(),
    sdpOffer: z.string(),
    timestampMs: z.number(),
  }),
  z.object({
    type: z.literal('call_terminated'),
    callId: z.string(),
    from: z.string(),
    callerName: z.string().optional(),
    status: z.string(),
    errors: z.array(z.object({ code: z.number(), message: z.string() })),
  }),
  /** Another agent won the call: stop ringing. */
  z.object({ type: z.literal('call_taken'), callId: z.string() }),
  /** For the agent who placed a call: WhatsApp's answer and the customer's phone status. */
  z.object({ type: z.literal('outbound_answered'), callId: z.string(), sdpAnswer: z.string() }),
  z.object({ type: z.literal('outbound_status'), callId: z.string(), status: z.enum(['RINGING', 'ACCEPTED', 'REJECTED']) }),
]);
export type RelayCallEvent = z.infer<typeof RelayCallEvent>;

export const RelayAction = z.enum(['pre_accept', 'accept', 'reject', 'terminate', 'connect', 'permission', 'request_permission']);
export type RelayAction = z.infer<typeof RelayAction>;

export const AgentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: AgentStatus }),
  z.object({
    type: z.literal('request'),
    id: z.number().int().nonnegative(),
    action: RelayAction,
    /** The call; for connect, permission and request_permission, the customer's number instead. */
    callId: z.string().min(1).max(512),
    sdp: z.string().max(64 * 1024).optional(),
  }),
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

export const RelayMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), agentId: z.string(), instance: z.string() }),
  z.object({ type: z.literal('event'), event: RelayCallEvent }),
  z.object({ type: z.literal('reply'), id: z.number(), ok: z.boolean(), error: z.string().optional(), data: z.unknown().optional() }),
]);
export type RelayMessage = z.infer<typeof RelayMessage>;
