import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { BoardRequest, type BoardMessage, type TalkRefusal } from '../../shared/boardSchemas';
import type { CallSignal } from '../../shared/callSignals';
import { errorText } from '../../shared/errorText';
import { inScope, type SupervisorScope } from '../../shared/supervisorScope';
import type { Logger } from '../../whatsapp/logger';
import type { SupervisorCheck } from '../agentTokens';
import type { AuditEntry } from '../../shared/auditSchemas';
import { requestClient } from '../../whatsapp/clientAddress';
import { createBoardApi, type AuditReader } from './boardApi';
import { createCustomerDataApi } from './customerDataApi';
import { createQueuesApi } from './queuesApi';
import type { TeamQueuesStore } from '../admin/teamQueuesStore';
import type { LiveQueues } from '../liveQueues';
import type { TeamData } from '../admin/teamData';
import type { TeamSettings } from '../../shared/teamSettings';
import type { TeamSettingsStore } from '../admin/teamSettingsStore';
import { scopeKey } from './boardScope';
import { endedSentence, openSession, type BoardSession } from './boardSignIn';
import type { BoardSource } from './boardSource';
import type { IceServer } from '../../shared/iceServers';
import { watchBoardSockets } from './boardLiveness';
import { trackSnapshotBuilds } from './snapshotStall';
import { boardSignInsSeen } from './boardSignInsSeen';

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
/** A page told its sign-in ended has this long to close its socket before the relay cuts it. */
const CLOSE_GRACE_MS = 1000;
/** The close code the page sends when the supervisor signs out (navigating away sends 1001). */
const SIGNED_OUT = 1000;
const OUTSIDE_SCOPE = 'That call is in a queue outside your board, so you cannot listen to it.';
const WHISPERING = 'Another supervisor is whispering to the agent on this call; listen once they have stopped.';
const NO_MEDIA_SERVER = 'Listening in needs the team’s media server: no queue of this relay anchors its media.';
const NOT_DONE = 'The relay could not do that just now; try again.';
const NOT_DONE_LATE =
  'Not done: the change reached the team relay too late (the line or the relay was held up). Check the board and try again.';
const NOT_DONE_STORE =
  'Not done: the team relay cannot read the team’s state just now. Try again once the figures are updating.';

interface Supervisor {
  socket: WebSocket;
  /** Set by hello with a valid token; cleared when the token is revoked or expires. */
  session?: BoardSession;
  /** The call this supervisor is listening in on from this page, if any. */
  listeningTo?: string;
  /** Tells this page's leg from the same supervisor's other pages. */
  page: string;
  /** The address the page connected from, for the audit trail. */
  from: string;
}

/** The supervisor's line from this page: the same supervisor on two pages has two lines. */
const listenerOf = (name: string, supervisor: Supervisor) => `${name}/${supervisor.page}`;

/** Listening in and barging, where calls' media goes through the team's media server. */
export interface SupervisorListening {
  /** Why this call cannot be listened to, in a sentence for the supervisor; undefined when it can. */
  refusal(callId: string): Promise<string | undefined>;
  offer(callId: string, supervisor: string, onEnd: (reason: string) => void): Promise<string>;
  answer(callId: string, supervisor: string, sdp: string): Promise<void>;
  setHeard(callId: string, supervisor: string, heard: boolean): Promise<boolean>;
  stop(callId: string, supervisor: string): Promise<unknown>;
  /** Whether another supervisor whispers on this call now (nobody may listen in meanwhile: the room is empty). */
  whispering(callId: string): Promise<boolean>;
  /** A call in progress whose audio goes straight to the agent's desk: nobody can listen or whisper on it. */
  directCall(callId: string): Promise<boolean>;
  /**
   * The listening supervisor speaks to the agent alone; undefined when done, else why not. `onEnded` hears of a
   * whisper the call ended (a hold, a colleague, the agent leaving): the supervisor is silent again.
   */
  whisper(callId: string, supervisor: string, onEnded: () => void): Promise<TalkRefusal | undefined>;
}

/**
 * The supervisor board on the relay's agent port: the page at /board (built into `out/board`), and its live
 * WebSocket at /board/live, which opens only with a supervisor token and only from the page's own origin.
 */
