import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhook, type CallEvent } from '../shared/parseWebhook';
import { createCallEventFilter, type CallEventFilter } from './callEventFilter';
import type { Logger } from './logger';
import { createBodySlots, paceIfBehind, type BodyProgress, type BodySlot } from './bodySlots';
import { requestClient } from './clientAddress';
import { groupedWarnings, guardConnections, type ConnectionRefusal } from './connectionGuard';
import { BodyTooLarge, BodyTooSlow, readBoundedBody } from './readBody';
import { startSignatureCheck } from './signature';

export interface WebhookServerOptions {
  appSecret: string;
  verifyToken: string;
  port?: number;
  host?: string;
  path?: string;
  /** Meta documents payloads up to 3 MB. */
  maxBodyBytes?: number;
  /** Bodies over 64 KB buffered at once; past this, 503 (Meta retries). Smaller bodies need no slot. */
  maxBodiesInFlight?: number;
  /** Bodies buffered at once from one client (see trustedProxies), so one source cannot take every slot. */
  maxBodiesPerClient?: number;
  /**
   * A real sender's slowest pace: past a second's grace, a body must keep up with this many bytes a second or it is
   * cut (408), and when slots are full a body behind it gives its slot to a new one.
   */
  minBodyBytesPerSec?: number;
  maxConnections?: number;
  /** Open connections from one address (trusted proxies excepted). */
  maxConnectionsPerAddress?: number;
  /**
   * Reverse proxies in front of this server, by their own address. Their X-Forwarded-For names the client whose
   * share of body slots a delivery takes, and they are not capped per address. Nobody else's X-Forwarded-For is
   * believed; without this, every delivery through a proxy shares the proxy's share, and the pace rule alone keeps
   * slow bodies from holding it.
   */
  trustedProxies?: readonly string[];
  /** Counts connections refused or closed by the caps (the relay's metrics). */
  onConnectionRefused?: (reason: ConnectionRefusal) => void;
  /** Time for a client to send its headers, and its whole request. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  logger: Logger;
  filter?: CallEventFilter;
  /** Takes one event; with `confirmBeforeReply`, a promise that settles once the event is safely recorded. */
  onEvent: (event: CallEvent) => unknown;
  /**
   * Reply only once every event is handled, and 503 when one could not be (Meta then delivers again).
   * For the relay, which must record a call in Redis before saying it has it.
   */
  confirmBeforeReply?: boolean;
  /** Called after every webhook request, accepted or refused, so a status view can follow. */
  onActivity?: () => void;
}

export interface WebhookServerStatus {
  receivedCount: number;
  rejectedCount: number;
  lastEventAtMs?: number;
  /** When Meta's verification request (right verify token) last came in. */
  verifiedAtMs?: number;
  lastRejection?: { atMs: number; status: number; reason: string };
  /** Parts of signed deliveries that could not be read (acknowledged all the same, so Meta does not retry them). */
  unparsedCount: number;
  lastUnparsed?: { atMs: number; path: string; reason: string; sample: string };
}

export interface WebhookServer {
  url: string;
  port: number;
  status(): WebhookServerStatus;
  /** Connections open now (the relay's metrics). */
  openConnections(): number;
  close(): Promise<void>;
}

const WEBHOOK_PATH = '/webhook';
// Call webhooks are a few kilobytes: a body needs one of the bounded slots only past this, so a trickle that
// declares 3 MB never takes one and Meta's deliveries never wait for one.
const SLOT_FREE_BYTES = 64 * 1024;

/** The address to paste into Meta's dashboard for a public base URL (the user's own, or a tunnel's). */
export function webhookCallbackUrl(publicBase: string): string {
  return `${publicBase.replace(/\/+$/, '')}${WEBHOOK_PATH}`;
}

