import { z } from 'zod';
import { CallPhase, EndReason } from './callMachine';
import type { EventChannelName, InvokeChannelName } from './ipcChannels';

export const CallView = z.object({
  callId: z.string(),
  direction: z.enum(['inbound', 'outbound']),
  from: z.string(),
  callerName: z.string().optional(),
  phase: CallPhase,
  endReason: EndReason.optional(),
  /** What went wrong, in words an agent can act on. */
  message: z.string().optional(),
  sdpOffer: z.string().optional(),
  offeredAtMs: z.number(),
  answeredAtMs: z.number().optional(),
  endedAtMs: z.number().optional(),
});
export type CallView = z.infer<typeof CallView>;

export const ActionResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);
export type ActionResult = z.infer<typeof ActionResult>;

export const AppStatus = z.object({
  webhookUrl: z.string().optional(),
  /** Settings or start-up problems the agent must fix before calls can arrive. */
  problems: z.array(z.string()),
  iceServers: z.array(z.object({ urls: z.union([z.string(), z.array(z.string())]) })),
});
export type AppStatus = z.infer<typeof AppStatus>;

const CallIdRequest = z.object({ callId: z.string().min(1).max(512) });
const Empty = z.object({});

/** Renderer -> main requests that answer. Main validates every request against these schemas. */
export const invokeContract = {
  'call:answer': {
    request: CallIdRequest.extend({ sdpAnswer: z.string().min(1).max(64 * 1024) }),
    response: ActionResult,
  },
  'call:reject': { request: CallIdRequest, response: ActionResult },
  'call:hangup': { request: CallIdRequest, response: ActionResult },
  'call:mediaFailed': {
    request: CallIdRequest.extend({ reason: z.string().min(1).max(500) }),
    response: ActionResult,
  },
  'calls:list': { request: Empty, response: z.array(CallView) },
  'app:status': { request: Empty, response: AppStatus },
} as const satisfies Record<InvokeChannelName, { request: z.ZodType; response: z.ZodType }>;

/** Main -> renderer pushes. */
export const eventContract = {
  'call:updated': CallView,
} as const satisfies Record<EventChannelName, z.ZodType>;

export type InvokeChannel = keyof typeof invokeContract;
export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof invokeContract)[C]['request']>;
export type InvokeResponse<C extends InvokeChannel> = z.infer<(typeof invokeContract)[C]['response']>;
export type EventChannel = keyof typeof eventContract;
export type EventPayload<C extends EventChannel> = z.infer<(typeof eventContract)[C]>;


/** What the preload exposes as `window.softphone`, and what the browser host's bridge implements too. */
export interface SoftphoneApi {
  invoke<C extends InvokeChannel>(channel: C, request: InvokeRequest<C>): Promise<InvokeResponse<C>>;
  on<C extends EventChannel>(channel: C, listener: (payload: EventPayload<C>) => void): () => void;
}

export type InvokeHandlers = { [C in InvokeChannel]: (request: InvokeRequest<C>) => Promise<InvokeResponse<C>> };
