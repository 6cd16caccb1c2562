import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDesk } from '../src/main/deskStartup';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { issueAgentToken, issueSupervisorToken } from '../src/relay/agentTokens';
import { holdMusicFile, mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { startRelay } from '../src/relay/relayServer';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import WebSocket from 'ws';
import { BoardMessage, type BoardSnapshot } from '../src/shared/boardSchemas';
import { BotCallContext } from '../src/shared/botProtocol';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger, type Logger } from '../src/whatsapp/logger';
import { endLine, mayRingSoon, moveLine, placeOf, type CallPlace } from './botDemoStory';
import { listReplyWebhook } from './listReplyWebhook';
import type { PermissionMessage } from './messageRules';
import { freshDemoSecrets } from './demoSecrets';
import { startScriptedBot } from './scriptedBot';
import { postSignedWebhook } from './webhookSender';
import { startWhatsAppSim, type SimulatedCall } from './whatsappSim';

/** Each voice by its pitch: the caller 440 Hz, the front bot 600 Hz, the hold music 700 Hz, the survey bot 800 Hz. */
const TONES = { caller: 440, front: 600, music: 700, survey: 800 };
/** How long a call just come to wait, at a free desk, may take to ring there before the demo says it does not. */
const RING_SETTLE_MS = 1500;

/**
 * `npm run demo -- --bot`: the whole bot flow on this machine, without a Meta account. A simulated WhatsApp caller
 * calls a team relay (Redis, PostgreSQL and Janus started here); the front queue's bot (SmallWebRTC) answers first,
 * speaks its tone and hands the call to the agent's desk with what it learned; the agent answers, then hands the call
 * to the survey bot (WHIP), which ends it; the customer gets the 1-5 survey on WhatsApp and rates the call.
 */