export class WebhookServerStartError extends Error {
  override readonly name = 'WebhookServerStartError';
  /** Why, for the agent's sentence: the port taken, not allowed, or the system's own error (`detail`). */
  constructor(
    message: string,
    readonly why: { reason: 'in_use' | 'not_allowed' | 'failed'; host: string; port: number; detail?: string },
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const path = options.path ?? WEBHOOK_PATH;
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 3 * 1024 * 1024;
  const minBodyBytesPerSec = options.minBodyBytesPerSec ?? 64 * 1024;
  const slots = createBodySlots({
    total: options.maxBodiesInFlight ?? 32,
    perClient: options.maxBodiesPerClient ?? 4,
    minBytesPerSec: minBodyBytesPerSec,
  });
  const filter = options.filter ?? createCallEventFilter();
  const log = options.logger;
  const status: WebhookServerStatus = { receivedCount: 0, rejectedCount: 0, unparsedCount: 0 };
  // A flood of refusals is counted exactly in the status but written at most once a second per reason.
  const refusals = groupedWarnings(log, 'webhook refused');

  function unparsed(part: { path: string; reason: string; sample: string }): void {
    status.unparsedCount += 1;
    status.lastUnparsed = { atMs: Date.now(), ...part };
    log.warn('webhook part not understood; acknowledged and skipped', { path: part.path, reason: part.reason });
  }

  function refuse(res: ServerResponse, code: number, reason: string, fields: Record<string, unknown> = {}): void {
    status.rejectedCount += 1;
    status.lastRejection = { atMs: Date.now(), status: code, reason };
    refusals.warn(`${code} ${reason}`, { status: code, reason, ...fields });
    send(res, code, `${reason}\n`);
    options.onActivity?.();
  }

  function handleVerify(url: URL, res: ServerResponse): void {
    const mode = url.searchParams.get('hub.mode');
    const token = url.searchParams.get('hub.verify_token');
    const challenge = url.searchParams.get('hub.challenge');
    if (mode !== 'subscribe' || !challenge) return refuse(res, 400, 'expected hub.mode=subscribe and a hub.challenge');
    if (token !== options.verifyToken)
      return refuse(res, 403, 'hub.verify_token does not match the verify token in Settings');
    log.info('webhook verified by Meta');
    status.verifiedAtMs = Date.now();
    send(res, 200, challenge);
    options.onActivity?.();
  }

  function dispatch(events: CallEvent[]): void {
    for (const event of events) {
      const verdict = filter.check(event);
      if (!verdict.deliver) {
        // Repeats are routine (Meta delivers at least once), so they are logged only when debugging.
        log.debug('webhook event skipped', {
          type: event.type,
          reason: verdict.reason,
          ...('callId' in event ? { callId: event.callId } : {}),
        });
        continue;
      }
      try {
        options.onEvent(event);
      } catch (error) {
        log.error('webhook event handler failed', { type: event.type, error: String(error) });
      }
    }
  }

  async function confirmThenReply(events: CallEvent[], res: ServerResponse): Promise<void> {
    const delivered = events.filter((event) => filter.check(event).deliver);
    const outcomes = await Promise.allSettled(delivered.map(async (event) => options.onEvent(event)));
    const failed = delivered.filter((_, i) => outcomes[i]!.status === 'rejected');
    options.onActivity?.();
    if (failed.length === 0) return send(res, 200, 'ok\n');
    for (const event of failed) filter.forget(event);
    const reason = (outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult).reason;
    log.error('webhook events could not be recorded; asking Meta to deliver again', {
      count: failed.length,
      error: String(reason),
    });
    refuse(res, 503, 'could not record the events now; deliver again');
  }

  function tooBusy(res: ServerResponse, client: string): void {
    res.setHeader('Connection', 'close');
    res.setHeader('Retry-After', '1');
    refuse(res, 503, 'too many requests in flight; deliver again', { client });
  }

  async function handlePost(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const check = startSignatureCheck(req.headers['x-hub-signature-256'] as string | undefined, options.appSecret);
    if (!check.ok) {
      res.setHeader('Connection', 'close');
      return refuse(res, 401, check.reason);
    }
    const client = requestClient(req, options.trustedProxies);
    const declared = Number(req.headers['content-length']) || maxBodyBytes;
    const cut = new AbortController();
    const body: BodyProgress = { startedMs: Date.now(), declared, received: 0 };
    let reading = true;
    let slot: BodySlot | undefined;
    // Memory stays bounded under a flood: past the free bytes, at most this many bodies are buffered at once.
    const onChunk = (chunk: Buffer): void => {
      check.update(chunk);
      body.received += chunk.length;
      if (!slot && body.received > SLOT_FREE_BYTES) slot = slots.take({ ...body, client }, () => cut.abort());
      if (slot) slot.received = body.received;
      else if (body.received > SLOT_FREE_BYTES) cut.abort();
    };
    // On a full port, a body behind a real sender's pace from its start (oldest first) makes room for a newcomer.
    const behind = () => paceIfBehind(body, minBodyBytesPerSec, { judgedAfterMs: 0 }) !== undefined;
    guard.judge(req.socket, () => reading && behind());
    let raw: Buffer;
    try {
      const pace = { minBytesPerSec: minBodyBytesPerSec, graceMs: 1000, signal: cut.signal };
      raw = await readBoundedBody(req, maxBodyBytes, onChunk, pace);
    } catch (error) {
      // Closed by the client, or made room for a newcomer (counted by the connection guard): nobody to answer.
      if (req.socket.destroyed) return;
      res.setHeader('Connection', 'close');
      if (error instanceof BodyTooLarge) return refuse(res, 413, `body larger than ${maxBodyBytes} bytes`);
      if (cut.signal.aborted) return tooBusy(res, client);
      if (error instanceof BodyTooSlow) return refuse(res, 408, error.message, { client });
      throw error;
    } finally {
      reading = false;
      if (slot) slots.release(slot);
    }
    const signature = check.verdict();
    if (!signature.ok) return refuse(res, 401, signature.reason, { bytes: raw.length });
    // From here the body is Meta's own: it is always acknowledged, since a retry could never read better.
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      unparsed({ path: '(body)', reason: 'body is not valid JSON', sample: raw.subarray(0, 500).toString('utf8') });
      send(res, 200, 'ok\n');
      return options.onActivity?.();
    }
    const parsed = parseWebhook(json);
    if (!parsed.ok) {
      unparsed({ path: '(body)', reason: `not a WhatsApp webhook: ${parsed.error}`, sample: parsed.sample });
      send(res, 200, 'ok\n');
      return options.onActivity?.();
    }
    for (const part of parsed.skipped) unparsed(part);
    status.receivedCount += 1;
    status.lastEventAtMs = Date.now();
    if (options.confirmBeforeReply) return confirmThenReply(parsed.events, res);
    // Answer first: Meta times out after ~20 s and retries, and nothing below can change the reply.
    send(res, 200, 'ok\n');
    dispatching += 1;
    setImmediate(() => {
      try {
        dispatch(parsed.events);
        options.onActivity?.();
      } finally {
        dispatching -= 1;
        if (dispatching === 0) for (const done of drained.splice(0)) done();
      }
    });
  }
  /** Events answered but not yet handed on: closing waits for them, so none reaches a store already closed. */
  let dispatching = 0;
  const drained: Array<() => void> = [];