export function createBoardRoute(deps: {
  source: BoardSource;
  pageDir: string;
  /** Signature, expiry and revocation, checked at sign-in, at every request and before every snapshot. */
  checkToken(token: string): Promise<SupervisorCheck>;
  isKnownAgent(agentId: string): Promise<boolean>;
  /** False when the reason is not one of the team's not-ready reasons (nothing is changed). */
  setAgentStatus(agentId: string, status: 'available' | 'away', by: string, reason?: string): Promise<boolean>;
  listening?: SupervisorListening;
  /** Where a call's room recording is on this machine; undefined when there is none. */
  roomRecording?(callId: string): Promise<string | undefined>;
  /** Writes one line of the audit trail (sign-ins and every supervisor's and admin's action). */
  audit?(entry: AuditEntry): void;
  /** Reads the audit trail for an admin; absent without PostgreSQL. */
  auditTrail?: AuditReader;
  teamSettings?: Pick<TeamSettingsStore, 'latest' | 'save'>;
  /** The settings in force before an admin saved any version. */
  settingsBeforeAny?(): TeamSettings;
  /** The queues an admin edits (their versions in PostgreSQL, absent without it) and the queues in force. */
  queuesEditor?: {
    store?: Pick<TeamQueuesStore, 'latest' | 'save'>;
    live: Pick<LiveQueues, 'current' | 'check' | 'enabled'>;
  };
  /** One customer's data found, exported or erased by an admin; absent without PostgreSQL. */
  teamData?: TeamData;
  /** An admin erased a customer here: this instance's desks hear of it now. */
  onErased?(): void;
  /** Removes what Redis keeps about an erased customer. */
  forgetElsewhere?(customer: string): Promise<number>;
  trustedProxies?: string[];
  /** Time-limited TURN credentials for a signed-in supervisor's listening line; absent without TURN. */
  iceServersFor?(name: string): IceServer[];
  log: Logger;
}) {
  const { source, log } = deps;
  const supervisors = new Set<Supervisor>();
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  let timer: ReturnType<typeof setInterval> | undefined;
  let newsTimer: ReturnType<typeof setTimeout> | undefined;
  let sending: Promise<void> | undefined;
  const builds = trackSnapshotBuilds();
  const signInsSeen = boardSignInsSeen();
  const api = createBoardApi(deps);
  const customerData = createCustomerDataApi({ ...deps, data: deps.teamData });
  const queuesApi = deps.queuesEditor && createQueuesApi({ ...deps, ...deps.queuesEditor });
  // A page that stops answering pings is cut, not pushed to; a signed-in page hears the relay is there, even while
  // snapshots cannot be built.
  const liveness = watchBoardSockets({
    onSilent: () => log.warn('board connection silent: dropped'),
    onTick: () => {
      for (const s of supervisors) if (s.session) send(s.socket, { type: 'alive' });
    },
  });

  /** One line of the audit trail for what this page's supervisor did. */
  const audit = (
    supervisor: Supervisor,
    session: Pick<BoardSession, 'name' | 'role'>,
    entry: Pick<AuditEntry, 'action' | 'target' | 'detail'>,
  ) => deps.audit?.({ actor: session.name, role: session.role, source: supervisor.from, ...entry });

  const send = (socket: WebSocket, message: BoardMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };

  /** Lets the supervisor's listening line go, if any: nobody stays on a call unseen. */
  function releaseLine(supervisor: Supervisor, name: string): void {
    const callId = supervisor.listeningTo;
    if (!callId) return;
    supervisor.listeningTo = undefined;
    deps.listening
      ?.stop(callId, listenerOf(name, supervisor))
      .catch((error: unknown) => log.warn('listening leg not released', { error: errorText(error) }));
  }

  /** The token stopped being valid: the line is dropped now, the page is told why and closed. */
  function endSignIn(supervisor: Supervisor, reason: string): void {
    const session = supervisor.session;
    if (!session) return;
    supervisor.session = undefined;
    session.stopExpiry();
    releaseLine(supervisor, session.name);
    log.warn('supervisor sign-in ended', { supervisor: session.name, reason });
    send(supervisor.socket, { type: 'error', message: endedSentence(session) });
    supervisor.socket.close(4001, 'sign-in ended');
    setTimeout(() => supervisor.socket.terminate(), CLOSE_GRACE_MS).unref();
  }

  /** The session, when its token is still valid at this moment; otherwise the sign-in ends. */
  async function currentSession(supervisor: Supervisor): Promise<BoardSession | undefined> {
    const session = supervisor.session;
    if (!session) return undefined;
    const check = await deps.checkToken(session.token);
    if (!check.ok) endSignIn(supervisor, check.reason);
    return supervisor.session === session ? session : undefined;
  }

  /** Each scope's snapshot, built once for every supervisor who shares it. */
  function snapshotTexts(onFailed: () => void): (scope: SupervisorScope) => Promise<string | undefined> {
    const built = new Map<string, Promise<string | undefined>>();
    return (scope) => {
      const key = scopeKey(scope);
      if (!built.has(key))
        built.set(
          key,
          source.snapshot(scope).then(
            (snapshot) => JSON.stringify({ type: 'snapshot', snapshot } satisfies BoardMessage),
            (error: unknown) => {
              onFailed();
              log.warn('board not refreshed', { error: errorText(error) });
              return undefined;
            },
          ),
        );
      return built.get(key)!;
    };
  }

  async function broadcast(): Promise<void> {
    const signedIn = [...supervisors].filter((s) => s.session);
    if (signedIn.length === 0) return;
    let ok = true;
    const textFor = snapshotTexts(() => (ok = false));
    builds.started();
    // A snapshot goes only to a page whose token is still valid now: none after a revocation or expiry.
    await Promise.all(
      signedIn.map(async (s) => {
        const scope = s.session!.scope;
        const [session, text] = await Promise.all([currentSession(s).catch(() => undefined), textFor(scope)]);
        if (session && text && s.socket.readyState === s.socket.OPEN) s.socket.send(text);
      }),
    );
    builds.ended(ok);
  }
  const refresh = (): void => {
    // Pages keep their last figures meanwhile: they say why those stopped moving.
    if (builds.stalled()) for (const s of supervisors) if (s.session) send(s.socket, { type: 'figures_stalled' });
    sending ??= broadcast().finally(() => (sending = undefined));
  };

  async function signIn(supervisor: Supervisor, token: string): Promise<void> {
    const check = await deps.checkToken(token);
    if (!check.ok) {
      log.warn('supervisor refused', { reason: check.reason });
      deps.audit?.({
        actor: 'unknown',
        role: 'none',
        action: 'sign_in_refused',
        detail: `board: ${check.reason}`,
        source: supervisor.from,
      });
      send(supervisor.socket, {
        type: 'error',
        message: 'This supervisor token is not accepted; ask for a new one.',
      });
      supervisor.socket.close(4001, 'supervisor token refused');
      return;
    }
    supervisor.session = openSession(token, check, () => endSignIn(supervisor, 'supervisor token expired'));
    log.info('supervisor signed in', { supervisor: check.agentId, queues: check.queues ?? 'all' });
    if (signInsSeen.first(token, check.expiresAtMs))
      audit(supervisor, supervisor.session, {
        action: 'sign_in',
        detail: `board${check.sid ? ' (company account)' : ''}; queues ${check.queues?.join(',') ?? 'all'}`,
      });
    send(supervisor.socket, { type: 'welcome', supervisor: check.agentId });
    timer ??= setInterval(refresh, REFRESH_MS);
    refresh();
  }

  /** A refreshed token of the same person takes over the session (and its expiry); any other is refused. */
  async function renew(supervisor: Supervisor, session: BoardSession, token: string): Promise<void> {
    const check = await deps.checkToken(token);
    if (!check.ok || check.agentId !== session.name || check.role !== session.role) {
      log.warn('board token renewal refused', {
        supervisor: session.name,
        reason: check.ok ? 'another person' : check.reason,
      });
      return send(supervisor.socket, {
        type: 'error',
        message: 'This supervisor token is not accepted; ask for a new one.',
      });
    }
    session.stopExpiry();
    supervisor.session = openSession(token, check, () => endSignIn(supervisor, 'supervisor token expired'));
    // The same sign-in goes on under the new token: the board's other pages carry it without a new sign-in.
    signInsSeen.first(token, check.expiresAtMs);
  }

  async function onRequest(supervisor: Supervisor, request: BoardRequest): Promise<void> {
    if (request.type === 'hello') {
      if (supervisor.session) return supervisor.socket.close(1008, 'already signed in');
      return signIn(supervisor, request.token);
    }
    if (!supervisor.session) {
      supervisor.socket.close(4001, 'sign in first');
      return;
    }
    // Held up on the way past the moment the supervisor stopped waiting for it: done now, it would land unseen.
    if (request.type === 'set_status' && request.notAfterMs !== undefined && Date.now() > request.notAfterMs) {
      log.warn('supervisor’s change arrived too late; not done', { agentId: request.agentId });
      return send(supervisor.socket, { type: 'error', message: NOT_DONE_LATE });
    }
    // The store that holds agents' states does not answer: a change would wait for it and land unseen, much later.
    if (request.type === 'set_status' && builds.stalled())
      return send(supervisor.socket, { type: 'error', message: NOT_DONE_STORE, untilLive: true });
    // Checked again at the moment of every request: a revoked or expired token does nothing more.
    const session = await currentSession(supervisor);
    if (!session) return;
    if (request.type === 'renew') return renew(supervisor, session, request.token);
    if (request.type === 'talk') {
      await onTalk(supervisor, session, request).catch((error: unknown) => {
        log.warn('supervisor’s line not switched', { callId: request.callId, error: errorText(error) });
        send(supervisor.socket, { type: 'talk_refused', callId: request.callId, mode: request.mode, why: 'failed' });
      });
      return;
    }
    if (
      request.type === 'listen' ||
      request.type === 'listen_answer' ||
      request.type === 'barge' ||
      request.type === 'stop_listening'
    ) {
      await onListening(supervisor, session, request).catch((error: unknown) => {
        log.warn('listening in failed', { callId: request.callId, error: errorText(error) });
        if (supervisor.listeningTo === request.callId) supervisor.listeningTo = undefined;
        void deps.listening?.stop(request.callId, listenerOf(session.name, supervisor)).catch(() => undefined);
        send(supervisor.socket, {
          type: 'listen_ended',
          callId: request.callId,
          reason: 'The listening line could not be set up; try again.',
        });
      });
      return;
    }
    await onAgentRequest(supervisor, session, request);
  }

  async function onAgentRequest(
    supervisor: Supervisor,
    session: BoardSession,
    request: Extract<BoardRequest, { type: 'set_status' | 'agent_calls' }>,
  ): Promise<void> {
    if (!(await deps.isKnownAgent(request.agentId))) {
      send(supervisor.socket, { type: 'error', message: `There is no agent ${request.agentId} in this team.` });
      return;
    }
    if (!source.servesScope(request.agentId, session.scope)) {
      send(supervisor.socket, { type: 'error', message: `${request.agentId} does not serve your queues.` });
      return;
    }
    if (request.type === 'set_status') {
      if (!(await deps.setAgentStatus(request.agentId, request.status, session.name, request.reason))) {
        send(supervisor.socket, {
          type: 'error',
          message: `“${request.reason}” is not one of the team’s not-ready reasons.`,
        });
        return;
      }
      const detail = request.reason ? `${request.status}: ${request.reason}` : request.status;
      audit(supervisor, session, { action: 'set_agent_state', target: request.agentId, detail });
      log.info('supervisor set an agent status', {
        supervisor: session.name,
        agentId: request.agentId,
        status: request.status,
        reason: request.reason,
      });
      refresh();
      return;
    }
    send(supervisor.socket, {
      type: 'agent_calls',
      agentId: request.agentId,
      calls: await source.agentCalls(request.agentId, session.scope),
    });
  }

  /** Why this supervisor may not listen to this call; undefined when they may. */
  async function listenRefusal(session: BoardSession, callId: string): Promise<string | undefined> {
    if (session.scope.queues && !inScope(session.scope, await source.queueOfCall(callId))) return OUTSIDE_SCOPE;
    if (!deps.listening) return NO_MEDIA_SERVER;
    return (
      (await deps.listening.refusal(callId)) ?? ((await deps.listening.whispering(callId)) ? WHISPERING : undefined)
    );
  }

  async function onListening(
    supervisor: Supervisor,
    session: BoardSession,
    request: Extract<BoardRequest, { type: 'listen' | 'listen_answer' | 'barge' | 'stop_listening' }>,
  ): Promise<void> {
    const { callId } = request;
    const { name } = session;
    const listening = deps.listening;
    const listener = listenerOf(name, supervisor);
    if (request.type === 'listen') {
      const refusal = await listenRefusal(session, callId);
      if (refusal)
        return send(supervisor.socket, {
          type: 'listen_ended',
          callId,
          reason: refusal,
          ...(refusal === WHISPERING && { why: 'whispering' as const }),
        });
      if (supervisor.listeningTo && supervisor.listeningTo !== callId)
        await listening!.stop(supervisor.listeningTo, listener);
      supervisor.listeningTo = callId;
      const sdp = await listening!.offer(callId, listener, (reason) => {
        if (supervisor.listeningTo === callId) supervisor.listeningTo = undefined;
        send(supervisor.socket, { type: 'listen_ended', callId, reason });
      });
      if (supervisor.session !== session) return void (await listening!.stop(callId, listener));
      log.info('supervisor listening in', { supervisor: name, callId });
      audit(supervisor, session, { action: 'listen', target: callId });
      const iceServers = deps.iceServersFor?.(name);
      return send(supervisor.socket, { type: 'listen_offer', callId, sdp, ...(iceServers && { iceServers }) });
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
      // The sign-in ended while the barge was under way: the line it made heard goes too.
      if (supervisor.session !== session) return void (await listening.stop(callId, listener));
      log.info('supervisor barged in', { supervisor: name, callId });
      audit(supervisor, session, { action: 'barge', target: callId });
      return send(supervisor.socket, { type: 'listening', callId, heard: true });
    }
    supervisor.listeningTo = undefined;
    await listening.stop(callId, listener);
    send(supervisor.socket, { type: 'listen_ended', callId, reason: 'You stopped listening.' });
  }

  /** Listen, whisper or barge on the call this page listens to: each switch checked, audited and confirmed. */
  async function onTalk(
    supervisor: Supervisor,
    session: BoardSession,
    request: Extract<BoardRequest, { type: 'talk' }>,
  ): Promise<void> {
    const { callId, mode } = request;
    const refuse = (why: TalkRefusal) => send(supervisor.socket, { type: 'talk_refused', callId, mode, why });
    if (session.scope.queues && !inScope(session.scope, await source.queueOfCall(callId)))
      return refuse('outside_scope');
    const listening = deps.listening;
    if (!listening) return refuse('direct');
    if (supervisor.listeningTo !== callId)
      return refuse((await listening.directCall(callId)) ? 'direct' : 'not_listening');
    const listener = listenerOf(session.name, supervisor);
    if (mode === 'whisper') {
      const refused = await listening.whisper(callId, listener, () => {
        if (supervisor.listeningTo !== callId) return;
        send(supervisor.socket, { type: 'listening', callId, heard: false, mode: 'listen', whisperEnded: true });
      });
      if (refused) return refuse(refused);
    } else if (!(await listening.setHeard(callId, listener, mode === 'barge'))) return refuse('not_connected');
    // The sign-in ended while the switch was under way: the line goes too.
    if (supervisor.session !== session) return void (await listening.stop(callId, listener));
    log.info('supervisor switched their line', { supervisor: session.name, callId, mode });
    audit(supervisor, session, {
      action: mode,
      target: callId,
      ...(mode === 'listen' && { detail: 'back to listening' }),
    });
    send(supervisor.socket, { type: 'listening', callId, heard: mode === 'barge', mode });
  }

  function onSupervisor(socket: WebSocket, from: string): void {
    const supervisor: Supervisor = { socket, page: randomUUID().slice(0, 8), from };
    supervisors.add(supervisor);
    liveness.watch(socket);
    const hello = setTimeout(() => !supervisor.session && socket.close(4001, 'sign in first'), HELLO_WITHIN_MS);
    socket.on('error', (error) => log.warn('supervisor connection error', { error: error.message }));
    socket.on('close', (code) => {
      clearTimeout(hello);
      supervisors.delete(supervisor);
      if (code === SIGNED_OUT && supervisor.session) signInsSeen.forget(supervisor.session.token);
      // A supervisor who closes the page stops listening.
      if (supervisor.session) releaseLine(supervisor, supervisor.session.name);
      supervisor.session?.stopExpiry();
      if (supervisors.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    });
    socket.on('message', (data) => {
      // A page being closed (its sign-in ended) is not heard any more.
      if (socket.readyState !== socket.OPEN) return;
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
        send(socket, {
          type: 'error',
          message: builds.stalled() ? NOT_DONE_STORE : NOT_DONE,
          untilLive: builds.stalled(),
        });
      });
    });
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
        await api.report(req, res);
        return true;
      }
      if (path === '/board/api/recording') {
        await api.recording(req, res);
        return true;
      }
      if (path === '/board/api/audit') {
        await api.audit(req, res);
        return true;
      }
      if (path === '/board/api/customer-data') {
        await customerData(req, res);
        return true;
      }
      if (path === '/board/api/settings') {
        await api.settings(req, res);
        return true;
      }
      if (path === '/board/api/queues' && queuesApi) {
        await queuesApi(req, res);
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
      const from = requestClient(req, deps.trustedProxies);
      wss.handleUpgrade(req, socket, head, (ws) => onSupervisor(ws, from));
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
      liveness.close();
      for (const s of supervisors) {
        s.session?.stopExpiry();
        s.socket.terminate();
      }
      wss.close();
    },
  };
}
export type BoardRoute = ReturnType<typeof createBoardRoute>;
