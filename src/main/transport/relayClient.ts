import { AgentFacingError } from '../../shared/agentErrors';
import WebSocket from 'ws';
import type { CallSignal } from '../../shared/callSignals';
import {
  parseRelayMessage,
  relayRequests,
  type RelayAction,
  type RelayParams,
  type RelayReply,
  type AgentMessage,
} from '../../shared/relayProtocol';
import type { AgentStatus } from '../../shared/settingsSchemas';
import type { IceServer } from '../../shared/iceServers';
import type { TeamDataPolicy } from '../../shared/retention';
import { sentence, type Sentence } from '../../shared/sentence';
import { renewalDelayMs, renewToken } from './sessionRenewal';

/** The close code the relay drops a desk with once its token is revoked (agentGateway). */
export const TOKEN_REVOKED_CLOSE = 4001;

export interface RelayClientOptions {
  /** One or more relay addresses (instances behind a balancer, or a list to fail over through). */
  urls: string[];
  token: string;
  onEvent: (event: CallSignal) => void;
  onConnection?: (state: {
    connected: boolean;
    url?: string;
    error?: Sentence;
    agentId?: string;
    notReadyReasons?: string[];
    wrapUpCodes?: string[];
    callWaiting?: boolean;
    /** The queues the agent serves, by name; empty: in no queue (absent: the relay has no queues). */
    queues?: string[];
    /** The relay refused this desk's token (revoked, expired or wrong): the session is over, not interrupted. */
    refused?: boolean;
  }) => void;
  /** The team's TURN servers with this agent's time-limited credentials: in the welcome, then renewed. */
  onIceServers?: (iceServers: IceServer[]) => void;
  /** The team's retention policy and erased customers, with every welcome. */
  onTeamDataPolicy?: (policy: TeamDataPolicy) => void;
  requestTimeoutMs?: number;
  /** A company sign-in's token was renewed: the desk keeps it for its next start. */
  onTokenRenewed?: (token: string) => void;
}

/**
 * The desktop's link to a team relay: call events in, answer/reject/terminate requests out.
 * It reconnects by itself, moving to the next address when one stops answering.
 */
