import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { WebSocketServer, type WebSocket } from 'ws';
import { PERMISSION_REQUEST_TEXT } from '../shared/graphSchemas';
import type { CallEvent } from '../shared/parseWebhook';
import { AgentMessage, type RelayCallEvent, type RelayMessage } from '../shared/relayProtocol';
import type { AgentStatus } from '../shared/settingsSchemas';
import { createGraphClient, type GraphClient } from '../whatsapp/graphClient';
import type { Logger } from '../whatsapp/logger';
import { startWebhookServer, type WebhookServer } from '../whatsapp/webhookServer';
import { verifyAgentToken } from './agentTokens';

export type Routing = 'ring_all' | 'longest_idle';

export interface RelayOptions {
  redisUrl: string;
  appSecret: string;
  verifyToken: string;
  accessToken: string;
  phoneNumberId: string;
  agentSecret: string;
  graphBaseUrl?: string;
  routing?: Routing;
  webhookPort?: number;
  agentPort?: number;
  host?: string;
  logger: Logger;
  /** Redis key prefix, so several deployments can share one Redis. */
  prefix?: string;
}

interface Bus {
  kind: 'offer' | 'event' | 'direct';
  callId: string;
  /** Agents to ring; absent means every available agent. */
  targets?: string[];
  event: RelayCallEvent;
}

const CLAIM_MS = 6 * 3600_000;
const EVENT_MEMORY_S = 1800;
const ALIVE_MS = 15_000;

/**
 * One relay instance: takes Meta's webhooks, keeps the Graph token, and offers calls to agents' desktops
 * over authenticated WebSockets. Everything shared between instances lives in Redis: event de-duplication,
 * call records, the atomic answer claim, agent presence, and a pub/sub bus.
 */
