import { z } from 'zod';
import { AssistantNote } from './botProtocol';
import { CallbackOffered } from './queueCallbacks';
import { ReceivedAccountAlert } from './accountAlerts';
import { isPhoneNumber, isUserId } from './graphSchemas';
import { QualitySample } from './callQuality';
import { CallingSettingsChange, CallingSettingsView } from './callingSettings';
import { CallPhase, EndReason } from './callMachine';
import { CustomerSummary, HistoryEntry, HistoryQuery } from './historySchemas';
import {
  AgentPreferences,
  ConnectionForm,
  ConnectionMode,
  ConnectionTest,
  SaveResult,
  SettingsView,
  TunnelMode,
} from './settingsSchemas';
import { Activity, AgentStateName } from './teamState';
import { Sentence } from './sentence';
import { ShortcutAction } from './shortcuts';
import { IceServers, IceTransportPolicy } from './iceServers';
import { TurnSaveResult, TurnSettingsForm, TurnSettingsView } from './turnSettings';
import type { EventChannelName, InvokeChannelName } from './ipcChannels';

export const CallView = z.object({
  callId: z.string(),
  /** The team erased this customer: the page drops the ended call (its card and number) at once. */
  forgotten: z.literal(true).optional(),
  direction: z.enum(['inbound', 'outbound']),
  /** The customer's phone number, or their business-scoped user ID when Meta withholds the number. */
  from: z.string(),
  callerName: z.string().optional(),
  /** The customer's WhatsApp username, shown as @username when there is no number. */
  callerUsername: z.string().optional(),
  customerUserId: z.string().optional(),
  phase: CallPhase,
  endReason: EndReason.optional(),
  /** What went wrong, in words an agent can act on. */
  message: z.string().optional(),
  /** The same, as messages the page words in the agent's language. */
  said: z.array(Sentence).max(4).optional(),
  sdpOffer: z.string().optional(),
  offeredAtMs: z.number(),
  answeredAtMs: z.number().optional(),
  endedAtMs: z.number().optional(),
  /** What Meta bills for the call, in seconds, from its terminate webhook. */
  billedDurationSec: z.number().optional(),
  /** Worst quality figures seen so far. */
  quality: QualitySample.optional(),
  /** Offered while the agent was away: it rings out without ringing here. */
  silent: z.boolean().optional(),
  /** Outbound calls: WhatsApp's answer to the desk's offer. */
  sdpAnswer: z.string().optional(),
  /** On hold since then: the caller hears hold music, the agent is on another call or away from this one. */
  heldSinceMs: z.number().optional(),
  /** WhatsApp was asked to record and/or transcribe this call (it announces that to both sides). */
  captured: z.array(z.enum(['recording', 'transcription'])).optional(),
  /** The missed call whose follow-up message this customer called back from (its call button). */
  followUpOf: z.string().optional(),
  /** biz_opaque_callback_data as sent to WhatsApp or echoed back, and the payloads of the button or link tapped. */
  callbackData: z.string().max(512).optional(),
  ctaPayload: z.string().max(512).optional(),
  deeplinkPayload: z.string().max(512).optional(),
  /** The team queue that routed the call to this desk. */
  queue: z.string().max(80).optional(),
  /** Since when the customer has waited for an agent, on this desk's clock (longer than the ring after a queue wait). */
  waitingSinceMs: z.number().optional(),
  /** The business number the customer called, by the name the relay's operator gave it. */
  line: z.string().max(80).optional(),
  /** The team relay anchors this call's media on its media server: it can be transferred. */
  anchored: z.boolean().optional(),
  /** What the queue's bot learned before it handed the call to the team ("From the assistant: …"). */
  assistant: AssistantNote.optional(),
  /** The bots the agent may hand this call to (team relay, anchored media): "Hand to assistant". */
  assistants: z
    .array(z.object({ id: z.string().max(40), name: z.string().max(80) }))
    .max(11)
    .optional(),
  /** The bot this desk handed the call to ("Hand to assistant"): the call ended here with it. */
  handedTo: z.string().max(80).optional(),
  /** The colleague who transferred this call here, and the one this desk is transferring it to. */
  transferredBy: z.string().optional(),
  transferringTo: z.string().optional(),
  /** A transfer the colleague did not take. */
  transferDeclinedBy: z.string().optional(),
  /** Conference: the colleague who added this desk, and who else is on the call. */
  invitedBy: z.string().optional(),
  conferenceWith: z.array(z.string()).optional(),
  /** The customer waits in the team's hold room, hearing music. */
  customerHeld: z.boolean().optional(),
  /** A supervisor barged in: the customer and the agent hear them. */
  supervisorOnCall: z.string().optional(),
  /** That supervisor whispers: only the agent hears them, the customer does not. */
  supervisorWhispering: z.boolean().optional(),
  /** A colleague this desk asked to join the call, until they answer. */
  inviting: z.string().optional(),
  /** Team relay: the agent who took the call (this desk's agent, or the colleague who won it). */
  agent: z.string().max(200).optional(),
});
export type CallView = z.infer<typeof CallView>;

