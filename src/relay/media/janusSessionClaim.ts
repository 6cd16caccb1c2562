import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import type { JanusAccess } from './janusAccess';

/** Janus times out a session without keepalives after 60 s by default; this keeps well inside it. */
const KEEPALIVE_MS = 15_000;
const REPLY_MS = 5000;

/**
 * Takes over a Janus session whose relay instance died (Janus's `claim` request, honoured while its
 * `reclaim_session_timeout` runs): the session's handles, and so the calls' WebRTC legs, live on instead of being
 * destroyed with the dead instance's connection. The claimed session is only kept alive, then destroyed when its
 * calls are over; rooms are closed and legs dropped by the instances that own the calls.
 */
export async function claimJanusSession(url: string, access: JanusAccess, sessionId: number, onGone?: () => void) {
  const socket = new WebSocket(url, 'janus-protocol', { maxPayload: 1024 * 1024 });
  const waiting = new Map<string, (reply: { janus: string; error?: { reason?: string } }) => void>();
  socket.on('message', (data) => {
    let reply: { janus?: string; transaction?: string; error?: { reason?: string } };
    try {
      reply = JSON.parse(String(data)) as typeof reply;
    } catch {
      return;
    }
    const settle = reply.transaction ? waiting.get(reply.transaction) : undefined;
    if (settle && reply.janus !== 'ack') settle(reply as { janus: string });
    else if (settle && reply.janus === 'ack') settle({ janus: 'ack' });
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let closed = false;
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    clearInterval(keepalive);
    onGone?.();
  });

  function ask(janus: string): Promise<{ janus: string; error?: { reason?: string } }> {
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(transaction);
        reject(new Error(`Janus did not answer ${janus} in time`));
      }, REPLY_MS);
      waiting.set(transaction, (reply) => {
        clearTimeout(timer);
        waiting.delete(transaction);
        resolve(reply);
      });
      socket.send(JSON.stringify({ janus, session_id: sessionId, transaction, apisecret: access.apiSecret }));
    });
  }

  const keepalive = setInterval(() => {
    if (!closed) void ask('keepalive').catch(() => undefined);
  }, KEEPALIVE_MS);
  const claimed = await ask('claim').catch((error: unknown) => ({ janus: 'error', error: { reason: String(error) } }));
  if (claimed.janus !== 'success') {
    clearInterval(keepalive);
    socket.close();
    throw new Error(`Janus refused the claim of session ${sessionId}: ${claimed.error?.reason ?? claimed.janus}`);
  }
  return {
    /** The claimed session goes (its handles hang up); only once its calls are over. */
    async release(): Promise<void> {
      clearInterval(keepalive);
      if (!closed) await ask('destroy').catch(() => undefined);
      socket.close();
    },
    /** This instance stops while the calls go on: the session is left for another instance to claim. */
    abandon(): void {
      clearInterval(keepalive);
      socket.close();
    },
  };
}
export type ClaimedJanusSession = Awaited<ReturnType<typeof claimJanusSession>>;
