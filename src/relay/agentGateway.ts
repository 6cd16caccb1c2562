import { bearerToken } from './bearerToken';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeUnlessBodyRead } from '../whatsapp/readCappedBody';
import type { ReceivedAccountAlert } from '../shared/accountAlerts';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { agentSentence } from '../shared/agentErrors';
import { whatsAppErrorCode } from '../shared/callErrors';
import { errorText } from '../shared/errorText';
import {
  parseAgentMessage,
  type RelayBusMessage,
  type RelayMessage,
  type RelayRequestMessage,
} from '../shared/relayProtocol';
import { guardConnections, type ConnectionLimits, type ConnectionRefusal } from '../whatsapp/connectionGuard';
import type { Logger } from '../whatsapp/logger';
import { requestClient } from '../whatsapp/clientAddress';
import { verifyAgentToken, type SigningKey } from './agentTokens';
import type { Revocations } from './revocations';
import { RelayRefusal, type CallRequests, type RequestContext } from './callRequests';
import type { CallStore } from './callStore';
import type { RelayLimits } from './limits';
import { ALIVE_MS, type Presence } from './presence';
import { HEARTBEAT_SLICES, heartbeatSlice } from './heartbeatSlices';
import { stateSignal, type TeamFloor } from './team/teamFloor';
import type { Activity, AgentRecord } from '../shared/teamState';
import type { CallRecorder } from './records/callRecorder';
import type { AnchoredCalls } from './media/anchoredCalls';
import type { Router } from './routing';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import type { IceServer } from '../shared/iceServers';
import type { TeamDataPolicy } from '../shared/retention';

/**
 * Status changes a desk may ask for in 10 s. A person changes their status a few times an hour; each change is a
 * team-model step on this instance, so a flood would hold up the calls behind it.
 */
const STATUS_CHANGES_PER_10S = 20;

interface ConnectedAgent {
  socket: WebSocket;
  /** What the desk last asked to be, to sign it in again should Redis come back empty. */
  asked?: Activity;
  /** When the token this desk signed in with was issued, to drop it once revoked. */
  issuedAtMs: number;
}

export interface AgentGatewayOptions {
  /** The current signing secret first, then any previous ones still accepted. */
  signingKeys: SigningKey[];
  revocations: Revocations;
  instance: string;
  presence: Presence;
  /** Where the agent's state lives: signing in and out and asking for a status change go through it. */
  floor: TeamFloor;
  store: CallStore;
  router: Router;
  requests: CallRequests;
  limits: Pick<RelayLimits, 'request'>;
  log: Logger;
  /** Counts the Graph API errors agents' requests meet. */
  onGraphError?: (code: number | undefined) => void;
  records?: CallRecorder;
  /** Anchored calls: each desk rings with the media server's offer for its own leg. */
  anchored?: Pick<AnchoredCalls, 'offerForDesk'>;
  /** WhatsApp's alerts about the team's numbers in force now, for a desk that signs in (or back in). */
  accountAlerts?: () => Promise<ReceivedAccountAlert[]>;
  /** Other WebSockets on this port (the supervisor board); true when the upgrade was theirs. */
  upgrade?: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Plain HTTP requests beside the WebSocket (a call's recording); true when answered. */
  http?: (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
  connections?: AgentConnectionSettings;
  /** Counts connections refused or closed by the caps and deadlines. */
  onConnectionRefused?: (reason: ConnectionRefusal) => void;
  /** Each desk sign-in, taken or refused, for the audit trail: who (when the token says), why, and from where. */
  onSignIn?: (event: { agentId?: string; ok: boolean; detail: string; from: string }) => void;
  /** The team's wrap-up codes an admin set centrally, sent in every welcome; undefined while none are set. */
  wrapUpCodes?: () => string[] | undefined;
  /** Whether a call may ring at this agent while they are on another (their queues' call waiting), in every welcome. */
  callWaitingFor?: (agentId: string) => boolean;
  /** The names of the queues this agent serves now, in every welcome; undefined without queues. */
  queueNamesFor?: (agentId: string) => string[] | undefined;
  /** The retention policy and the erased customers, sent in every welcome: desks prune their history by them. */
  teamDataPolicy?: () => TeamDataPolicy;
  /** Time-limited TURN credentials for a signed-in agent, in the welcome and again every `iceServersRenewalMs`. */
  iceServersFor?: (agentId: string) => IceServer[];
  iceServersRenewalMs?: number;
}

/** Caps and deadlines of the agent port; signed-in desks count only toward the total, not their address's share. */
export interface AgentConnectionSettings extends Partial<ConnectionLimits> {
  /** Time from the WebSocket upgrade to the client's first message (a desk's status, the board's hello). */
  firstMessageMs?: number;
}

const AGENT_CONNECTION_DEFAULTS = {
  maxConnections: 4096,
  maxPerAddress: 64,
  firstRequestMs: 5000,
  firstMessageMs: 5000,
};

/** A little less than the desk's own wait, so a reply still reaches it before it gives up. */
const REPLY_MARGIN_MS = 250;
/** The longest a closing instance waits for departures under way before the relay lets its Redis go. */
const DEPARTURES_WAIT_MS = 5000;

/** Whether the desk has stopped waiting for this request (it says how long it waits when it sends one). */
function deadlineOf(request: RelayRequestMessage): RequestContext {
  if (request.waitMs === undefined) return { expired: () => false };
  const until = performance.now() + request.waitMs - REPLY_MARGIN_MS;
  return { expired: () => performance.now() > until };
}

/** Sends a message, or one already encoded as UTF-8 JSON (a ring sent to the whole team is encoded once). */
function send(socket: WebSocket, message: RelayMessage | Buffer): void {
  if (socket.readyState !== socket.OPEN) return;
  if (Buffer.isBuffer(message)) socket.send(message, { binary: false });
  else socket.send(JSON.stringify(message));
}

/** Agents' desks on authenticated WebSockets: sign-in, presence heartbeat, requests in, call signals out. */
export function createAgentGateway(options: AgentGatewayOptions) {
  const { presence, floor, store, router, requests, limits, revocations, log, instance } = options;
  const agents = new Map<string, ConnectedAgent>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 });
  const caps = { ...AGENT_CONNECTION_DEFAULTS, ...options.connections };
  const serverOptions = { headersTimeout: caps.firstRequestMs, connectionsCheckingInterval: 500 };
  const server: Server = createServer(serverOptions, (req, res) => {
    closeUnlessBodyRead(req, res);
    const answered = options.http ? options.http(req, res) : Promise.resolve(false);
    answered
      .then((done) => {
        if (done) return;
        res.writeHead(426, { 'Content-Type': 'text/plain' });
        res.end('WebSocket only\n');
      })
      .catch((error: unknown) => {
        log.error('relay http request failed', { error: errorText(error) });
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end();
      });
  });

