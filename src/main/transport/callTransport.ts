import type { TeamCall } from '../../shared/relayProtocol';
import type { CallingSettingsChange, CallingSettingsView } from '../../shared/callingSettings';
import type { CallSignal } from '../../shared/callSignals';
import type { CallPermissionResponse } from '../../shared/graphSchemas';
import type { CallButton } from '../../shared/followUpButton';
import type { CallMediaNotice, CaptureRequest } from '../../shared/metaCapture';
import type { RelayStatus, WebhookStatus } from '../../shared/ipcContract';
import type { IceServer } from '../../shared/iceServers';
import type { AgentStatus, ConnectionTest } from '../../shared/settingsSchemas';
import type { Sentence } from '../../shared/sentence';
import type { TeamDataPolicy } from '../../shared/retention';
import type { Logger } from '../../whatsapp/logger';
import type { CallbackFailure } from '../../shared/queueCallbacks';

/** What the call coordinator asks of WhatsApp, whoever carries it there. */
export interface CallActions {
  /** `callbackData` is biz_opaque_callback_data, echoed by WhatsApp in the call's later webhooks. */
  preAccept(callId: string, sdpAnswer: string, callbackData?: string): Promise<void>;
  /** `capture` asks WhatsApp to record and/or transcribe the call itself. */
  accept(callId: string, sdpAnswer: string, capture?: CaptureRequest, callbackData?: string): Promise<void>;
  reject(callId: string): Promise<void>;
  terminate(callId: string): Promise<void>;
  /** `callbackId`: the call is a customer's callback this agent took (team relay). */
  connect(
    to: string,
    sdpOffer: string,
    capture?: CaptureRequest,
    callbackData?: string,
    callbackId?: string,
  ): Promise<{ callId: string }>;
  callPermission(to: string): Promise<CallPermissionResponse>;
  requestCallPermission(to: string): Promise<{ messageId: string }>;
  /** A WhatsApp message to the customer (a missed call's follow-up); the template where the 24 h window closed. */
  sendFollowUp(
    to: string,
    text: string,
    template?: { name: string; language: string },
    callButton?: CallButton,
  ): Promise<{ messageId: string }>;
  /** Team relay: blind transfer of an anchored call to a colleague, or adding them to it (conference). */
  transfer?(callId: string, to: string, conference?: boolean): Promise<void>;
  /** The customer of an anchored call to the team's hold room (music) or back (team relay). */
  holdCustomer?(callId: string, held: boolean): Promise<void>;
  /** A call whose media the desk carries itself went on hold or came back (team relay: the board shows it). */
  callHeld?(callId: string, held: boolean): Promise<void>;
  /** An anchored call ringing here: the desk's answer to its leg's offer, so the leg's media starts before Answer. */
  ringingLeg?(callId: string, sdpAnswer: string): Promise<void>;
  /**
   * Team relay: the agent takes the callback offered to them, passes it on, or could not place its call (why);
   * resolves with the customer.
   */
  answerCallback?(
    callbackId: string,
    answer: 'accept' | 'decline' | 'not_placed',
    why?: CallbackFailure,
  ): Promise<{ customer: string }>;
  /** Team relay: the anchored call to one of its queue's bots, with the agent's note; resolves with the bot's name. */
  handToBot?(callId: string, bot: string, note: string): Promise<string>;
}

/** How the connection looks from the status line: what to fix, and the webhook or relay details. */
export interface TransportStatus {
  problems: Sentence[];
  relay?: RelayStatus;
  webhook?: Partial<WebhookStatus>;
  /** ICE servers this way of calling provides: the team relay's TURN servers with the agent's own credentials. */
  iceServers?: IceServer[];
}

/**
 * One way of reaching WhatsApp: directly (Graph API + this desk's webhook server) or through a team relay.
 * Chosen once from the settings and replaced when they change; the coordinator never knows which it has.
 */
