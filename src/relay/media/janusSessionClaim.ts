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
  const waiting = new Map<string, { settle: (reply: JanusReply) => void; ackIsEnough: boolean }>();
  /** Who hears of a handle of this session that Janus hung up or detached (its peer went away). */
  const hangupHeard = new Map<number, () => void>();
  socket.on('message', (data) => {
    let reply: JanusReply & { transaction?: string; sender?: number };
    try {
      reply = JSON.parse(String(data)) as typeof reply;
    } catch {
      return;
    }
    if ((reply.janus === 'hangup' || reply.janus === 'detached') && reply.sender !== undefined) {
      const heard = hangupHeard.get(reply.sender);
      hangupHeard.delete(reply.sender);
      heard?.();
      return;
    }
    const pending = reply.transaction ? waiting.get(reply.transaction) : undefined;
    // A plugin request is acknowledged first and answered by its event later, under the same transaction.
    if (pending && (reply.janus !== 'ack' || pending.ackIsEnough)) pending.settle(reply);
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

  function ask(janus: string, extra: Record<string, unknown> = {}, ackIsEnough = true): Promise<JanusReply> {
    const transaction = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(transaction);
        reject(new Error(`Janus did not answer ${janus} in time`));
      }, REPLY_MS);
      waiting.set(transaction, {
        ackIsEnough,
        settle(reply) {
          clearTimeout(timer);
          waiting.delete(transaction);
          resolve(reply);
        },
      });
      socket.send(JSON.stringify({ janus, session_id: sessionId, transaction, apisecret: access.apiSecret, ...extra }));
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
    /**
     * A request to the AudioBridge plugin on one of the session's handles (a leg the dead instance had): its
     * answer, or an error naming Janus's reason.
     */
    async message(handleId: number, body: Record<string, unknown>): Promise<Record<string, unknown>> {
      const reply = await ask('message', { handle_id: handleId, body }, false);
      const data = reply.plugindata?.data;
      if (reply.janus === 'error' || !data || (data.audiobridge === 'event' && data.error))
        throw new Error(`Janus refused ${String(body.request)}: ${reply.error?.reason ?? String(data?.error)}`);
      return data;
    },
    /** One of the session's handles goes: its participant leaves the room and its media connection closes. */
    async detach(handleId: number): Promise<void> {
      hangupHeard.delete(handleId);
      await ask('detach', { handle_id: handleId });
    },
    /** `heard` runs once when Janus hangs up (or detaches) this handle: its peer went away. */
    onHangup(handleId: number, heard: () => void): void {
      hangupHeard.set(handleId, heard);
    },
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

interface JanusReply {
  janus: string;
  error?: { reason?: string };
  plugindata?: { data?: Record<string, unknown> };
}