  // A flood of silent or half-open connections cannot take the process's file descriptors (the webhook port needs
  // them) nor keep desks out: capped per address before sign-in, in total, and closed when they say nothing.
  const guard = guardConnections(server, caps, {
    port: 'agent',
    log,
    onRefusal: options.onConnectionRefused,
  });

  const refuse = (socket: Duplex, status: string, reason: string): void => {
    if (!socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
  };

  /** True when the desk already signed in as this agent still answers a ping: then a second sign-in is refused. */
  function stillThere(agent: ConnectedAgent): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), 1500);
      agent.socket.once('pong', () => {
        clearTimeout(timer);
        resolve(true);
      });
      try {
        agent.socket.ping();
      } catch {
        clearTimeout(timer);
        resolve(false);
      }
    });
  }

  async function signIn(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const token = bearerToken(req.headers.authorization);
    const check = await verifyAgentToken(token, options.signingKeys);
    const from = requestClient(req, options.connections?.trustedProxies);
    if (!check.ok) {
      log.warn('agent refused', { reason: check.reason });
      options.onSignIn?.({ ok: false, detail: `desk: ${check.reason}`, from });
      return refuse(socket, '401 Unauthorized', check.reason);
    }
    if (await revocations.isRevoked(check.agentId, check.issuedAtMs)) {
      log.warn('agent refused', { agentId: check.agentId, reason: 'token revoked' });
      options.onSignIn?.({ agentId: check.agentId, ok: false, detail: 'desk: agent token revoked', from });
      return refuse(socket, '401 Unauthorized', 'agent token revoked');
    }
    const existing = agents.get(check.agentId);
    if (existing && (await stillThere(existing))) {
      // A copied token must not push the real desk off; a desk that lost its link is replaced, though.
      log.warn('second sign-in refused', { agentId: check.agentId });
      return refuse(socket, '409 Conflict', 'this agent is already signed in at another desk');
    }
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      guard.vouch(socket);
      options.onSignIn?.({
        agentId: check.agentId,
        ok: true,
        detail: `desk${check.sid ? ' (company account)' : ''}`,
        from,
      });
      void onAgent(check.agentId, check.issuedAtMs, ws);
    });
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A client that resets the connection mid-handshake must not take the relay down.
    socket.on('error', (error) => log.debug('agent socket error before sign-in', { error: error.message }));
    guard.engaged(socket);
    guard.expectMessage(socket, head, caps.firstMessageMs);
    if (options.upgrade?.(req, socket, head)) return;
    signIn(req, socket, head).catch((error: unknown) => {
      log.error('agent sign-in failed', { error: errorText(error) });
      refuse(socket, '503 Service Unavailable', 'the relay could not check the sign-in; try again');
    });
  });

  /**
   * The relay's own network to Meta failed: said as the relay's, not as the desk's ("check this computer's internet
   * connection" would send the agent after the wrong network).
   */
  function relayCouldNotReachWhatsApp(error: unknown): unknown {
    const kind = (error as { kind?: unknown } | undefined)?.kind;
    if (kind === 'network') return new RelayRefusal('relayWhatsAppUnreachable');
    if (kind === 'timeout') return new RelayRefusal('relayWhatsAppSlow');
    return error;
  }

  async function run(
    agentId: string,
    socket: WebSocket,
    request: RelayRequestMessage,
    context: RequestContext,
  ): Promise<void> {
    try {
      await limits.request(agentId, request.action);
      const handler = requests[request.action] as (
        agentId: string,
        params: RelayRequestMessage,
        context: RequestContext,
      ) => Promise<unknown>;
      const data = await handler(agentId, request, context);
      send(socket, { type: 'reply', id: request.id, ok: true, data });
    } catch (caught) {
      // The desk shows this to the agent: a refusal as written, anything else in plain words with Meta's code kept.
      log.warn('agent request failed', { agentId, action: request.action, error: errorText(caught) });
      const error = relayCouldNotReachWhatsApp(caught);
      if (!(caught instanceof RelayRefusal)) options.onGraphError?.(whatsAppErrorCode(caught));
      const error_ = error instanceof RelayRefusal ? error.message : agentSentence(error);
      const said =
        error instanceof RelayRefusal
          ? { said: { key: error.key, ...(error.values && { values: error.values }) } }
          : {};
      send(socket, {
        type: 'reply',
        id: request.id,
        ok: false,
        error: error_,
        code: whatsAppErrorCode(error),
        ...said,
      });
    }
  }

  /** The agent asked to be available or not ready; the relay decides the rest (on a call, ringing, wrap-up). */
  function askedFor(agent: ConnectedAgent, agentId: string, status: string, reason?: string): void {
    const activity = floor.activityFor(status, reason);
    if (!activity) return log.warn('status refused: not one of the team’s reasons', { agentId, status, reason });
    if (agent.asked && JSON.stringify(agent.asked) === JSON.stringify(activity)) return;
    agent.asked = activity;
    floor
      .setActivity(agentId, activity)
      .then((rescinded) => router.passOn(rescinded, agentId))
      .catch((error: unknown) => log.warn('status not saved', { agentId, error: errorText(error) }));
  }

  const statusChanges = new RateLimiterMemory({ points: STATUS_CHANGES_PER_10S, duration: 10 });
  /** A status change within the desk's allowance; past it the desk is closed as a policy violation. */
  async function changeStatus(agent: ConnectedAgent, agentId: string, status: string, reason?: string) {
    try {
      await statusChanges.consume(agentId);
    } catch {
      if (agent.socket.readyState !== agent.socket.OPEN) return;
      log.warn('desk closed: too many status changes', { agentId });
      agent.socket.close(1008, 'too many status changes');
      return;
    }
    askedFor(agent, agentId, status, reason);
  }

  /** The desk left: its rings move on, its calls stay (it may come back, here or on another instance). */
  async function departed(agentId: string): Promise<void> {
    const ringing = (await floor.agent(agentId))?.reservations ?? [];
    await presence.gone(agentId);
    await floor.apply({ kind: 'sign_out', agentId });
    await router.passOn(ringing);
  }

  /** What a desk hears on signing in (and again when an admin changes the team settings). */
  const welcome = (agentId: string): RelayMessage => {
    const wrapUpCodes = options.wrapUpCodes?.();
    const iceServers = options.iceServersFor?.(agentId);
    const queues = options.queueNamesFor?.(agentId);
    return {
      type: 'welcome',
      agentId,
      instance,
      notReadyReasons: floor.reasons,
      ...(wrapUpCodes && { wrapUpCodes }),
      ...(options.callWaitingFor && { callWaiting: options.callWaitingFor(agentId) }),
      ...(queues && { queues }),
      ...(iceServers && { iceServers }),
      ...options.teamDataPolicy?.(),
    };
  };

  /** Fresh TURN credentials before the last ones expire, only to desks whose token is still good. */
  async function renewIceServers(agentId: string, agent: ConnectedAgent): Promise<void> {
    if (!options.iceServersFor || (await revocations.isRevoked(agentId, agent.issuedAtMs))) return;
    if (agents.get(agentId) !== agent) return;
    send(agent.socket, { type: 'ice_servers', iceServers: options.iceServersFor(agentId) });
  }
  const iceRenewal =
    options.iceServersFor && options.iceServersRenewalMs
      ? setInterval(() => {
          for (const [agentId, agent] of agents) void renewIceServers(agentId, agent).catch(() => undefined);
        }, options.iceServersRenewalMs)
      : undefined;

  async function onAgent(agentId: string, issuedAtMs: number, socket: WebSocket): Promise<void> {
    agents.get(agentId)?.socket.terminate();
    const agent: ConnectedAgent = { socket, issuedAtMs };
    agents.set(agentId, agent);
    const signedIn = floor.apply({ kind: 'sign_in', agentId });
    // A malformed frame is answered by ws with a close; the error itself must not escape.
    socket.on('error', (error) => log.warn('agent connection error', { agentId, error: error.message }));
    socket.on('message', (data) => {
      const message = parseAgentMessage(String(data));
      if (!message) {
        log.warn('agent message refused', { agentId });
        socket.close(1008, 'invalid message');
        return;
      }
      if (message.type === 'status') return void changeStatus(agent, agentId, message.status, message.reason);
      // Counted from arrival: a slow Redis before the handler must not stretch the desk's wait.
      void run(agentId, socket, message, deadlineOf(message));
    });
    socket.on('close', () => {
      // An instance shutting down closes its own sockets: the desks move to another instance, which marks them.
      if (closing || agents.get(agentId)?.socket !== socket) return;
      agents.delete(agentId);
      log.info('agent disconnected', { agentId });
      const departure = departed(agentId)
        .catch((error: unknown) =>
          log.error('could not pass on calls of a departed agent', { error: errorText(error) }),
        )
        .finally(() => departing.delete(departure));
      departing.add(departure);
    });
    let state: AgentRecord | undefined;
    try {
      await Promise.all([signedIn, presence.renew(agentId)]);
      state = await floor.agent(agentId);
    } catch (error) {
      log.warn('presence not saved', { agentId, error: errorText(error) });
    }
    send(socket, welcome(agentId));
    // The desk learns its state from the relay, never the other way round (a reconnect mid-call stays on the call).
    if (state) send(socket, { type: 'event', event: stateSignal(state) });
    // A restriction WhatsApp put on the number before this desk signed in still stops its calls: it shows at once.
    const alerts = await options.accountAlerts?.().catch(() => []);
    for (const { alert, phoneNumberId } of [...(alerts ?? [])].reverse())
      send(socket, { type: 'event', event: { type: 'account_alert', alert, phoneNumberId } });
    log.info('agent connected', { agentId, instance });
  }

  /** An anchored call rings with the media server's offer for this desk's own leg. */
  async function ringAnchored(
    agentId: string,
    agent: ConnectedAgent,
    offered: Extract<RelayBusMessage['event'], { type: 'call_offered' }>,
  ): Promise<void> {
    try {
      // A colleague rung for a live call (transfer, conference) gets a leg apart from it until they answer.
      const apart = Boolean(offered.transferredBy || offered.invitedBy);
      const sdpOffer = await options.anchored!.offerForDesk(offered.callId, agentId, apart);
      send(agent.socket, { type: 'event', event: { ...offered, sdpOffer } });
    } catch (error) {
      log.error('anchored call not rung at a desk: no leg on the media server', {
        callId: offered.callId,
        agentId,
        error: errorText(error),
      });
    }
  }

  /**
   * Redis came back empty (a restart without persistence), or the desk was taken for gone (its liveness lapsed while
   * Redis or this instance was slow): the desks still here are signed in again.
   */
  async function restoreIfLost(agentId: string, agent: ConnectedAgent): Promise<void> {
    const record = await floor.agent(agentId);
    if (record?.connected) return;
    log.warn(
      record
        ? 'agent taken for gone while connected: signed in again'
        : 'agent’s state was lost with Redis: signed in again',
      { agentId },
    );
    await presence.renew(agentId);
    await floor.apply({ kind: 'sign_in', agentId });
    if (agent.asked) await floor.apply({ kind: 'set_activity', agentId, activity: agent.asked });
  }

  let closing = false;
  /** Departures of desks that left, under way: a closing instance finishes them before Redis goes. */
  const departing = new Set<Promise<void>>();
  // Each desk is renewed every ALIVE_MS / 3 as before, but in HEARTBEAT_SLICES turns, not all at one instant.
  let slice = 0;
  const heartbeat = setInterval(
    () => {
      const now = slice;
      slice = (slice + 1) % HEARTBEAT_SLICES;
      for (const [agentId, agent] of agents) {
        if (heartbeatSlice(agentId) !== now) continue;
        void presence.renew(agentId).catch(() => undefined);
        void restoreIfLost(agentId, agent).catch(() => undefined);
        void revocations
          .isRevoked(agentId, agent.issuedAtMs)
          .then((revoked) => revoked && agent.socket.close(4001, 'agent token revoked'))
          .catch(() => undefined);
      }
    },
    ALIVE_MS / 3 / HEARTBEAT_SLICES,
  );

  return {
    /** The team's not-ready reasons changed: every desk on this instance hears them as a fresh welcome. */
    welcomeAgain(): void {
      for (const [agentId, agent] of agents) send(agent.socket, welcome(agentId));
    },
    /** Hands a bus message to the agents on this instance that it concerns. */
    /**
     * Hands a bus message to the agents on this instance that it concerns: an offer to the agents it rings
     * (recorded, so only they may act on the call), a call's later events only to those it was offered to.
     */
    async deliver(bus: RelayBusMessage): Promise<void> {
      // Serialised once for every agent it goes to (a ring reaches the whole team), and only if one is here: most
      // of a step's agent states concern desks on other instances.
      let serialised: Buffer | undefined;
      const event = () =>
        (serialised ??= Buffer.from(JSON.stringify({ type: 'event', event: bus.event } satisfies RelayMessage)));
      /** This instance's agents among those named. */
      const here = (ids: Iterable<string>) =>
        [...new Set(ids)].flatMap((id) => {
          const agent = agents.get(id);
          return agent ? [[id, agent] as const] : [];
        });
      if (bus.kind === 'offer') {
        // Only agents the team model reserved for this call are named; an offer names whom it rings.
        const ringing = here(bus.targets ?? []);
        // Recorded in the same step, without waiting for Redis's reply: the command is on this instance's Redis
        // connection before any agent hears of the call, and an agent's answer comes back to this instance, whose
        // claim check therefore reaches Redis after it (Redis runs one connection's commands in order).
        const recorded = store.addOffered(
          bus.callId,
          ringing.map(([agentId]) => agentId),
        );
        const offered = bus.event.type === 'call_offered' ? bus.event : undefined;
        for (const [agentId, agent] of ringing) {
          if (offered?.anchored && options.anchored) void ringAnchored(agentId, agent, offered);
          else send(agent.socket, event());
        }
        // A colleague brought into a call (transfer, conference) is not offered the customer's call: no ring record.
        const colleague = offered?.transferredBy !== undefined || offered?.invitedBy !== undefined;
        if (ringing.length > 0 && !colleague)
          options.records?.record({
            kind: 'rang',
            callId: bus.callId,
            agentIds: ringing.map(([agentId]) => agentId),
            atMs: Date.now(),
          });
        await recorded;
        return;
      }
      if (bus.kind === 'team') {
        const skipped = new Set(bus.targets);
        for (const [agentId, agent] of agents) if (!skipped.has(agentId)) send(agent.socket, event());
        return;
      }
      const concerned = bus.kind === 'direct' ? (bus.targets ?? []) : await store.offeredTo(bus.callId);
      for (const [, agent] of here(concerned)) send(agent.socket, event());
    },
    async listen(port: number, host: string): Promise<string> {
      await new Promise<void>((resolve) => server.listen(port, host, resolve));
      return `ws://${host}:${(server.address() as AddressInfo).port}/`;
    },
    connectedAgents: () => [...agents.keys()],
    openConnections: () => guard.open(),
    /** Signs the desks here in again where Redis lost them (it restarted empty); resolves when done. */
    async reassert(): Promise<void> {
      await Promise.all([...agents].map(([agentId, agent]) => restoreIfLost(agentId, agent).catch(() => undefined)));
    },
    async close(): Promise<void> {
      closing = true;
      clearInterval(heartbeat);
      clearInterval(iceRenewal);
      for (const { socket } of agents.values()) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      let waited: NodeJS.Timeout | undefined;
      const bound = new Promise<void>((resolve) => (waited = setTimeout(resolve, DEPARTURES_WAIT_MS)));
      await Promise.race([Promise.all(departing), bound]);
      clearTimeout(waited);
      if (departing.size > 0) log.warn('closed with desks’ departures unfinished', { count: departing.size });
    },
  };
}
