import type { RelayStatus } from '../../shared/ipcContract';
import type { IceServer } from '../../shared/iceServers';
import type { CallMediaNotice } from '../../shared/metaCapture';
import { readBoundedResponse } from '../../whatsapp/readBody';
import { connectRelay } from './relayClient';
import type { CallTransport, TransportContext } from './callTransport';
import { sentence } from '../../shared/sentence';

export interface RelayTransportOptions {
  urls: string[];
  agentToken: string;
  onTokenRenewed?: (token: string) => void;
}

/** The relay's address for a call's recording or transcript: its WebSocket address, over HTTP. */
export function relayMediaUrl(relayUrl: string, notice: Pick<CallMediaNotice, 'callId' | 'kind'>): string {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = `/media/${encodeURIComponent(notice.callId)}/${notice.kind}`;
  url.search = '';
  return url.toString();
}

/** The relay fetches WhatsApp's file with its token and passes it to the agent who answered the call. */
async function downloadThroughRelay(
  relayUrl: string,
  agentToken: string,
  notice: CallMediaNotice,
  maxBytes: number,
): Promise<{ bytes: Buffer; mimeType?: string }> {
  const response = await fetch(relayMediaUrl(relayUrl, notice), {
    headers: { Authorization: `Bearer ${agentToken}` },
    signal: AbortSignal.timeout(120_000),
    redirect: 'error',
  });
  if (!response.ok) {
    const reason = (await response.text().catch(() => '')).trim().slice(0, 200);
    throw new Error(`the relay answered HTTP ${response.status}: ${reason}`);
  }
  const bytes = await readBoundedResponse(
    response,
    maxBytes,
    () => new Error(`the file is larger than ${maxBytes} bytes`),
  );
  return { bytes, mimeType: response.headers.get('content-type') ?? undefined };
}

/** The team relay holds the Graph token and decides who wins a call; this desk only asks. */
export function openRelayTransport(options: RelayTransportOptions, context: TransportContext): CallTransport {
  let state: RelayStatus = { connected: false };
  /** The team's TURN servers with this agent's credentials, the freshest the relay sent; kept while reconnecting. */
  let iceServers: IceServer[] = [];
  /** The newest token: a company sign-in's is renewed, and the first one expires within minutes. */
  let token = options.agentToken;
  const relay = connectRelay({
    urls: options.urls,
    token: options.agentToken,
    onEvent: context.onSignal,
    onTeamDataPolicy: context.onTeamDataPolicy,
    onIceServers: (fresh) => {
      iceServers = fresh;
      context.onChange();
    },
    onTokenRenewed: (renewed) => {
      token = renewed;
      options.onTokenRenewed?.(renewed);
    },
    onConnection: (next) => {
      // The team's reasons stay known while the desk reconnects.
      state = {
        ...next,
        agentId: next.agentId ?? state.agentId,
        notReadyReasons: next.notReadyReasons ?? state.notReadyReasons,
        wrapUpCodes: next.wrapUpCodes ?? state.wrapUpCodes,
        callWaiting: next.callWaiting ?? state.callWaiting,
      };
      if (!next.connected) context.onRelayLost?.();
      if (next.refused) context.onRelaySessionEnded?.();
      if (next.connected) {
        void catchUpMissed().catch((error: unknown) =>
          context.logger.warn('missed calls not checked with the team', { error: String(error) }),
        );
        void catchUpRatings().catch((error: unknown) =>
          context.logger.warn('survey ratings not checked with the team', { error: String(error) }),
        );
      }
      context.onChange();
    },
  });
  // Sent on every sign-in; the desk's later changes (reason included) replace it.
  relay.setStatus(context.agentStatus());
  /** What colleagues dealt with while this desk was away. */
  async function catchUpMissed(): Promise<void> {
    const customers = context.pendingMissedCustomers();
    if (customers.length === 0) return;
    const { handled } = await relay.request('missed_check', { customers });
    for (const [customer, atMs] of Object.entries(handled))
      context.onSignal({ type: 'missed_handled', customer, atMs });
  }
  /** The customers' ratings of this desk's calls given while it was away. */
  async function catchUpRatings(): Promise<void> {
    const callIds = context.unratedCalls?.() ?? [];
    if (callIds.length === 0) return;
    const { ratings } = await relay.request('call_ratings', { callIds });
    for (const [callId, score] of Object.entries(ratings)) context.onSignal({ type: 'call_rated', callId, score });
  }
  return {
    preAccept: async (callId, sdp) => void (await relay.request('pre_accept', { callId, sdp })),
    accept: async (callId, sdp, capture) =>
      void (await relay.request('accept', { callId, sdp, ...(capture ? { capture } : {}) })),
    reject: async (callId) => void (await relay.request('reject', { callId })),
    terminate: async (callId) => void (await relay.request('terminate', { callId })),
    connect: (to, sdp, capture, _callbackData, callbackId) =>
      relay.request('connect', { to, sdp, ...(capture ? { capture } : {}), ...(callbackId ? { callbackId } : {}) }),
    answerCallback: (callbackId, answer, why) =>
      relay.request('callback_answer', { callbackId, answer, ...(why ? { why } : {}) }),
    callPermission: (to) => relay.request('permission', { to }),
    requestCallPermission: (to) => relay.request('request_permission', { to }),
    sendFollowUp: (to, text, template, callButton) => relay.request('follow_up', { to, text, template, callButton }),
    setAgentStatus: (status, reason) => relay.setStatus(status, reason),
    missedHandled: async (customer) => void (await relay.request('missed_handled', { customer })),
    transfer: async (callId, to, conference) =>
      void (await relay.request(conference ? 'invite' : 'transfer', { callId, to })),
    holdCustomer: async (callId, held) => void (await relay.request('hold_customer', { callId, held })),
    callHeld: async (callId, held) => void (await relay.request('call_held', { callId, held })),
    ringingLeg: async (callId, sdp) => void (await relay.request('ringing_leg', { callId, sdp })),
    handToBot: async (callId, bot, note) => (await relay.request('hand_to_bot', { callId, bot, note })).to,
    colleagues: async () => (await relay.request('colleagues', {})).agents,
    wrapUp: async (callId, outcome, notes) => void (await relay.request('wrap_up', { callId, outcome, notes })),
    teamCalls: async (customer, callId) => (await relay.request('customer_calls', { customer, callId })).calls,
    downloadMedia: (notice, maxBytes) => downloadThroughRelay(state.url ?? options.urls[0]!, token, notice, maxBytes),
    status: () => ({ problems: state.error ? [state.error] : [], relay: state, iceServers }),
    async test() {
      const connected = await Promise.race([
        relay.ready().then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!connected)
        return {
          ok: false,
          field: 'relayUrls',
          error: `Relay address: no relay answered${state.error ? ` (${state.error.key})` : ''}.`,
          said: state.error ?? sentence('relayJoinFailed', { status: 0 }),
        };
      return { ok: true, displayPhoneNumber: state.url ?? 'team relay', verifiedName: 'Team relay' };
    },
    async close() {
      relay.close();
    },
  };
}
