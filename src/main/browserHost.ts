import { errorText } from '../shared/errorText';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import type { EventChannel, EventPayload } from '../shared/ipcContract';
import { startAppServices, type AppServices, type AppServicesOptions } from './appServices';
import { CONTENT_SECURITY_POLICY } from './contentSecurityPolicy';
import { dispatchInvoke, IpcRequestError } from './ipcDispatch';
import { BodyTooLarge, readBoundedBody } from '../whatsapp/readBody';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface BrowserHostOptions extends Omit<AppServicesOptions, 'emit'> {
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** How long a call outlives its last window (a reload reconnects well within this). */
  windowGoneGraceMs?: number;
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

/**
 * Runs the renderer in any Chromium against the main-side services in Node, joined by the same
 * contract the preload exposes (requests over POST, pushes over server-sent events).
 * Used by the end-to-end tests and the demo where no Electron binary is available.
 */
export async function startBrowserHost(options: BrowserHostOptions) {
  const streams = new Set<ServerResponse>();
  const emit = <C extends EventChannel>(channel: C, payload: EventPayload<C>): void => {
    const frame = `data: ${JSON.stringify({ channel, payload })}\n\n`;
    for (const res of streams) res.write(frame);
  };
  const { rendererDir, port: uiPort, windowGoneGraceMs: _grace, ...serviceOptions } = options;
  const services: AppServices = await startAppServices({ ...serviceOptions, emit });
  const root = normalize(rendererDir);

  async function serveFile(pathname: string, res: ServerResponse): Promise<void> {
    const file = normalize(join(root, pathname === '/' ? 'index.html' : decodeURIComponent(pathname)));
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

  function openEvents(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
    res.write(': connected\n\n');
    streams.add(res);
    clearTimeout(orphanTimer);
    req.on('close', () => {
      streams.delete(res);
      if (streams.size > 0) return;
      // The call's audio lived in that window: with no window left, end answered calls rather than leave them open.
      orphanTimer = setTimeout(() => {
        if (streams.size === 0) void services.coordinator.endAnswered('The phone window was closed during the call.');
      }, options.windowGoneGraceMs ?? 1500);
    });
  }

  async function invoke(channel: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const payload = await readJson(req, 256 * 1024);
      sendJson(res, 200, { result: await dispatchInvoke(services.handlers, channel, payload) });
    } catch (error) {
      const status = error instanceof IpcRequestError ? 400 : 500;
      options.logger.warn('renderer request refused', { channel, error: String(error) });
      sendJson(res, status, { error: errorText(error) });
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Only the page this host serves may call it; a foreign origin gets nothing.
    const origin = req.headers.origin;
    if (origin && origin !== `http://${req.headers.host}`) return sendJson(res, 403, { error: 'foreign origin' });
    if (url.pathname === '/api/events' && req.method === 'GET') return openEvents(req, res);
    const invokeMatch = /^\/api\/invoke\/([^/]+)$/.exec(url.pathname);
    if (invokeMatch && req.method === 'POST') return void invoke(decodeURIComponent(invokeMatch[1]!), req, res);
    if (req.method === 'GET') return void serveFile(url.pathname, res);
    sendJson(res, 405, { error: 'method not allowed' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(uiPort ?? 0, '127.0.0.1', resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    services,
    async close(): Promise<void> {
      clearTimeout(orphanTimer);
      await services.close();
      for (const res of streams) res.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type BrowserHost = Awaited<ReturnType<typeof startBrowserHost>>;
