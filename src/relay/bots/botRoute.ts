import { bearerToken } from '../bearerToken';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BOT_ESCALATION_MAX_BYTES, BotEnd, BotEscalation } from '../../shared/botProtocol';
import { errorText } from '../../shared/errorText';
import { handBackBots, type TeamQueues } from '../../shared/teamQueues';
import type { Logger } from '../../whatsapp/logger';
import { readCappedBody } from '../../whatsapp/readCappedBody';
import type { BotSessions } from './botSessions';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** What each field of the bot API takes, said when a request gets it wrong. */
const FIELD_RULES: Record<string, string> = {
  call: 'call: the handle your bot was given with the offer (request_data.call)',
  queue: 'queue: the id of the queue to hand the call to',
  summary: 'summary: what the customer wants, in 1 to 500 characters',
  facts: 'facts: an object of up to 20 keys (up to 60 characters each) with text values (up to 300), {} for none',
  transcript:
    'transcript: a list of up to 200 turns, each {"speaker": "assistant" or "customer", "text": up to 2000 characters}',
};

/** A request the schema refused, in plain sentences: each field named with what it takes. */
function refusalOf(issues: z.core.$ZodIssue[]): string {
  const said = new Set<string>();
  for (const issue of issues) {
    const field = issue.path[0];
    if (issue.code === 'unrecognized_keys') said.add(`fields this request does not take: ${issue.keys.join(', ')}`);
    else if (field === undefined) said.add('the body must be one JSON object with the fields README lists');
    else said.add(FIELD_RULES[String(field)] ?? `${String(field)}: not valid here`);
  }
  return `Not taken: ${[...said].join('; ')}.`;
}

function reply(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/** What a request on the bot port names: the handle of a call its bot holds. */
type Named = { call: string };

/**
 * The bot's requests on the agent port: `POST /bot/escalate` hands a call it holds to a queue of agents, `POST
 * /bot/end` ends it (on WhatsApp too). The bearer is the bot's token; the call is named by the handle the relay gave
 * that bot of that queue, so a bot reaches only its own calls.
 */
export function createBotRoute(deps: {
  /** The queues in force now (an admin may change them; bots and their tokens stay the queues file's). */
  queues: () => TeamQueues;
  sessions: Pick<BotSessions, 'byHandle'>;
  escalate(callId: string, escalation: BotEscalation, handle: string): Promise<boolean>;
  end(callId: string, handle: string): Promise<boolean>;
  log: Logger;
}) {
  const tokens = () =>
    deps
      .queues()
      .queues.flatMap((q) => handBackBots(q).map((bot) => ({ queueId: q.id, bot: bot.id, digest: digest(bot.token) })));
  /** The bots whose token this is (compared in constant time, every bot tried). */
  const botsOfToken = (token: string) => {
    const presented = digest(token);
    return tokens().filter((t) => timingSafeEqual(t.digest, presented));
  };

  /** Reads and checks a request; undefined once it has been answered with a refusal. */
  async function session<T extends Named>(req: IncomingMessage, res: ServerResponse, schema: z.ZodType<T>) {
    if (req.method !== 'POST') return void reply(res, 405, { error: 'POST only' });
    const token = bearerToken(req.headers.authorization);
    const bots = token ? botsOfToken(token) : [];
    if (bots.length === 0) {
      deps.log.warn('bot request refused: not a bot token of any queue');
      return void reply(res, 401, { error: 'not a bot token' });
    }
    const raw = await readCappedBody(req, res, { maxBytes: BOT_ESCALATION_MAX_BYTES });
    if (!raw.ok)
      return raw.status === 413
        ? void reply(res, 413, { error: `body over ${BOT_ESCALATION_MAX_BYTES} bytes` })
        : void reply(res, 408, { error: 'body not received in time' });
    let parsed: z.ZodSafeParseResult<T>;
    try {
      parsed = schema.safeParse(JSON.parse(raw.text));
    } catch {
      return void reply(res, 400, { error: 'Not taken: the body is not JSON.' });
    }
    if (!parsed.success) return void reply(res, 400, { error: refusalOf(parsed.error.issues) });
    const found = await deps.sessions.byHandle(parsed.data.call);
    if (!found) return void reply(res, 404, { error: 'no such call' });
    if (!bots.some((b) => b.queueId === found.queueId && b.bot === found.bot)) {
      deps.log.warn('bot request refused: another bot’s call', { callQueue: found.queueId });
      return void reply(res, 403, { error: 'this call is not your bot’s' });
    }
    return { body: parsed.data, callId: found.callId };
  }

  /** Runs the step; 409 when the bot no longer holds the call, 503 when it failed (the bot may try again). */
  async function settle(
    res: ServerResponse,
    callId: string,
    step: () => Promise<boolean>,
    done: Record<string, unknown>,
  ) {
    try {
      if (!(await step())) return reply(res, 409, { error: 'this call was handed over already, or has ended' });
    } catch (error) {
      deps.log.error('bot request failed', { callId, error: errorText(error) });
      return reply(res, 503, { error: 'the request could not be carried out; try again' });
    }
    reply(res, 202, done);
  }

  return async function botRoute(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const path = new URL(req.url ?? '/', 'http://relay.invalid').pathname;
    if (path === '/bot/end') {
      const asked = await session(req, res, BotEnd);
      if (asked) await settle(res, asked.callId, () => deps.end(asked.callId, asked.body.call), { ended: true });
      return true;
    }
    if (path !== '/bot/escalate') return false;
    const asked = await session(req, res, BotEscalation);
    if (!asked) return true;
    const escalation = asked.body;
    const target = deps.queues().queues.find((q) => q.id === escalation.queue);
    if (target?.media !== 'anchored') {
      const why = target
        ? `queue: ${escalation.queue} does not anchor its media on the team's media server, so a bot cannot hand calls to it`
        : `queue: there is no queue ${escalation.queue}`;
      reply(res, 400, { error: `Not taken: ${why}.` });
      return true;
    }
    await settle(res, asked.callId, () => deps.escalate(asked.callId, escalation, escalation.call), {
      queued: escalation.queue,
    });
    return true;
  };
}