export async function startRelay(options: RelayOptions) {
  const log = options.logger;
  const prefix = options.prefix ?? 'wa-relay';
  const key = (...parts: string[]) => [prefix, ...parts].join(':');
  const instance = randomBytes(6).toString('hex');
  const routing = options.routing ?? 'ring_all';
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  const subscriber = new Redis(options.redisUrl, { lazyConnect: true });
  for (const client of [redis, subscriber]) client.on('error', (error: Error) => log.warn('redis connection problem', { error: error.message }));
  await redis.connect();
  await subscriber.connect();
  const graph: GraphClient = createGraphClient({
    accessToken: options.accessToken,
    phoneNumberId: options.phoneNumberId,
    baseUrl: options.graphBaseUrl,
  });
  /** Agents connected to this instance. */
  const sockets = new Map<string, { socket: WebSocket; status: AgentStatus }>();
  /** Calls offered to one agent alone (longest-idle routing), to pass on if that agent leaves while it rings. */
  const ringingAlone = new Map<string, Set<string>>();

  function send(socket: WebSocket, message: RelayMessage): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  async function publish(bus: Bus): Promise<void> {
    await redis.publish(key('bus'), JSON.stringify(bus));
  }

  async function markAgent(agentId: string, status: AgentStatus, idleSince?: number): Promise<void> {
    const fields: Record<string, string> = { status, instance, aliveUntil: String(Date.now() + ALIVE_MS) };
    if (idleSince !== undefined) fields.idleSince = String(idleSince);
    await redis.hset(key('agent', agentId), fields);
    await redis.sadd(key('agents'), agentId);
  }

  /** Available agents anywhere, longest idle first. */
  async function availableAgents(exclude: string[] = []): Promise<string[]> {
    const ids = await redis.smembers(key('agents'));
    const now = Date.now();
    const rows = await Promise.all(ids.map(async (id) => ({ id, row: await redis.hgetall(key('agent', id)) })));
    return rows
      .filter(({ id, row }) => row.status === 'available' && Number(row.aliveUntil) > now && !exclude.includes(id))
      .sort((a, b) => Number(a.row.idleSince ?? 0) - Number(b.row.idleSince ?? 0))
      .map(({ id }) => id);
  }

  async function offerToNext(callId: string, event: RelayCallEvent): Promise<void> {
    const tried = await redis.smembers(key('tried', callId));
    const [next] = await availableAgents(tried);
    if (!next) {
      log.info('no agent left to ring; the call rings out', { callId });
      return;
    }
    await redis.sadd(key('tried', callId), next);
    await redis.expire(key('tried', callId), EVENT_MEMORY_S);
    await publish({ kind: 'offer', callId, targets: [next], event });
  }

  /** First delivery anywhere wins; Meta's retries to another instance are dropped here. */
  async function firstTime(eventKey: string): Promise<boolean> {
    return (await redis.set(key('seen', eventKey), instance, 'EX', EVENT_MEMORY_S, 'NX')) === 'OK';
  }

  /**
   * Answers and statuses of calls an agent placed go to that agent only. They can overtake the reply to
   * connect, so they are kept per call and replayed once the owner is known (a repeat is harmless).
   */
  async function routeOutbound(callId: string, event: RelayCallEvent): Promise<void> {
    await redis.rpush(key('early', callId), JSON.stringify(event));
    await redis.expire(key('early', callId), EVENT_MEMORY_S);
    const owner = await redis.get(key('outbound', callId));
    if (owner) await publish({ kind: 'direct', callId, targets: [owner], event });
  }

  async function onWebhookEvent(event: CallEvent): Promise<void> {
    if (event.type === 'outbound_answered') {
      if (!(await firstTime(`answer:${event.callId}`))) return;
      return routeOutbound(event.callId, { type: 'outbound_answered', callId: event.callId, sdpAnswer: event.sdpAnswer });
    }
    if (event.type === 'outbound_status') {
      if (!(await firstTime(`status:${event.callId}:${event.status}`))) return;
      return routeOutbound(event.callId, { type: 'outbound_status', callId: event.callId, status: event.status });
    }
    if (event.type === 'call_offered') {
      if (!(await firstTime(`offer:${event.callId}`))) return;
      if (await redis.exists(key('seen', `terminate:${event.callId}`))) return;
      const offered: RelayCallEvent = {
        type: 'call_offered',
        callId: event.callId,
        from: event.from,
        callerName: event.callerName,
        sdpOffer: event.sdpOffer,
        timestampMs: event.timestampMs,
      };
      await redis.set(key('call', event.callId), JSON.stringify(offered), 'EX', EVENT_MEMORY_S);
      if (routing === 'longest_idle') await offerToNext(event.callId, offered);
      else await publish({ kind: 'offer', callId: event.callId, event: offered });
    } else if (event.type === 'call_terminated') {
      if (!(await firstTime(`terminate:${event.callId}`))) return;
      const claimedBy = await redis.get(key('claim', event.callId));
      if (claimedBy) await markAgent(claimedBy, 'available', Date.now());
      await publish({
        kind: 'event',
        callId: event.callId,
        event: { type: 'call_terminated', callId: event.callId, from: event.from, callerName: event.callerName, status: event.status, errors: event.errors },
      });
    }
  }

  subscriber.on('message', (_channel: string, text: string) => {
    const bus = JSON.parse(text) as Bus;
    for (const [agentId, agent] of sockets) {
      if (bus.kind === 'offer') {
        const targeted = bus.targets ? bus.targets.includes(agentId) : agent.status === 'available';
        if (!targeted) continue;
        if (bus.targets) ringingAlone.set(agentId, (ringingAlone.get(agentId) ?? new Set()).add(bus.callId));
        send(agent.socket, { type: 'event', event: bus.event });
      } else if (bus.kind === 'direct') {
        if (bus.targets?.includes(agentId)) send(agent.socket, { type: 'event', event: bus.event });
      } else {
        send(agent.socket, { type: 'event', event: bus.event });
      }
    }
  });
  await subscriber.subscribe(key('bus'));

  type Outcome = { error?: string; data?: unknown };

  async function handleRequest(agentId: string, message: Extract<AgentMessage, { type: 'request' }>): Promise<Outcome> {
    if (message.action === 'connect' || message.action === 'permission' || message.action === 'request_permission') {
      return handleOutbound(agentId, message);
    }
    const error = await handleCallRequest(agentId, message);
    return { error };
  }

  /** Calls placed by agents: the relay holds the token, and remembers who placed which call. */
  async function handleOutbound(agentId: string, message: Extract<AgentMessage, { type: 'request' }>): Promise<Outcome> {
    const to = message.callId;
    if (message.action === 'permission') return { data: await graph.callPermission(to) };
    if (message.action === 'request_permission') {
      return { data: await graph.requestCallPermission(to, PERMISSION_REQUEST_TEXT) };
    }
    if (!message.sdp) return { error: 'An SDP offer is required.' };
    const { callId } = await graph.connect(to, message.sdp);
    await redis.set(key('claim', callId), agentId, 'PX', CLAIM_MS);
    await redis.set(key('outbound', callId), agentId, 'PX', CLAIM_MS);
    await markAgent(agentId, 'busy');
    for (const text of await redis.lrange(key('early', callId), 0, -1)) {
      await publish({ kind: 'direct', callId, targets: [agentId], event: JSON.parse(text) as RelayCallEvent });
    }
    return { data: { callId } };
  }

  async function handleCallRequest(agentId: string, message: Extract<AgentMessage, { type: 'request' }>): Promise<string | undefined> {
    const { callId, action } = message;
    const claimKey = key('claim', callId);
    if (action === 'pre_accept') {
      if (!message.sdp) return 'An SDP answer is required.';
      // The atomic claim: exactly one agent's SET NX succeeds, however many click at once.
      const won = (await redis.set(claimKey, agentId, 'PX', CLAIM_MS, 'NX')) === 'OK';
      if (!won && (await redis.get(claimKey)) !== agentId) return 'Another agent answered this call.';
      await markAgent(agentId, 'busy');
      try {
        await graph.preAccept(callId, message.sdp);
      } catch (error) {
        await redis.del(claimKey);
        await markAgent(agentId, 'available');
        throw error;
      }
      await publish({ kind: 'event', callId, event: { type: 'call_taken', callId } });
      return undefined;
    }
    const owner = await redis.get(claimKey);
    if (action === 'accept') {
      if (owner !== agentId) return 'This call is not yours to accept.';
      if (!message.sdp) return 'An SDP answer is required.';
      await graph.accept(callId, message.sdp);
      return undefined;
    }
    if (action === 'terminate') {
      if (owner !== agentId) return 'This call is not yours to end.';
      await graph.terminate(callId);
      await markAgent(agentId, 'available', Date.now());
      return undefined;
    }
    // reject: this agent declines. The call is rejected on WhatsApp only when nobody else can take it.
    if (owner) return owner === agentId ? 'You already answered this call.' : undefined;
    await redis.sadd(key('declined', callId), agentId);
    await redis.expire(key('declined', callId), EVENT_MEMORY_S);
    const declined = await redis.smembers(key('declined', callId));
    const offered = await redis.get(key('call', callId));
    if (routing === 'longest_idle' && offered) {
      const left = await availableAgents([...declined, ...(await redis.smembers(key('tried', callId)))]);
      if (left.length > 0) return void (await offerToNext(callId, JSON.parse(offered) as RelayCallEvent));
    } else if ((await availableAgents(declined)).length > 0) {
      return undefined;
    }
    if ((await redis.set(claimKey, `rejected:${agentId}`, 'PX', CLAIM_MS, 'NX')) === 'OK') await graph.reject(callId);
    return undefined;
  }

  const agentServer = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain' });
    res.end('WebSocket only\n');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 128 * 1024 });
  agentServer.on('upgrade', (req: IncomingMessage, socket, head) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const check = verifyAgentToken(token, options.agentSecret);
    if (!check.ok) {
      log.warn('agent refused', { reason: check.reason });
      socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Type: text/plain\r\n\r\n${check.reason}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => void onAgent(check.agentId, ws));
  });

  async function onAgent(agentId: string, socket: WebSocket): Promise<void> {
    sockets.get(agentId)?.socket.close(4000, 'signed in elsewhere');
    const agent = { socket, status: 'available' as AgentStatus };
    sockets.set(agentId, agent);
    const existing = await redis.hget(key('agent', agentId), 'idleSince');
    await markAgent(agentId, 'available', existing ? Number(existing) : Date.now());
    send(socket, { type: 'welcome', agentId, instance });
    log.info('agent connected', { agentId, instance });
    socket.on('message', (data) => {
      let parsed: AgentMessage;
      try {
        parsed = AgentMessage.parse(JSON.parse(String(data)));
      } catch {
        log.warn('agent message refused', { agentId });
        socket.close(1008, 'invalid message');
        return;
      }
      if (parsed.type === 'status') {
        agent.status = parsed.status;
        void markAgent(agentId, parsed.status);
        return;
      }
      const request = parsed;
      handleRequest(agentId, request).then(
        ({ error, data }) => send(socket, { type: 'reply', id: request.id, ok: error === undefined, error, data }),
        (error: unknown) => send(socket, { type: 'reply', id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
    });
    socket.on('close', () => {
      if (sockets.get(agentId)?.socket !== socket) return;
      sockets.delete(agentId);
      log.info('agent disconnected', { agentId });
      void agentLeft(agentId).catch((error: unknown) => log.error('could not pass on calls of a departed agent', { error: String(error) }));
    });
  }

  async function agentLeft(agentId: string): Promise<void> {
    await redis.hset(key('agent', agentId), { status: 'offline', aliveUntil: '0' });
    const calls = ringingAlone.get(agentId) ?? new Set<string>();
    ringingAlone.delete(agentId);
    for (const callId of calls) {
      const [claimed, offered, ended] = await Promise.all([
        redis.get(key('claim', callId)),
        redis.get(key('call', callId)),
        redis.exists(key('seen', `terminate:${callId}`)),
      ]);
      if (!claimed && offered && !ended) await offerToNext(callId, JSON.parse(offered) as RelayCallEvent);
    }
  }

  const heartbeat = setInterval(() => {
    for (const [agentId, agent] of sockets) void markAgent(agentId, agent.status).catch(() => undefined);
  }, ALIVE_MS / 3);

  const webhook: WebhookServer = await startWebhookServer({
    appSecret: options.appSecret,
    verifyToken: options.verifyToken,
    port: options.webhookPort ?? 0,
    host: options.host,
    logger: log,
    onEvent: (event) => {
      onWebhookEvent(event).catch((error: unknown) => log.error('relay could not route a webhook event', { error: String(error) }));
    },
  });
  await new Promise<void>((resolve) => agentServer.listen(options.agentPort ?? 0, options.host ?? '127.0.0.1', resolve));
  const agentPort = (agentServer.address() as AddressInfo).port;

  return {
    instance,
    webhookUrl: webhook.url,
    agentUrl: `ws://${options.host ?? '127.0.0.1'}:${agentPort}/`,
    connectedAgents: () => [...sockets.keys()],
    async close(): Promise<void> {
      clearInterval(heartbeat);
      for (const { socket } of sockets.values()) socket.terminate();
      wss.close();
      agentServer.closeAllConnections();
      await new Promise<void>((resolve) => agentServer.close(() => resolve()));
      await webhook.close();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}

export type Relay = Awaited<ReturnType<typeof startRelay>>;