export function connectRelay(options: RelayClientOptions) {
  let socket: WebSocket | undefined;
  let closed = false;
  let nextId = 1;
  let urlIndex = 0;
  let status: AgentStatus = 'available';
  /** The team's not-ready reason the agent gave with `status`, resent with it after every reconnect. */
  let reason: string | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Map<
    number,
    { resolve: (data: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }
  >();
  let readyResolve: (() => void) | undefined;
  let ready = new Promise<void>((resolve) => (readyResolve = resolve));
  /** The token the desk signs in with; a company sign-in's is renewed at half its life, for every reconnect. */
  let token = options.token;
  let renewalTimer: ReturnType<typeof setTimeout> | undefined;
  /** Why the relay refused this desk's sign-in: requests fail with it at once, never as a network problem. */
  let refusal: AgentFacingError | undefined;
  const refusalWaiters = new Set<(error: AgentFacingError) => void>();

  function renewLater(): void {
    clearTimeout(renewalTimer);
    const delay = renewalDelayMs(token);
    if (delay === undefined || closed) return;
    renewalTimer = setTimeout(() => {
      const url = options.urls[urlIndex % options.urls.length]!;
      void renewToken(url, token).then((renewed) => {
        if (closed) return;
        if (renewed.ok) {
          token = renewed.token;
          options.onTokenRenewed?.(token);
          return renewLater();
        }
        // Ended: the relay drops this desk itself; otherwise the relay or the company is briefly away.
        if (!renewed.ended) renewalTimer = setTimeout(renewLater, 5000);
      });
    }, delay);
  }

  /** The relay will not take this token again: whatever waits for the connection fails with that reason. */
  function sessionRefused(): AgentFacingError {
    refusal = new AgentFacingError(
      'The relay refused the agent token (wrong, expired or revoked): ask your team lead for a new one.',
      undefined,
      sentence('relayTokenRefused'),
    );
    for (const fail of refusalWaiters) fail(refusal);
    return refusal;
  }

  function failPending(reason: string, said: Sentence): void {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new AgentFacingError(reason, undefined, said));
      pending.delete(id);
    }
  }

  const statusMessage = (): string =>
    JSON.stringify({ type: 'status', status, ...(reason !== undefined && { reason }) } satisfies AgentMessage);

  function open(): void {
    const url = options.urls[urlIndex % options.urls.length]!;
    const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` }, handshakeTimeout: 5000 });
    socket = ws;
    ws.on('unexpected-response', (_req, res) => {
      const refused = res.statusCode === 401;
      const error = refused
        ? sentence('relayTokenRefused')
        : res.statusCode === 409
          ? sentence('relayAlreadySignedIn')
          : sentence('relayJoinFailed', { status: res.statusCode ?? 0 });
      if (refused) sessionRefused();
      options.onConnection?.({ connected: false, url, error, ...(refused && { refused }) });
      res.resume();
    });
    ws.on('message', (data) => {
      // A relay that sends something outside the protocol is ignored, never trusted or allowed to crash the desk.
      const message = parseRelayMessage(String(data));
      if (!message) return;
      if (message.type === 'welcome') {
        refusal = undefined;
        ws.send(statusMessage());
        if (message.iceServers) options.onIceServers?.(message.iceServers);
        options.onTeamDataPolicy?.({ retention: message.retention, erasedCustomers: message.erasedCustomers });
        options.onConnection?.({
          connected: true,
          url,
          agentId: message.agentId,
          notReadyReasons: message.notReadyReasons,
          wrapUpCodes: message.wrapUpCodes,
          callWaiting: message.callWaiting,
          queues: message.queues,
        });
        readyResolve?.();
      } else if (message.type === 'ice_servers') {
        options.onIceServers?.(message.iceServers);
      } else if (message.type === 'event') {
        options.onEvent(message.event);
      } else {
        const p = pending.get(message.id);
        if (!p) return;
        pending.delete(message.id);
        clearTimeout(p.timer);
        if (message.ok) p.resolve(message.data);
        // The relay's refusal by key, worded on the page in the agent's language.
        else
          p.reject(
            new AgentFacingError(
              message.error,
              message.code,
              message.said && sentence(message.said.key, message.said.values),
            ),
          );
      }
    });
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      if (socket !== ws) return;
      // The relay drops a desk whose token it revoked with this code: the session ended, the network is fine.
      if (code === TOKEN_REVOKED_CLOSE) {
        const refused = sessionRefused();
        failPending(refused.message, refused.said!);
      } else
        failPending('The connection to the team relay dropped: try again once it is back.', sentence('relayDropped'));
      ready = new Promise<void>((resolve) => (readyResolve = resolve));
      if (closed) return;
      options.onConnection?.({ connected: false, url, error: sentence('relayLost') });
      urlIndex += 1;
      retryTimer = setTimeout(open, 300);
    });
  }

  open();
  renewLater();

  return {
    /** Resolves once connected (again); requests wait for this. */
    ready: () => ready,
    /** Sends one request; resolves with the relay's reply, checked against the protocol. */
    async request<A extends RelayAction>(action: A, params: RelayParams<A>): Promise<RelayReply<A>> {
      const waitMs = options.requestTimeoutMs ?? 10_000;
      const startedMs = performance.now();
      if (refusal) throw refusal;
      let failRefused: ((error: AgentFacingError) => void) | undefined;
      const refused = new Promise<never>((_, reject) => refusalWaiters.add((failRefused = reject)));
      try {
        await Promise.race([
          ready,
          refused,
          new Promise((_, reject) =>
            setTimeout(
              () =>
                reject(
                  new AgentFacingError(
                    'The team relay cannot be reached: check the network; calls go on once it is back.',
                    undefined,
                    sentence('relayUnreachable'),
                  ),
                ),
              waitMs,
            ),
          ),
        ]);
      } finally {
        refusalWaiters.delete(failRefused!);
      }
      const id = nextId++;
      const data = await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(
          () => {
            pending.delete(id);
            reject(
              new AgentFacingError(
                'The team relay did not answer in time: try again in a moment.',
                undefined,
                sentence('relayTimeout'),
              ),
            );
          },
          waitMs - (performance.now() - startedMs),
        );
        pending.set(id, { resolve, reject, timer });
        // The relay sends nothing to WhatsApp for this request once the desk has stopped waiting for it.
        const left = Math.max(100, Math.round(waitMs - (performance.now() - startedMs)));
        socket!.send(JSON.stringify({ ...params, type: 'request', id, action, waitMs: left }));
      });
      const reply = relayRequests[action].reply.safeParse(data);
      if (!reply.success) throw new Error(`The relay's reply to ${action} was not understood.`);
      return reply.data as RelayReply<A>;
    },
    /** Available, Busy or Away; with a reason, not ready for that one of the team's reasons. */
    setStatus(next: AgentStatus, why?: string): void {
      status = next;
      reason = why;
      if (socket?.readyState === WebSocket.OPEN) socket.send(statusMessage());
    },
    close(): void {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(renewalTimer);
      failPending('The relay connection was closed.', sentence('relayClosed'));
      socket?.close();
    },
  };
}

export type RelayClient = ReturnType<typeof connectRelay>;