export const ActionResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  /** `detail` is the technical account, behind a "Details" disclosure (also in the log). */
  z.object({
    ok: z.literal(false),
    error: z.string(),
    detail: z.string().max(2000).optional(),
    /** The failure as messages the page words in the agent's language, one after the other (`error` is English). */
    said: z.array(Sentence).max(4).optional(),
  }),
]);
export type ActionResult = z.infer<typeof ActionResult>;

export const PermissionView = z.object({
  status: z.enum(['no_permission', 'temporary', 'permanent', 'unknown']),
  canCall: z.boolean(),
  canRequest: z.boolean(),
  /** WhatsApp allows one request a day and two a week: when the next one may go out, if not now. */
  nextRequestAtMs: z.number().optional(),
});
export type PermissionView = z.infer<typeof PermissionView>;

export const PermissionReply = z.object({
  customer: z.string(),
  response: z.enum(['accept', 'reject']),
  permanent: z.boolean(),
  expiresAtMs: z.number().optional(),
});
export type PermissionReply = z.infer<typeof PermissionReply>;

/** A customer's callback the team relay offers this agent: call them back, or pass it to a colleague. */
export const CallbackOffer = CallbackOffered.omit({ type: true }).extend({
  /** The agent took it and its call is not placed (a check failed): theirs to try again or pass, for a while. */
  inHand: z.boolean().optional(),
});
export type CallbackOffer = z.infer<typeof CallbackOffer>;

export const DialResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), callId: z.string() }),
  z.object({
    ok: z.literal(false),
    error: z.string(),
    detail: z.string().max(2000).optional(),
    said: z.array(Sentence).max(4).optional(),
    permission: PermissionView.optional(),
  }),
]);
export type DialResult = z.infer<typeof DialResult>;

/** Whom a call can go to: a WhatsApp number in digits with country code, or a business-scoped user ID. */
const WhatsAppNumber = z
  .string()
  .refine((v) => isPhoneNumber(v) || isUserId(v), 'a WhatsApp number in digits with country code, or a user ID');

export const WebhookStatus = z.object({
  listening: z.boolean(),
  localUrl: z.string().optional(),
  /** The address to paste into Meta's dashboard, once there is one Meta can reach. */
  callbackUrl: z.string().optional(),
  verifyToken: z.string().optional(),
  tunnel: TunnelMode,
  tunnelState: z.enum(['off', 'starting', 'up', 'error']),
  tunnelError: z.string().optional(),
  receivedCount: z.number(),
  rejectedCount: z.number(),
  /** Events for a phone number other than this desk's, ignored. */
  otherNumberCount: z.number().optional(),
  lastEventAtMs: z.number().optional(),
  verifiedAtMs: z.number().optional(),
  lastRejection: z.object({ atMs: z.number(), status: z.number(), reason: z.string() }).optional(),
  /** Parts of Meta's deliveries this phone could not read, and the last one. */
  unparsedCount: z.number().optional(),
  lastUnparsed: z.object({ atMs: z.number(), path: z.string(), reason: z.string(), sample: z.string() }).optional(),
});
export type WebhookStatus = z.infer<typeof WebhookStatus>;

