import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareDesk } from '../src/main/deskStartup';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { issueAgentToken } from '../src/relay/agentTokens';
import { holdMusicFile, mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { startRelay } from '../src/relay/relayServer';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger, type Logger } from '../src/whatsapp/logger';
import { listReplyWebhook } from './listReplyWebhook';
import type { PermissionMessage } from './messageRules';
import { SIM_SECRETS } from './phoneWithSim';
import { startScriptedBot } from './scriptedBot';
import { AGENT_SECRET } from './teamDesk';
import { postSignedWebhook } from './webhookSender';
import { startWhatsAppSim } from './whatsappSim';

const FRONT_TOKEN = 'demo-front-bot-token-0123456789abcdef0123';
const SURVEY_TOKEN = 'demo-survey-bot-token-0123456789abcdef012';
/** Each voice by its pitch: the caller 440 Hz, the front bot 600 Hz, the hold music 700 Hz, the survey bot 800 Hz. */
const TONES = { caller: 440, front: 600, music: 700, survey: 800 };

/**
 * `npm run demo -- --bot`: the whole bot flow on this machine, without a Meta account. A simulated WhatsApp caller
 * calls a team relay (Redis, PostgreSQL and Janus started here); the front queue's bot (SmallWebRTC) answers first,
 * speaks its tone and hands the call to the agent's desk with what it learned; the agent answers, then hands the call
 * to the survey bot (WHIP), which ends it; the customer gets the 1-5 survey on WhatsApp and rates the call.
 */
export async function startBotDemo(options: { say: (line: string) => void; uiPort?: number; logger?: Logger }) {
  const say = options.say;
  const logger = options.logger ?? createMemoryLogger();
  const [janus, redis, postgres, sim] = await Promise.all([
    startTestJanus(),
    startTestRedis(),
    startTestPostgres(),
    startWhatsAppSim({ ...SIM_SECRETS }),
  ]);
  const frontOptions = {
    token: FRONT_TOKEN,
    toneHz: TONES.front,
    hearHz: TONES.caller,
    escalateAfterMs: 6000,
    escalateTo: 'support',
    summary: 'Wants to change the delivery address of order A-1042.',
    facts: { order: 'A-1042', intent: 'change_address' },
    relayUrl: undefined as string | undefined,
  };
  const surveyOptions = {
    token: SURVEY_TOKEN,
    toneHz: TONES.survey,
    hearHz: TONES.caller,
    transport: 'whip' as const,
    endAfterMs: 6000,
    relayUrl: undefined as string | undefined,
  };
  const [front, survey] = await Promise.all([startScriptedBot(frontOptions), startScriptedBot(surveyOptions)]);
  const relay = await startRelay({
    ...SIM_SECRETS,
    agentSecret: AGENT_SECRET,
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
          bot: { url: front.url, token: FRONT_TOKEN, answerSeconds: 10 },
        },
        {
          id: 'support',
          name: 'Support',
          media: 'anchored',
          ringSeconds: 60,
          agents: '*',
          handBack: [
            { id: 'survey', name: 'Survey', url: survey.url, token: SURVEY_TOKEN, protocol: 'whip', answerSeconds: 10 },
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
  desk.storage.settings.saveRelaySession([relay.agentUrl], await issueAgentToken('demo', AGENT_SECRET));
  const host = await hostRenderer({ desk, port: options.uiPort });

  /** Narrates what happens to one call, step by step, and has the customer answer the survey with a 5. */
  async function follow(callId: string, customer: string): Promise<number | undefined> {
    const seen = (check: () => boolean, ms: number) => until(check, ms);
    if (await seen(() => sim.graph.actionsFor(callId).includes('accept:200'), 15_000))
      say(`The front desk's bot answered (a ${TONES.front} Hz tone); it hands over in a few seconds.`);
    const accepted = (replies: Array<{ status: number }>) => replies.some((r) => r.status >= 200 && r.status < 300);
    if (await seen(() => accepted(front.escalations), 20_000))
      say('The bot handed the call to Support: the caller hears the hold music, and your desk rings with its summary.');
    if (await seen(() => survey.offers.length > 0, 600_000))
      say(`You handed the call to the survey bot (${TONES.survey} Hz): your call went to the wrap-up.`);
    if (await seen(() => accepted(survey.ends), 60_000)) say('The survey bot ended the call on WhatsApp.');
    const lists = () =>
      sim.graph.textMessages.filter(
        (m): m is Extract<PermissionMessage, { kind: 'list' }> => m.kind === 'list' && m.customer === customer,
      );
    if (!(await seen(() => lists().length > 0, 15_000))) return undefined;
    const best = lists()[0]!.rows.at(-1)!;
    say(`The customer got the survey on WhatsApp ("${lists()[0]!.body}") and chose "${best.title}".`);
    const reply = listReplyWebhook({
      customer,
      phoneNumberId: SIM_SECRETS.phoneNumberId,
      rowId: best.id,
      title: best.title,
      messageId: `wamid.DEMO${Date.now()}`,
    });
    await postSignedWebhook(relay.webhookUrl, reply, SIM_SECRETS.appSecret);
    let score: number | undefined;
    await seen(() => {
      void relay.records?.db.rating(callId).then((r) => (score = r?.score));
      return score !== undefined;
    }, 15_000);
    if (score !== undefined) say(`Kept with the call record: rated ${score} of 5, for agent "demo".`);
    return score;
  }

  return {
    url: host.url,
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
      return { callId: call.callId, rated: follow(call.callId, call.from) };
    },
    async close(): Promise<void> {
      await host.close();
      await relay.close();
      await Promise.all([front.close(), survey.close(), sim.close()]);
      await Promise.all([janus.stop(), redis.stop(), postgres.stop()]);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
export type BotDemo = Awaited<ReturnType<typeof startBotDemo>>;

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}