  const server = createServer(
    {
      headersTimeout: Math.min(options.headersTimeoutMs ?? 5000, options.requestTimeoutMs ?? 15_000),
      requestTimeout: options.requestTimeoutMs ?? 15_000,
      keepAliveTimeout: 5000,
      connectionsCheckingInterval: 500,
    },
    (req, res) => {
      // Meta POSTs to the bare path; only the verification GET carries a query worth parsing.
      const target = req.url ?? '/';
      const query = target.indexOf('?');
      if ((query === -1 ? target : target.slice(0, query)) !== path) return send(res, 404, 'not found\n');
      if (req.method === 'GET') return handleVerify(new URL(target, 'http://localhost'), res);
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'GET, POST');
        return send(res, 405, 'method not allowed\n');
      }
      handlePost(req, res).catch((error: unknown) => {
        log.error('webhook request failed', { error: String(error) });
        if (!res.headersSent) send(res, 500, 'internal error\n');
      });
    },
  );
  // File descriptors are finite: past these caps new connections are dropped at once or idle ones give way, and
  // silent or slow ones are cut by the deadlines, so Meta's deliveries get through again within seconds.
  const guard = guardConnections(
    server,
    {
      maxConnections: options.maxConnections ?? 512,
      maxPerAddress: options.maxConnectionsPerAddress ?? 64,
      firstRequestMs: Math.min(options.headersTimeoutMs ?? 5000, options.requestTimeoutMs ?? 15_000),
      trustedProxies: options.trustedProxies,
    },
    { port: 'webhook', log, onRefusal: options.onConnectionRefused },
  );
  server.on('clientError', (_error, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${options.port ?? 0}`;
      const reason =
        error.code === 'EADDRINUSE'
          ? `Webhook port ${options.port} is already in use on ${host}. Close the other program or choose another webhook port in Settings.`
          : error.code === 'EACCES'
            ? `Not allowed to listen on ${where}. Choose a webhook port above 1024 in Settings.`
            : `Could not start the webhook server on ${where}: ${error.message}`;
      const why = error.code === 'EADDRINUSE' ? 'in_use' : error.code === 'EACCES' ? 'not_allowed' : 'failed';
      reject(
        new WebhookServerStartError(reason, { reason: why, host, port: options.port ?? 0, detail: error.message }),
      );
    });
    server.listen(options.port ?? 0, host, () => resolve());
  });

  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  log.info('webhook server listening', { host, port, path });
  return {
    url: `http://${shownHost}:${port}${path}`,
    port,
    status: () => ({ ...status }),
    openConnections: () => guard.open(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          refusals.flush();
          if (dispatching === 0) resolve();
          else drained.push(resolve);
        });
        server.closeAllConnections();
      }),
  };
}