export const RelayStatus = z.object({
  connected: z.boolean(),
  url: z.string().optional(),
  /** The agent this desk is signed in as, from the relay's welcome (History names who took each call). */
  agentId: z.string().max(200).optional(),
  /** Why the desk is not connected, for the agent. */
  error: Sentence.optional(),
  /** The not-ready reasons the team offers, as the relay last said when this desk signed in. */
  notReadyReasons: z.array(z.string().min(1).max(40)).max(100).optional(),
  /** The team's wrap-up outcome codes, when an admin set them centrally: they replace the desk's own. */
  wrapUpCodes: z.array(z.string().min(1).max(60)).max(30).optional(),
  /** A call may ring at this agent while they are on another one (a queue of theirs allows call waiting). */
  callWaiting: z.boolean().optional(),
  /** The queues the agent serves, as the relay said when this desk signed in; empty: none (absent: not said). */
  queues: z.array(z.string().max(80)).max(200).optional(),
});
export type RelayStatus = z.infer<typeof RelayStatus>;

/** Team mode: this agent's state as the relay last told it (since `sinceMs`, the relay's clock). */
export const TeamDeskState = z.object({
  state: AgentStateName,
  reason: z.string().max(40).optional(),
  sinceMs: z.number(),
  /** The not-ready reason this desk asked for; absent when it asked to be available (or plain Busy or Away). */
  chosenReason: z.string().min(1).max(40).optional(),
  /** Reserved for a queue's callback rather than a ringing call (the relay's word). */
  holdingCallback: z.boolean().optional(),
});
export type TeamDeskState = z.infer<typeof TeamDeskState>;

/** The desk's sign-in with the company account through the system browser, as main holds it (never the token). */
export const CompanySignInState = z.object({
  state: z.enum(['waiting', 'signed_in', 'failed']),
  said: Sentence.optional(),
});
export type CompanySignInState = z.infer<typeof CompanySignInState>;

export const AppStatus = z.object({
  configured: z.boolean(),
  mode: ConnectionMode,
  relay: RelayStatus.optional(),
  /** Connected to a team relay that has told this desk the agent's state. */
  team: TeamDeskState.optional(),
  /** Settings or start-up problems the agent must fix before calls can arrive. */
  problems: z.array(Sentence),
  companySignIn: CompanySignInState.optional(),
  /** Things the agent should know that do not stop calls (a damaged file set aside, history not saved). */
  notices: z.array(Sentence),
  /** STUN and TURN servers for calls: the desk's own (WA_ICE_SERVERS) and the team relay's TURN with credentials. */
  iceServers: IceServers,
  /** `relay`: calls offer relay candidates only, so every call's audio goes through TURN (WA_ICE_TRANSPORT_POLICY). */
  iceTransportPolicy: IceTransportPolicy,
  mediaTimeoutMs: z.number(),
  webhook: WebhookStatus,
  /** Missed calls not yet called back or marked done (the History tab's badge). */
  toCallBack: z.number().int(),
  /**
   * After-call work in progress: the answered calls still to write up, in the order they ended. No call rings for
   * the agent until every one is saved (or the automatic return, counted from the latest call's end, passes).
   */
  wrapUp: z
    .object({
      calls: z
        .array(
          z.object({
            callId: z.string(),
            sinceMs: z.number(),
            /** What the agent entered so far, for a desk page opened again. */
            draft: z.object({ outcome: z.string(), notes: z.string() }).optional(),
          }),
        )
        .min(1),
      autoReturnAtMs: z.number().optional(),
    })
    .optional(),
  /** What WhatsApp said of the token, the number and its calling settings at the last check (direct mode). */
  connectionCheck: z.object({
    state: z.enum(['pending', 'ok', 'failed']),
    problem: z.string().optional(),
    /** The problem as the page's message, when main has one for it. */
    said: Sentence.optional(),
  }),
  /** Meta's verification or a signed event has come in since this callback URL was set (kept across restarts). */
  callbackReached: z.boolean(),
  preferences: AgentPreferences,
  /** The supervisor who set this agent's status from the board, until the agent sets it again. */
  statusSetBy: z.string().max(200).optional(),
  /** WhatsApp's word about the number (restrictions, warnings, errors about no one call), newest first. */
  accountAlerts: z.array(ReceivedAccountAlert).max(20).optional(),
});
export type AppStatus = z.infer<typeof AppStatus>;

const CallIdRequest = z.object({ callId: z.string().min(1).max(512) });
const Empty = z.object({});

