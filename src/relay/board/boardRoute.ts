import { randomUUID } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BoardRequest, type BoardMessage } from '../../shared/boardSchemas';
import type { CallSignal } from '../../shared/callSignals';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { TokenCheck } from '../agentTokens';
import type { BoardSource } from './boardSource';
import { reportCsv } from './reportFigures';
import { ReportQuery, type Report } from '../../shared/reportSchemas';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; media-src 'self' blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};
/** A supervisor who has not said who they are within this is dropped. */
const HELLO_WITHIN_MS = 5000;
/** The board is sent again this often, so waiting and talk times move, and at once after a call's news. */
const REFRESH_MS = 1000;
const NEWS_DEBOUNCE_MS = 20;

interface Supervisor {
  socket: WebSocket;
  name?: string;
  /** The call this supervisor is listening in on from this page, if any. */
  listeningTo?: string;
  /** Tells this page's leg from the same supervisor's other pages. */
  page: string;
}

/** The supervisor's line from this page: the same supervisor on two pages has two lines. */
const listenerOf = (supervisor: Supervisor) => `${supervisor.name}/${supervisor.page}`;

/** Listening in and barging, where calls' media goes through the team's media server. */
export interface SupervisorListening {
  /** Why this call cannot be listened to, in a sentence for the supervisor; undefined when it can. */
  refusal(callId: string): Promise<string | undefined>;
  offer(callId: string, supervisor: string, onEnd: (reason: string) => void): Promise<string>;
  answer(callId: string, supervisor: string, sdp: string): Promise<void>;
  setHeard(callId: string, supervisor: string, heard: boolean): Promise<boolean>;
  stop(callId: string, supervisor: string): Promise<unknown>;
}

/**
 * The supervisor board on the relay's agent port: the page at /board (built into `out/board`), and its live
 * WebSocket at /board/live, which opens only with a supervisor token and only from the page's own origin.
 */
