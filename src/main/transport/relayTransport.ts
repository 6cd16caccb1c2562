import type { RelayStatus } from '../../shared/ipcContract';
import { connectRelay } from './relayClient';
import type { CallTransport, TransportContext } from './callTransport';

export interface RelayTransportOptions {
  urls: string[];
  agentToken: string;
}

/** The team relay holds the Graph token and decides who wins a call; this desk only asks. */
export function openRelayTransport(options: RelayTransportOptions, context: TransportContext): CallTransport {
  let state: RelayStatus = { connected: false };
  const relay = connectRelay({
    urls: options.urls,
    token: options.agentToken,
    onEvent: context.onSignal,
    onConnection: (next) => {
      state = next;
      if (next.connected) relay.setStatus(context.agentStatus());
      context.onChange();
    },
  });
  return {
    preAccept: async (callId, sdp) => void (await relay.request('pre_accept', { callId, sdp })),
    accept: async (callId, sdp) => void (await relay.request('accept', { callId, sdp })),
    reject: async (callId) => void (await relay.request('reject', { callId })),
    terminate: async (callId) => void (await relay.request('terminate', { callId })),
    connect: (to, sdp) => relay.request('connect', { to, sdp }),
    callPermission: (to) => relay.request('permission', { to }),
    requestCallPermission: (to) => relay.request('request_permission', { to }),
    sendFollowUp: (to, text, template) => relay.request('follow_up', { to, text, template }),
    setAgentStatus: (status) => relay.setStatus(status),
    status: () => ({ problems: state.error ? [state.error] : [], relay: state }),
    async test() {
      const connected = await Promise.race([
        relay.ready().then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 5000)),
      ]);
      if (!connected)
        return { ok: false, field: 'relayUrls', error: state.error ?? 'Relay address: no relay answered.' };
      return { ok: true, displayPhoneNumber: state.url ?? 'team relay', verifiedName: 'Team relay' };
    },
    async close() {
      relay.close();
    },
  };
}
