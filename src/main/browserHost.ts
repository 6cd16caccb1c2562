import { errorText } from '../shared/errorText';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { WINDOW_HEADER } from '../shared/ipcChannels';
import type { EventChannel, EventPayload } from '../shared/ipcContract';
import { startAppServices, type AppServices, type AppServicesOptions } from './appServices';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';
import { poolConnections } from './connectionPools';
import { guardHostRequest, newSessionToken, sessionCookieName, showsSession } from './hostGuard';
import { dispatchInvoke, IpcRequestError } from './ipcDispatch';
import { BodyTooLarge, readBoundedBody } from '../whatsapp/readBody';
import { sentence } from '../shared/sentence';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** How often the event stream says the host is alive; the page gives up after a few missed beats. */
export const HEARTBEAT_MS = 500;
/** How soon a refused second window asks again (it takes over once the first has closed, as after a reload). */
const WINDOW_RETRY_MS = 500;
/** Long enough for a reload or a browser's restart of its tabs; short against a desk left ringing for nobody. */
const WINDOW_AWAY_GRACE_MS = 15_000;

export interface BrowserHostOptions extends Omit<AppServicesOptions, 'emit'> {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** How long a call outlives its last window (a reload reconnects well within this). */
  windowGoneGraceMs?: number;
  /** How long after its last window closed the agent is set Away (a slow reload, a browser restart, within it). */
  windowAwayGraceMs?: number;
  port?: number;
}