export function createBoardRoute(deps: {
  source: BoardSource;
  pageDir: string;
  checkToken(token: string): Promise<TokenCheck>;
  isKnownAgent(agentId: string): Promise<boolean>;
  setAgentStatus(agentId: string, status: 'available' | 'away', by: string): Promise<void>;
  listening?: SupervisorListening;
  /** Where a call's room recording is on this machine; undefined when there is none. */
  roomRecording?(callId: string): Promise<string | undefined>;
  log: Logger;
}) {
  const { source, log } = deps;
  const supervisors = new Set<Supervisor>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  let timer: ReturnType<typeof setInterval> | undefined;
  let newsTimer: ReturnType<typeof setTimeout> | undefined;
  let sending: Promise<void> | undefined;

  const send = (socket: WebSocket, message: BoardMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  async function broadcast(): Promise<void> {
    const signedIn = [...supervisors].filter((s) => s.name);
    if (signedIn.length === 0) return;
    try {
      const snapshot = await source.snapshot();
      const text = JSON.stringify({ type: 'snapshot', snapshot } satisfies BoardMessage);
      for (const s of signedIn) if (s.socket.readyState === s.socket.OPEN) s.socket.send(text);
    } catch (error) {
      log.warn('board not refreshed', { error: errorText(error) });
    }
  }
  const refresh = (): void => {
    sending ??= broadcast().finally(() => (sending = undefined));
  };

  async function onRequest(supervisor: Supervisor, request: BoardRequest): Promise<void> {
    if (request.type === 'hello') {
      const check = await deps.checkToken(request.token);
      if (!check.ok) {
        log.warn('supervisor refused', { reason: check.reason });
        send(supervisor.socket, {
          type: 'error',
          message: 'This supervisor token is not accepted; ask for a new one.',
        });
        supervisor.socket.close(4001, 'supervisor token refused');
        return;
      }
      supervisor.name = check.agentId;
      log.info('supervisor signed in', { supervisor: check.agentId });
      send(supervisor.socket, { type: 'welcome', supervisor: check.agentId });
      timer ??= setInterval(refresh, REFRESH_MS);
      refresh();
      return;
    }
    if (!supervisor.name) {
      supervisor.socket.close(4001, 'sign in first');
      return;
    }
    if (
      request.type === 'listen' ||
      request.type === 'listen_answer' ||
      request.type === 'barge' ||
      request.type === 'stop_listening'
    ) {
      await onListening(supervisor, supervisor.name, request).catch((error: unknown) => {
        log.warn('listening in failed', { callId: request.callId, error: errorText(error) });
        if (supervisor.listeningTo === request.callId) supervisor.listeningTo = undefined;
        void deps.listening?.stop(request.callId, listenerOf(supervisor)).catch(() => undefined);
        send(supervisor.socket, {
          type: 'listen_ended',
          callId: request.callId,
          reason: 'The listening line could not be set up; try again.',
        });
      });
      return;
    }
    if (!(await deps.isKnownAgent(request.agentId))) {
      send(supervisor.socket, { type: 'error', message: `There is no agent ${request.agentId} in this team.` });
      return;
    }
    if (request.type === 'set_status') {
      await deps.setAgentStatus(request.agentId, request.status, supervisor.name);
      log.info('supervisor set an agent status', {
        supervisor: supervisor.name,
        agentId: request.agentId,
        status: request.status,
      });
      refresh();
      return;
    }
    send(supervisor.socket, {
      type: 'agent_calls',
      agentId: request.agentId,
      calls: await source.agentCalls(request.agentId),
    });
  }

  async function onListening(
    supervisor: Supervisor,
    name: string,
    request: Extract<BoardRequest, { type: 'listen' | 'listen_answer' | 'barge' | 'stop_listening' }>,
  ): Promise<void> {
    const { callId } = request;
    const listening = deps.listening;
    const listener = listenerOf(supervisor);
    if (request.type === 'listen') {
      const refusal = listening
        ? await listening.refusal(callId)
        : 'Listening in needs the team’s media server: no queue of this relay anchors its media.';
      if (refusal) return send(supervisor.socket, { type: 'listen_ended', callId, reason: refusal });
      if (supervisor.listeningTo && supervisor.listeningTo !== callId)
        await listening!.stop(supervisor.listeningTo, listener);
      supervisor.listeningTo = callId;
      const sdp = await listening!.offer(callId, listener, (reason) => {
        if (supervisor.listeningTo === callId) supervisor.listeningTo = undefined;
        send(supervisor.socket, { type: 'listen_ended', callId, reason });
      });
      log.info('supervisor listening in', { supervisor: name, callId });
      return send(supervisor.socket, { type: 'listen_offer', callId, sdp });
    }
    // Only the call this page asked to listen to: nothing acts on another supervisor's leg or another call.
    if (!listening || supervisor.listeningTo !== callId) {
      if (request.type !== 'stop_listening')
        send(supervisor.socket, { type: 'error', message: 'You are not listening to that call.' });
      return;
    }
    if (request.type === 'listen_answer') {
      await listening.answer(callId, listener, request.sdp);
      return send(supervisor.socket, { type: 'listening', callId, heard: false });
    }
    if (request.type === 'barge') {
      if (!(await listening.setHeard(callId, listener, true)))
        return send(supervisor.socket, { type: 'error', message: 'Your listening line is not connected yet.' });
      log.info('supervisor barged in', { supervisor: name, callId });
      return send(supervisor.socket, { type: 'listening', callId, heard: true });
    }
    supervisor.listeningTo = undefined;
    await listening.stop(callId, listener);
    send(supervisor.socket, { type: 'listen_ended', callId, reason: 'You stopped listening.' });
  }

  function onSupervisor(socket: WebSocket): void {
    const supervisor: Supervisor = { socket, page: randomUUID().slice(0, 8) };
    supervisors.add(supervisor);
    const hello = setTimeout(() => !supervisor.name && socket.close(4001, 'sign in first'), HELLO_WITHIN_MS);
    socket.on('error', (error) => log.warn('supervisor connection error', { error: error.message }));
    socket.on('close', () => {
      clearTimeout(hello);
      supervisors.delete(supervisor);
      // A supervisor who closes the page stops listening: nobody stays on a call unseen.
      if (supervisor.listeningTo && supervisor.name)
        deps.listening
          ?.stop(supervisor.listeningTo, listenerOf(supervisor))
          .catch((error: unknown) => log.warn('listening leg not released', { error: errorText(error) }));
      if (supervisors.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    });
    socket.on('message', (data) => {
      let parsed: ReturnType<typeof BoardRequest.safeParse>;
      try {
        parsed = BoardRequest.safeParse(JSON.parse(String(data)));
      } catch {
        parsed = BoardRequest.safeParse(undefined);
      }
      if (!parsed.success) {
        socket.close(1008, 'invalid message');
        return;
      }
      onRequest(supervisor, parsed.data).catch((error: unknown) => {
        log.warn('supervisor request failed', { error: errorText(error) });
        send(socket, { type: 'error', message: 'The relay could not do that just now; try again.' });
      });
    });
  }

  /** GET /board/api/report?from=YYYY-MM-DD&to=YYYY-MM-DD&bucket=hour|day&format=json|csv, for a supervisor. */
  async function report(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8', extra = {}) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
      res.end(body);
    };
    if (req.method !== 'GET') return reply(405, 'GET only\n');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const check = token ? await deps.checkToken(token) : undefined;
    if (!check?.ok) return reply(401, 'Reports need a supervisor token.\n');
    const params = Object.fromEntries(new URL(req.url ?? '/', 'http://relay').searchParams);
    const query = ReportQuery.safeParse(params);
    if (!query.success) return reply(400, `${query.error.issues.map((i) => i.message).join('; ')}\n`);
    let built: Report | undefined;
    try {
      built = await source.report(query.data);
    } catch (error) {
      log.warn('report not built', { error: errorText(error) });
      return reply(503, 'The call records database does not answer; try again in a moment.\n');
    }
    if (!built) return reply(404, 'Reports need the call records (RELAY_DATABASE_URL on the relay).\n');
    if (query.data.format === 'csv')
      return reply(200, reportCsv(built), 'text/csv; charset=utf-8', {
        'Content-Disposition': `attachment; filename="calls-${params.from}-${params.to}.csv"`,
      });
    reply(200, JSON.stringify(built), 'application/json');
  }

  /** GET /board/api/recording?callId=…: the call's room recording (WAV), for a supervisor. */
  async function recording(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: string): void => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(body);
    };
    if (req.method !== 'GET') return reply(405, 'GET only\n');
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const check = token ? await deps.checkToken(token) : undefined;
    if (!check?.ok) return reply(401, 'Recordings need a supervisor token.\n');
    const callId = new URL(req.url ?? '/', 'http://relay').searchParams.get('callId') ?? '';
    if (!/^[\w.:=-]{1,256}$/.test(callId)) return reply(400, 'callId is missing or malformed.\n');
    let file: string | undefined;
    try {
      file = await deps.roomRecording?.(callId);
    } catch (error) {
      log.warn('recording not looked up', { error: errorText(error) });
      return reply(503, 'The call records database does not answer; try again in a moment.\n');
    }
    if (!file || !existsSync(file)) return reply(404, 'This call has no recording on this server.\n');
    log.info('supervisor played a call recording', { supervisor: check.agentId, callId });
    res.writeHead(200, {
      'Content-Type': 'audio/wav',
      'Content-Length': statSync(file).size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    // A file removed between the check and the read ends this response, never the process.
    createReadStream(file)
      .on('error', (error) => {
        log.warn('recording not read', { callId, error: errorText(error) });
        res.destroy();
      })
      .pipe(res);
  }

  function sameOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    const host = req.headers.host;
    return Boolean(origin && host && (origin === `http://${host}` || origin === `https://${host}`));
  }

  return {
    /** GET /board, its files, and the report API; true when answered. */
    async http(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const path = (req.url ?? '/').split('?')[0]!;
      if (path !== '/board' && !path.startsWith('/board/')) return false;
      if (path === '/board/api/report') {
        await report(req, res);
        return true;
      }
      if (path === '/board/api/recording') {
        await recording(req, res);
        return true;
      }
      if (req.method !== 'GET') {
        res.writeHead(405, { 'Content-Type': 'text/plain' }).end('GET only\n');
        return true;
      }
      const rest = path === '/board' || path === '/board/' ? 'index.html' : path.slice('/board/'.length);
      // Only the build's own files: a name, or assets/<name>; nothing that climbs out.
      if (!/^(assets\/)?[\w.-]+$/.test(rest) || rest.includes('..')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return true;
      }
      const file = join(deps.pageDir, rest);
      if (!existsSync(deps.pageDir)) {
        res
          .writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
          .end('The supervisor board is not built on this server: run npm run build:board, then start the relay.\n');
        return true;
      }
      if (!existsSync(file)) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
        return true;
      }
      res.writeHead(200, {
        'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
        ...PAGE_HEADERS,
      });
      res.end(readFileSync(file));
      return true;
    },
    /** The board's WebSocket; true when the upgrade was for it (taken or refused). */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      if ((req.url ?? '').split('?')[0] !== '/board/live') return false;
      if (!sameOrigin(req)) {
        log.warn('board connection from another origin refused', { origin: req.headers.origin });
        socket.end(
          'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\nthe board opens only from its own page\n',
        );
        return true;
      }
      wss.handleUpgrade(req, socket, head, onSupervisor);
      return true;
    },
    /** A call's news went over the bus: the board shows it now, not at the next tick. */
    news(_event: CallSignal): void {
      if (supervisors.size === 0 || newsTimer) return;
      newsTimer = setTimeout(() => {
        newsTimer = undefined;
        refresh();
      }, NEWS_DEBOUNCE_MS);
    },
    close(): void {
      if (timer) clearInterval(timer);
      clearTimeout(newsTimer);
      for (const s of supervisors) s.socket.terminate();
      wss.close();
    },
  };
}
export type BoardRoute = ReturnType<typeof createBoardRoute>;