export interface CallTransport extends CallActions {
  status(): TransportStatus;
  /** Tells the other side (a relay) whether this desk takes calls, and a team's not-ready reason for not. */
  setAgentStatus(status: AgentStatus, reason?: string): void;
  test(): Promise<ConnectionTest>;
  /** Team relay: tells colleagues this agent dealt with a customer's missed calls. */
  missedHandled?(customer: string): Promise<void>;
  /** Team relay: colleagues who can take a call now. */
  colleagues?(): Promise<string[]>;
  /** Team relay: the agent's wrap-up, for the team's call records. */
  wrapUp?(callId: string, outcome: string, notes: string): Promise<void>;
  /** Team relay: the customer's earlier calls with the whole team, read for a call of this desk's with them. */
  teamCalls?(customer: string, callId: string): Promise<TeamCall[]>;
  /** Fetches a recording or transcript WhatsApp made of one of this desk's calls. */
  downloadMedia(notice: CallMediaNotice, maxBytes: number): Promise<{ bytes: Buffer; mimeType?: string }>;
  /** The number's calling settings; only where this desk holds the token (a relay's operator manages them there). */
  callingSettings?: {
    read(): Promise<CallingSettingsView>;
    change(values: CallingSettingsChange): Promise<CallingSettingsView>;
  };
  close(): Promise<void>;
}

/** What a transport reports back to the desk. */
export interface TransportContext {
  logger: Logger;
  onSignal(signal: CallSignal): void;
  /** The transport's status changed (connected, tunnel up): show it now. */
  onChange(): void;
  /** Traffic moved a counter (a webhook came in): show it soon, not on every request. */
  onActivity(): void;
  agentStatus(): AgentStatus;
  /** Customers on this desk's To call back list, to ask a relay which of them colleagues dealt with meanwhile. */
  pendingMissedCustomers(): string[];
  /** Recent calls this desk took that have no survey rating yet, to ask a relay for ratings given meanwhile. */
  unratedCalls?(): string[];
  /**
   * The connection to the team relay is lost (a network drop, a token revoked): what the relay offered this desk
   * (its callbacks) it no longer holds for this desk, and says so again after a sign-in.
   */
  onRelayLost?(): void;
  /**
   * The relay refused this desk's token (revoked, expired): it passed the calls ringing here on when it dropped the
   * desk, and no answer from here can reach it any more.
   */
  onRelaySessionEnded?(): void;
  /** The team's retention policy and erased customers, as the relay says at each sign-in: history is pruned by it. */
  onTeamDataPolicy?(policy: TeamDataPolicy): void;
}

/** The coordinator's view of whichever transport is current; without one, every action says what to do. */
export function currentTransportActions(current: () => CallTransport | undefined): CallActions {
  const use = (): CallTransport => {
    const transport = current();
    if (!transport) throw new Error('The phone is not connected to WhatsApp: finish Settings first.');
    return transport;
  };
  return {
    preAccept: (callId, sdp, callbackData) => use().preAccept(callId, sdp, callbackData),
    accept: (callId, sdp, capture, callbackData) => use().accept(callId, sdp, capture, callbackData),
    reject: (callId) => use().reject(callId),
    terminate: (callId) => use().terminate(callId),
    connect: (to, sdp, capture, callbackData, callbackId) => use().connect(to, sdp, capture, callbackData, callbackId),
    callPermission: (to) => use().callPermission(to),
    requestCallPermission: (to) => use().requestCallPermission(to),
    sendFollowUp: (to, text, template, callButton) => use().sendFollowUp(to, text, template, callButton),
    transfer: async (callId, to, conference) => {
      const transport = use();
      if (!transport.transfer) throw new Error('Calls can be transferred only through the team relay.');
      await transport.transfer(callId, to, conference);
    },
    callHeld: async (callId, held) => {
      await use().callHeld?.(callId, held);
    },
    holdCustomer: async (callId, held) => {
      const transport = use();
      if (!transport.holdCustomer) throw new Error('The hold room needs the team relay and its media server.');
      await transport.holdCustomer(callId, held);
    },
    handToBot: async (callId, bot, note) => {
      const transport = use();
      if (!transport.handToBot) throw new Error('Calls can be handed to an assistant only through the team relay.');
      return transport.handToBot(callId, bot, note);
    },
    answerCallback: async (callbackId, answer, why) => {
      const transport = use();
      if (!transport.answerCallback) throw new Error('Callbacks come only through the team relay.');
      return transport.answerCallback(callbackId, answer, why);
    },
  };
}
