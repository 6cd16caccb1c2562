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
]);
export type RelayCallEvent = z.infer<typeof RelayCallEvent>;

export const RelayAction = z.enum(['pre_accept', 'accept', 'reject', 'terminate']);
export type RelayAction = z.infer<typeof RelayAction>;

export const AgentMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('status'), status: AgentStatus }),
  z.object({
    type: z.literal('request'),
    id: z.number().int().nonnegative(),
    action: RelayAction,
    callId: z.string().min(1).max(512),
    sdp: z.string().max(64 * 1024).optional(),
  }),
]);
export type AgentMessage = z.infer<typeof AgentMessage>;

export const RelayMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('welcome'), agentId: z.string(), instance: z.string() }),
  z.object({ type: z.literal('event'), event: RelayCallEvent }),
  z.object({ type: z.literal('reply'), id: z.number(), ok: z.boolean(), error: z.string().optional() }),
]);
export type RelayMessage = z.infer<typeof RelayMessage>;
