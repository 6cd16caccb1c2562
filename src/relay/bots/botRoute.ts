import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BOT_ESCALATION_MAX_BYTES, BotEscalation } from '../../shared/botProtocol';
import { errorText } from '../../shared/errorText';
import type { TeamQueues } from '../../shared/teamQueues';
import type { Logger } from '../../whatsapp/logger';
import type { BotSessions } from './botSessions';

const digest = (text: string) => createHash('sha256').update(text).digest();

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** The body, or undefined once it passes `max` bytes (the rest is not read). */
async function readBody(req: IncomingMessage, max: number): Promise<string | undefined> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `POST /bot/escalate` on the agent port: a queue's bot hands a call it holds to a queue of agents. The bearer is the
 * queue's bot token; the call is named by the handle the relay gave that queue's bot, so a bot reaches only its own
 * queue's calls, and each call is handed over once.
 */
export function createBotRoute(deps: {
  queues: TeamQueues;
  sessions: Pick<BotSessions, 'byHandle'>;
  escalate(callId: string, escalation: BotEscalation): Promise<boolean>;
  log: Logger;
}) {
  const tokens = deps.queues.queues.flatMap((q) => (q.bot ? [{ queueId: q.id, digest: digest(q.bot.token) }] : []));
  /** The queues whose bot token this is (compared in constant time, every queue tried). */
  const queuesOfToken = (token: string): string[] => {
    const presented = digest(token);
    return tokens.filter((t) => timingSafeEqual(t.digest, presented)).map((t) => t.queueId);
  };
  return async function botRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://relay.invalid').pathname;
    if (path !== '/bot/escalate') return false;
    if (req.method !== 'POST') {
      reply(res, 405, { error: 'POST only' });
      return true;
    }
    const token = /^Bearer (\S{1,400})$/.exec(req.headers.authorization ?? '')?.[1];
    const queues = token ? queuesOfToken(token) : [];
    if (queues.length === 0) {
      deps.log.warn('bot escalate refused: not a bot token of any queue');
      reply(res, 401, { error: 'not a bot token' });
      return true;
    }
    const raw = await readBody(req, BOT_ESCALATION_MAX_BYTES);
    if (raw === undefined) {
      reply(res, 413, { error: `body over ${BOT_ESCALATION_MAX_BYTES} bytes` });
      req.resume();
      return true;
    }
    let parsed: ReturnType<typeof BotEscalation.safeParse>;
    try {
      parsed = BotEscalation.safeParse(JSON.parse(raw));
    } catch {
      reply(res, 400, { error: 'not JSON' });
      return true;
    }
    if (!parsed.success) {
      reply(res, 400, { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
      return true;
    }
    const escalation = parsed.data;
    const session = await deps.sessions.byHandle(escalation.call);
    if (!session) {
      reply(res, 404, { error: 'no such call' });
      return true;
    }
    if (!queues.includes(session.queueId)) {
      deps.log.warn('bot escalate refused: another queue’s call', { queues, callQueue: session.queueId });
      reply(res, 403, { error: 'this call is not your queue’s' });
      return true;
    }
    if (deps.queues.queues.find((q) => q.id === escalation.queue)?.media !== 'anchored') {
      reply(res, 400, { error: 'queue: not a queue with anchored media' });
      return true;
    }
    try {
      if (!(await deps.escalate(session.callId, escalation))) {
        reply(res, 409, { error: 'this call was handed over already, or has ended' });
        return true;
      }
    } catch (error) {
      deps.log.error('bot escalate failed', { callId: session.callId, error: errorText(error) });
      reply(res, 503, { error: 'the call could not be queued; try again' });
      return true;
    }
    reply(res, 202, { queued: escalation.queue });
    return true;
  };
}