/** Renderer -> main requests that answer. Main validates every request against these schemas. */
export const invokeContract = {
  'call:answer': {
    request: CallIdRequest.extend({
      sdpAnswer: z
        .string()
        .min(1)
        .max(64 * 1024),
      /** Where the desk asks per call: the agent ticked "Record this call". */
      capture: z.boolean().optional(),
    }),
    response: ActionResult,
  },
  /** An anchored call ringing here: the answer the page built, so the desk's leg connects before Answer. */
  'call:ringingLeg': {
    request: CallIdRequest.extend({
      sdpAnswer: z
        .string()
        .min(1)
        .max(64 * 1024),
    }),
    response: ActionResult,
  },
  'call:reject': { request: CallIdRequest, response: ActionResult },
  'call:hangup': { request: CallIdRequest, response: ActionResult },
  'call:mediaFailed': {
    /** `said` is for the agent, kept and worded in their language; `reason` its English and `detail` for the log. */
    request: CallIdRequest.extend({
      reason: z.string().min(1).max(500),
      said: Sentence,
      detail: z.string().max(4000).optional(),
    }),
    response: ActionResult,
  },
  'call:hold': { request: CallIdRequest.extend({ held: z.boolean() }), response: ActionResult },
  'call:transfer': {
    request: CallIdRequest.extend({
      to: z.string().min(1).max(64),
      conference: z.boolean().optional(),
      /** Consult first: the customer waits on the team's hold music while the colleague joins. */
      consult: z.boolean().optional(),
    }),
    response: ActionResult,
  },
  /** The agent hands the anchored team call to one of its queue's bots, with a note for it; the call leaves the desk. */
  'call:handToBot': {
    request: CallIdRequest.extend({ bot: z.string().min(1).max(40), note: z.string().max(500) }),
    response: ActionResult,
  },
  /** The customer of an anchored team call to the hold room (music) or back into the call. */
  'call:holdCustomer': { request: CallIdRequest.extend({ held: z.boolean() }), response: ActionResult },
  /** Team relay: the agent asks to be available, or not ready for one of the team's reasons. */
  'team:status': { request: Activity, response: ActionResult },
  /** Colleagues available to take a transfer (team relay). */
  'team:colleagues': { request: z.object({}), response: z.object({ agents: z.array(z.string()) }) },
  /** Checked by the handler (WrapUp), so a note too long gets its sentence back rather than a refused request. */
  'call:wrapUp': {
    request: CallIdRequest.extend({ outcome: z.string().max(200), notes: z.string().max(100_000) }),
    response: ActionResult,
  },
  /** The agent wrote in a wrap-up (notes or an outcome): the automatic return to Available waits for Save. */
  'call:wrapUpKeep': { request: CallIdRequest, response: ActionResult },
  /** What the agent has entered in a wrap-up so far, kept by main until it is saved. */
  'call:wrapUpDraft': {
    request: CallIdRequest.extend({ outcome: z.string().max(200), notes: z.string().max(100_000) }),
    response: ActionResult,
  },
  'call:quality': { request: CallIdRequest.extend({ sample: QualitySample }), response: ActionResult },
  'call:dial': {
    request: z.object({
      /** The call is the customer's callback the agent took (team relay). */
      callbackId: z.string().max(32).optional(),
      /** Where the desk asks per call: the agent ticked "Record this call" in the dial box. */
      capture: z.boolean().optional(),
      to: WhatsAppNumber,
      sdpOffer: z
        .string()
        .min(1)
        .max(64 * 1024),
    }),
    response: DialResult,
  },
  'call:permission': { request: z.object({ to: WhatsAppNumber }), response: PermissionView },
  'call:requestPermission': { request: z.object({ to: WhatsAppNumber }), response: ActionResult },
  /** The callbacks offered to this agent now (a reloaded page asks; `callbacks:offered` says each change). */
  'callbacks:list': { request: Empty, response: z.array(CallbackOffer).max(50) },
  /** The agent passes on a callback offered to them or in hand (`call:dial` with its callbackId takes it). */
  'callback:answer': {
    request: z.object({ callbackId: z.string().max(32), answer: z.enum(['accept', 'decline']) }),
    response: ActionResult,
  },
  'calls:list': { request: Empty, response: z.array(CallView) },
  'app:status': { request: Empty, response: AppStatus },
  'settings:get': { request: Empty, response: SettingsView },
  'settings:save': { request: ConnectionForm, response: SaveResult },
  'settings:testConnection': { request: Empty, response: ConnectionTest },
  /**
   * Signs in with the company account at the relay (the form's addresses, else the stored ones): main listens on
   * loopback for the browser's return and keeps the token. `url` is for the browser host's page to open in a tab.
   */
  'settings:companySignIn': {
    request: z.object({ relayUrls: z.string().max(4000) }),
    response: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), url: z.string().url().max(8000).optional() }),
      z.object({ ok: z.literal(false), field: z.string().max(40), error: z.string().max(200) }),
    ]),
  },
  'settings:callingRead': { request: Empty, response: CallingSettingsView },
  'settings:callingSave': { request: CallingSettingsChange, response: CallingSettingsView },
  'preferences:save': { request: AgentPreferences.partial(), response: AgentPreferences },
  /** The desk's own TURN servers (direct mode): the secret never comes back, only whether one is set. */
  'settings:turnGet': { request: Empty, response: TurnSettingsView },
  'settings:turnSave': { request: TurnSettingsForm, response: TurnSaveResult },
  'settings:holdMusicGet': {
    request: Empty,
    response: z.object({ name: z.string().optional(), dataBase64: z.string().optional() }),
  },
  /** An empty dataBase64 goes back to the built-in loop. The page has decoded the file before sending it. */
  'settings:holdMusicSave': {
    request: z.object({ name: z.string().max(255), dataBase64: z.string().max(12 * 1024 * 1024) }),
    response: ActionResult,
  },
  /** Electron: opens an https address in the system browser (the browser host opens a tab itself). */
  'app:openExternal': { request: z.object({ url: z.string().url().max(4000) }), response: ActionResult },
  'history:customer': {
    request: z.object({ customer: z.string().min(1).max(100), callId: z.string().max(200) }),
    response: CustomerSummary,
  },
  'history:toCallBack': { request: Empty, response: z.array(HistoryEntry) },
  'history:markDone': { request: CallIdRequest, response: ActionResult },
  'history:followUp': { request: CallIdRequest, response: ActionResult },
  'history:list': { request: HistoryQuery, response: z.array(HistoryEntry) },
  'history:exportCsv': { request: HistoryQuery, response: z.string() },
  /** WhatsApp's recording of a call, for the history's player. */
  'history:recording': {
    request: CallIdRequest,
    response: z.discriminatedUnion('ok', [
      z.object({ ok: z.literal(true), mimeType: z.string(), dataBase64: z.string() }),
      z.object({ ok: z.literal(false), error: z.string(), said: z.array(Sentence).max(4).optional() }),
    ]),
  },
  /** Fetches a call's recording and transcript again after a failure. */
  'history:retryMedia': { request: CallIdRequest, response: ActionResult },
} as const satisfies Record<InvokeChannelName, { request: z.ZodType; response: z.ZodType }>;

