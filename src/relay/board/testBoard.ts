import WebSocket, { type ClientOptions } from 'ws';
import type { BoardMessage } from '../../shared/boardSchemas';

/** A board page's socket as the tests meet it: every message kept with when it arrived, and how it closed. */
export interface TestBoard {
  ws: WebSocket;
  messages: BoardMessage[];
  arrivals: Array<{ atMs: number; message: BoardMessage }>;
  /** The close code and when it came. */
  closed: Promise<{ code: number; atMs: number }>;
  /** The latest snapshot, once one came. */
  snapshot(): Extract<BoardMessage, { type: 'snapshot' }>['snapshot'] | undefined;
}

/**
 * Opens /board/live on a relay's agent address; `origin` as the page would send it (none: no Origin header);
 * `socket` options such as `autoPong: false` for a page that has stopped answering.
 */
export function openTestBoard(agentUrl: string, origin?: string, socket: ClientOptions = {}): Promise<TestBoard> {
  const ws = new WebSocket(`${agentUrl}board/live`, { ...socket, headers: origin ? { Origin: origin } : {} });
  const arrivals: TestBoard['arrivals'] = [];
  const messages: BoardMessage[] = [];
  ws.on('message', (d) => {
    const message = JSON.parse(String(d)) as BoardMessage;
    messages.push(message);
    arrivals.push({ atMs: Date.now(), message });
  });
  const closed = new Promise<{ code: number; atMs: number }>((resolve) =>
    ws.on('close', (code) => resolve({ code, atMs: Date.now() })),
  );
  const snapshot = () => {
    const last = [...messages].reverse().find((m) => m.type === 'snapshot');
    return last?.type === 'snapshot' ? last.snapshot : undefined;
  };
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve({ ws, messages, arrivals, closed, snapshot }));
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
}

/** A board page signed in with this token, from the relay's own origin, once its first snapshot is in. */
export async function signInTestBoard(agentUrl: string, token: string, socket?: ClientOptions): Promise<TestBoard> {
  const board = await openTestBoard(agentUrl, agentUrl.replace(/^ws/, 'http').replace(/\/$/, ''), socket);
  board.ws.send(JSON.stringify({ type: 'hello', token }));
  const end = Date.now() + 8000;
  while (!board.snapshot()) {
    if (Date.now() > end) throw new Error(`no board snapshot; messages: ${JSON.stringify(board.messages)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return board;
}

/** Resolves with the close, or with `undefined` when the socket is still open after `ms`. */
export const closedWithin = <T>(closed: Promise<T>, ms: number): Promise<T | undefined> =>
  Promise.race([closed, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms))]);