async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  let body: Buffer;
  try {
    body = await readBoundedBody(req, limit);
  } catch (error) {
    throw error instanceof BodyTooLarge ? new IpcRequestError('request too large') : error;
  }
  try {
    return JSON.parse(body.toString('utf8') || 'null');
  } catch {
    throw new IpcRequestError('request is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(text);
}

/** What a person starting a second phone on the same port reads, instead of Node's EADDRINUSE. */
function portTaken(port: number | undefined): Error {
  return new Error(
    `Port ${port} on 127.0.0.1 is taken, most likely by another npm start or npm run demo: stop that one, ` +
      'or set SOFTPHONE_UI_PORT to another port.',
  );
}

/**
 * Runs the renderer in any Chromium against the main-side services in Node, joined by the same
 * contract the preload exposes (requests over POST, pushes over server-sent events).
 * Used by the end-to-end tests and the demo where no Electron binary is available.
 */
export async function startBrowserHost(options: BrowserHostOptions) {
  const streams = new Set<ServerResponse>();
  const emit = <C extends EventChannel>(channel: C, payload: EventPayload<C>): void => {
    const frame = `data: ${JSON.stringify({ channel, payload })}\n\n`;
    // A relay's word that arrives while the host closes finds the page's streams ended: nothing to tell then.
    for (const res of streams) if (!res.writableEnded) res.write(frame);
  };
  const {
    rendererDir,
    port: uiPort,
    windowGoneGraceMs: _grace,
    windowAwayGraceMs: _awayGrace,
    ...serviceOptions
  } = options;
  const services: AppServices = await startAppServices({ ...serviceOptions, emit });
  const root = normalize(rendererDir);

  async function serveFile(pathname: string, res: ServerResponse): Promise<void> {
    const file = normalize(join(root, pathname === '/' ? 'index.html' : pathname));
    if (file !== root && !file.startsWith(root + sep)) return sendJson(res, 403, { error: 'forbidden' });
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      });
      res.end(body);
    } catch {
      sendJson(res, 404, { error: 'not found' });
    }
  }

  let orphanTimer: ReturnType<typeof setTimeout> | undefined;
  let awayTimer: ReturnType<typeof setTimeout> | undefined;
  let closing = false;
  // A heartbeat on the event stream lets the page tell a hung or dead host from a quiet one.
  const heartbeat = setInterval(() => {
    for (const res of streams) res.write(`event: ping\ndata: ${Date.now()}\n\n`);
  }, HEARTBEAT_MS);

  /** The one window the phone works with: its calls' audio lives there, so a second one must not act. */
  let activeWindow: { id: string; res: ServerResponse } | undefined;
  const windowWaiters: Array<() => void> = [];

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    if (activeWindow) {
      // Refused, and told to ask again soon: when the other window closes (or this is a reload), this one takes over.
      res.end(`retry: ${WINDOW_RETRY_MS}\nevent: refused\ndata: {}\n\n`);
      return;
    }
    const window = { id: randomBytes(16).toString('hex'), res };
    activeWindow = window;
    for (const wake of windowWaiters.splice(0)) wake();
    res.write(`: connected\nevent: hello\ndata: ${JSON.stringify({ windowId: window.id })}\n\n`);
    streams.add(res);
    clearTimeout(orphanTimer);
    clearTimeout(awayTimer);
    req.on('close', () => {
      if (activeWindow === window) activeWindow = undefined;
      streams.delete(res);
      if (streams.size > 0) return;
      // The call's audio lived in that window: with no window left, end answered calls rather than leave them open.
      orphanTimer = setTimeout(() => {
        if (streams.size === 0)
          void services.coordinator.endAnswered(
            'The phone window was closed during the call.',
            sentence('windowClosed'),
          );
      }, options.windowGoneGraceMs ?? 1500);
      // Nobody sees this desk any more: it must not go on taking calls (the relay would ring it, WhatsApp wait on it).
      awayTimer = setTimeout(() => {
        if (streams.size === 0 && !closing) services.noWindow();
      }, options.windowAwayGraceMs ?? WINDOW_AWAY_GRACE_MS);
    });
  }

  async function invoke(channel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (activeWindow && req.headers[WINDOW_HEADER] !== activeWindow.id) {
      req.resume();
      return sendJson(res, 409, {
        error: 'The phone is open in another window: act there, so calls are never split between two windows.',
      });
    }
    try {
      // Only the hold-music upload carries a file; every other request is small.
      const payload = await readJson(req, channel === 'settings:holdMusicSave' ? 12 * 1024 * 1024 : 256 * 1024);
      sendJson(res, 200, { result: await dispatchInvoke(services.handlers, channel, payload) });
    } catch (error) {
      const status = error instanceof IpcRequestError ? 400 : 500;
      options.logger.warn('renderer request refused', { channel, error: String(error) });
      sendJson(res, status, { error: errorText(error) });
    }
  }

  const sessionToken = newSessionToken();
  let port = 0;

  /** The printed address carries the session; the page is then served from `/` with the session in a cookie. */
  function signIn(url: URL, res: ServerResponse): boolean {
    const offered = url.searchParams.get('session');
    if (url.pathname !== '/' || offered === null) return false;
    if (offered !== sessionToken) {
      sendJson(res, 401, {
        error: 'This sign-in address is from another run of the phone: open the one it printed now.',
      });
      return true;
    }
    res.writeHead(303, {
      Location: '/',
      'Set-Cookie': `${sessionCookieName(port)}=${sessionToken}; HttpOnly; SameSite=Strict; Path=/`,
      'Cache-Control': 'no-store',
    });
    res.end();
    return true;
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (signIn(url, res)) return;
    const verdict = guardHostRequest({ method: req.method ?? 'GET', headers: req.headers }, port, sessionToken);
    if (!verdict.ok) return sendJson(res, verdict.status, { error: verdict.error });
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      return sendJson(res, 400, { error: 'malformed address' });
    }
    if (pathname === '/api/events' && req.method === 'GET') return openEvents(req, res);
    const invokeMatch = /^\/api\/invoke\/([^/]+)$/.exec(pathname);
    if (invokeMatch && req.method === 'POST') return void invoke(invokeMatch[1]!, req, res);
    if (req.method === 'GET') return void serveFile(pathname, res);
    sendJson(res, 405, { error: 'method not allowed' });
  }

  /** The page's requests keep their connection in its own pool; anyone else's is answered once, then closed. */
  function sortConnection(req: IncomingMessage, res: ServerResponse): boolean {
    if (!showsSession(req, sessionToken, port)) {
      res.setHeader('Connection', 'close');
      return true;
    }
    if (pools.prove(req.socket)) return true;
    req.resume();
    res.setHeader('Connection', 'close');
    sendJson(res, 503, { error: 'Too many connections to the phone: close its other tabs and reload.' });
    return false;
  }

  const server = createServer(
    { headersTimeout: 5000, requestTimeout: 15_000, connectionsCheckingInterval: 500 },
    (req, res) => {
      try {
        if (sortConnection(req, res)) route(req, res);
      } catch (error) {
        options.logger.error('browser host request failed', { error: errorText(error) });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      }
    },
  );
  // A client that resets or sends garbage is dropped; it never takes the phone down.
  server.on('clientError', (_error, socket) => socket.destroy());
  // Bounds the open connections without letting another local user's flood take the page's place.
  const pools = poolConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? portTaken(uiPort) : error),
    );
    server.listen(uiPort ?? 0, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;

  return {
    /** The address to open: it signs the browser in for this run. */
    url: `http://127.0.0.1:${port}/?session=${sessionToken}`,
    /** The host's own address, without the sign-in. */
    baseUrl: `http://127.0.0.1:${port}/`,
    /** Resolves once the phone's window is open (at once if it already is): the demo's first call waits for it. */
    whenWindowOpens(): Promise<void> {
      return activeWindow ? Promise.resolve() : new Promise((resolve) => windowWaiters.push(resolve));
    },
    /** The cookie a client must send; for tests and tools that talk to the host directly. */
    sessionCookie: `${sessionCookieName(port)}=${sessionToken}`,
    services,
    async close(): Promise<void> {
      closing = true;
      clearTimeout(orphanTimer);
      clearTimeout(awayTimer);
      clearInterval(heartbeat);
      await services.close();
      for (const res of streams) res.end();
      streams.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type BrowserHost = Awaited<ReturnType<typeof startBrowserHost>>;