export async function startBotDemo(options: { say: (line: string) => void; uiPort?: number; logger?: Logger }) {
  const say = options.say;
  const logger = options.logger ?? createMemoryLogger();
  const { agentSecret, frontBotToken, surveyBotToken, ...meta } = freshDemoSecrets();
  const [janus, redis, postgres, sim] = await Promise.all([
    startTestJanus(),
    startTestRedis(),
    startTestPostgres(),
    startWhatsAppSim({ ...meta }),
  ]);
  const frontOptions = {
    token: frontBotToken,
    toneHz: TONES.front,
    hearHz: TONES.caller,
    escalateAfterMs: 6000,
    escalateTo: 'support',
    summary: 'Wants to change the delivery address of order A-1042.',
    facts: { order: 'A-1042', intent: 'change_address' },
    relayUrl: undefined as string | undefined,
  };
  const surveyOptions = {
    token: surveyBotToken,
    toneHz: TONES.survey,
    hearHz: TONES.caller,
    transport: 'whip' as const,
    endAfterMs: 6000,
    relayUrl: undefined as string | undefined,
  };
  const [front, survey] = await Promise.all([startScriptedBot(frontOptions), startScriptedBot(surveyOptions)]);
  const relay = await startRelay({
    ...meta,
    agentSecret,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger,
    prefix: 'demo',
    databaseUrl: postgres.url,
    janusUrls: [janus.url],
    janusAccess: janus.access,
    janusHoldMusic: holdMusicFile(TONES.music),
    queues: TeamQueues.parse({
      defaultQueue: 'front',
      repeatCallerMinutes: 0,
      queues: [
        {
          id: 'front',
          name: 'Front desk',
          media: 'anchored',
          agents: '*',
          // The demo's bots run beside everything else on the user's machine: they get the longest time to answer.
          // The bot is told the customer's number, by which the demo finds the bot's handle for the call.
          bot: { url: front.url, token: frontBotToken, answerSeconds: 10, shareCustomer: true },
        },
        {
          id: 'support',
          name: 'Support',
          media: 'anchored',
          ringSeconds: 60,
          agents: '*',
          handBack: [
            {
              id: 'survey',
              name: 'Survey',
              url: survey.url,
              token: surveyBotToken,
              protocol: 'whip',
              answerSeconds: 10,
            },
          ],
          survey: {},
        },
      ],
    }),
  });
  frontOptions.relayUrl = surveyOptions.relayUrl = relay.agentUrl.replace(/^ws/, 'http');
  sim.setWebhookUrl(relay.webhookUrl);

  // The agent's desk, signed in to the relay as "demo".
  const dataDir = mkdtempSync(join(tmpdir(), 'bot-demo-desk-'));
  const desk = prepareDesk({
    dataDir,
    cipher: plainCipher,
    logger: createMemoryLogger(),
    env: { WA_GRAPH_BASE_URL: 'http://127.0.0.1:9', WA_WEBHOOK_PORT: '0' },
  });
  desk.storage.settings.saveRelaySession([relay.agentUrl], await issueAgentToken('demo', agentSecret));
  const host = await hostRenderer({ desk, port: options.uiPort });

  // The demo watches the call as the supervisor's board shows it, and tells only what it shows.
  const agentHttp = relay.agentUrl.replace(/^ws/, 'http');
  const supervisorToken = await issueSupervisorToken('sam', agentSecret);
  const watch = await watchBoard(relay.agentUrl, () => issueSupervisorToken('sam', agentSecret));
  let closed = false;

  /** The handle the front bot was given for this customer's call (the offer's request_data.call). */
  function frontHandle(customer: string): string | undefined {
    for (const offer of [...front.offers].reverse()) {
      const context = BotCallContext.safeParse(offer.body.request_data);
      if (context.success && context.data.customer?.number === customer) return context.data.call;
    }
    return undefined;
  }

  /** Narrates what happens to one call, step by step, and has the customer answer its survey with a 5, if one comes. */
  async function follow(call: SimulatedCall): Promise<number | undefined> {
    const { callId, from: customer } = call;
    let last: CallPlace | undefined;
    let seenAt = watch.seq();
    let settleUntil: number | undefined;
    while (!closed && !call.endedBy) {
      await watch.next(seenAt, 1000);
      seenAt = watch.seq();
      const snapshot = watch.snapshot();
      const place = snapshot && placeOf(snapshot, callId);
      if (!snapshot || !place) continue;
      if (mayRingSoon(last, place, snapshot, 'demo')) {
        settleUntil ??= Date.now() + RING_SETTLE_MS;
        if (Date.now() < settleUntil) continue;
      }
      settleUntil = undefined;
      const line = moveLine(last, place, snapshot, 'demo', TONES);
      if (line) say(line);
      const handle = place.at === 'bot' && !place.bot && last?.at !== 'bot' && frontHandle(customer);
      if (handle) say(`  (the bot's handle for this call, for /bot/escalate and /bot/end: ${handle})`);
      last = place;
    }
    if (closed || !call.endedBy) return undefined;
    say(endLine(last, call.endedBy));
    const lists = () =>
      sim.graph.textMessages.filter(
        (m): m is Extract<PermissionMessage, { kind: 'list' }> => m.kind === 'list' && m.customer === customer,
      );
    if (!(await until(() => closed || lists().length > 0, 10_000)) || closed) return undefined;
    const best = lists()[0]!.rows.at(-1)!;
    say(`The customer got the survey on WhatsApp ("${lists()[0]!.body}") and chose "${best.title}".`);
    const reply = listReplyWebhook({
      customer,
      phoneNumberId: meta.phoneNumberId,
      rowId: best.id,
      title: best.title,
      messageId: `wamid.DEMO${Date.now()}`,
    });
    await postSignedWebhook(relay.webhookUrl, reply, meta.appSecret);
    let rating: { score: number; agent: string } | undefined;
    await until(() => {
      void relay.records?.db.rating(callId).then((r) => (rating = r));
      return closed || rating !== undefined;
    }, 15_000);
    if (rating) say(`Kept with the call record: rated ${rating.score} of 5, for agent "${rating.agent}".`);
    return rating?.score;
  }

  return {
    url: host.url,
    /** The supervisor's board, and a supervisor's token (sam, the whole team) to sign in there. */
    board: `${agentHttp}board`,
    supervisorToken,
    /** The front bot's token, and where a bot hands a call over or ends it (the relay's agent port). */
    botApi: { token: frontBotToken, escalate: `${agentHttp}bot/escalate`, end: `${agentHttp}bot/end` },
    relay,
    front,
    survey,
    sim,
    /** A customer calls the front desk; resolves with the call and, once it has run its course, its rating. */
    async place() {
      const call = await sim.placeCall({
        name: 'Bot Demo Caller',
        farEnd: { toneHz: TONES.caller, edgeHost: mediaHostAddress() },
      });
      say(`A customer calls (a ${TONES.caller} Hz tone).`);
      return { callId: call.callId, rated: follow(call) };
    },
    /** The customer hangs up this call (a call already over is left as it is). */
    async hangUp(callId: string): Promise<boolean> {
      const call = sim.calls.get(callId);
      if (!call || call.endedBy) return false;
      await sim.hangUp(callId);
      return true;
    },
    async close(): Promise<void> {
      closed = true;
      watch.close();
      await host.close();
      await relay.close();
      await Promise.all([front.close(), survey.close(), sim.close()]);
      await Promise.all([janus.stop(), redis.stop(), postgres.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type BotDemo = Awaited<ReturnType<typeof startBotDemo>>;

/**
 * The supervisor's board, signed in as `sam`: its latest snapshot, and a wait for the next one. A socket that closes
 * (the relay cut it, the token expired) is opened again a second later with a fresh token, until `close`.
 */
async function watchBoard(agentUrl: string, freshToken: () => Promise<string>) {
  let latest: BoardSnapshot | undefined;
  let seq = 0;
  let stopped = false;
  let socket: WebSocket | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const waiters = new Set<() => void>();

  function take(data: unknown): void {
    let message;
    try {
      message = BoardMessage.safeParse(JSON.parse(String(data)));
    } catch {
      return;
    }
    if (!message.success || message.data.type !== 'snapshot') return;
    latest = message.data.snapshot;
    seq += 1;
    for (const wake of waiters) wake();
  }

  /** Opens the board's socket and signs in; resolves once it is open (rejects when it cannot be). */
  async function open(): Promise<void> {
    const token = await freshToken();
    const ws = new WebSocket(`${agentUrl}board/live`, {
      headers: { Origin: agentUrl.replace(/^ws/, 'http').replace(/\/$/, '') },
    });
    socket = ws;
    ws.on('message', take);
    ws.on('error', () => undefined); // a close follows, which opens it again
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', () => reject(new Error('the board’s socket closed before it opened')));
    });
    ws.send(JSON.stringify({ type: 'hello', token }));
    ws.once('close', again);
  }
  function again(): void {
    if (stopped) return;
    retry = setTimeout(() => void open().catch(again), 1000);
  }

  await open();
  return {
    snapshot: () => latest,
    seq: () => seq,
    /** Resolves when a snapshot newer than `after` came, or after `ms`. */
    next(after: number, ms: number): Promise<void> {
      if (seq > after) return Promise.resolve();
      return new Promise((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, ms);
        waiters.add(wake);
      });
    },
    close(): void {
      stopped = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