/** Main -> renderer pushes. */
export const eventContract = {
  'call:updated': CallView,
  'app:status': AppStatus,
  'shortcut:pressed': z.object({ action: ShortcutAction }),
  /** A customer answered a call-permission request. */
  'permission:replied': PermissionReply,
  /** The customers' callbacks offered to this agent now (team relay), the oldest call first. */
  'callbacks:offered': z.array(CallbackOffer).max(50),
  /** Callbacks handed back to wait for the customer's call permission that the relay withdrew or an erasure took. */
  'callbacks:gone': z.object({ callbackIds: z.array(z.string().max(32)).max(100) }),
  /** A history row changed outside the agent's actions (WhatsApp's recording arrived). */
  'history:changed': z.object({ callId: z.string() }),
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
  /** Where the page talks to a separate process (the browser host): whether that process still answers. */
  onLink?(listener: (up: boolean) => void): () => void;
  /** Browser host only: whether this page is the phone's one window (a second is refused until the first closes). */
  onWindow?(listener: (isTheWindow: boolean) => void): () => void;
  /** Browser host only: the host refused this page's sign-in (it was restarted, or the cookie is gone). */
  onSignInRefused?(listener: () => void): () => void;
}

export type InvokeHandlers = { [C in InvokeChannel]: (request: InvokeRequest<C>) => Promise<InvokeResponse<C>> };
