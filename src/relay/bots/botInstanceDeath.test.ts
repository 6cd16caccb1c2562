import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { startScriptedBot, type ScriptedBot } from '../../../sim/scriptedBot';
import { TeamQueues, type TeamQueuesInput } from '../../shared/teamQueues';
import { holdMusicFile, mediaHostAddress, startTestJanus, type TestJanus } from '../media/testJanus';
import { connectTestAgent } from '../testAgent';
import { startRelayProcess, type RelayProcess } from '../testRelayProcess';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS as SECRETS } from '../testSecrets';
import { answerAs, answerSentToMeta, callEndedAtMeta, callIn, legsOf, offeredTo, until } from './testBotCall';
import { deploymentKeyPrefix } from '../relayKeys';
import { everyRedisKey, keyKindsOf } from '../testKeySlot';

const PREFIX = 'botdeath';
const FRONT_TOKEN = 'front-bot-token-0123456789abcdef0123456789';
const CRASH_TOKEN = 'crash-bot-token-0123456789abcdef0123456789a';
const WHIP_TOKEN = 'whip-bot-token-0123456789abcdef0123456789ab';
// Each voice by its pitch at the caller: the bot, the queue's music, the agent; the caller speaks 440 Hz.
const BOT_HZ = 600;
const MUSIC_HZ = 700;
const AGENT_HZ = 300;
const CALLER_HZ = 440;
/** Long enough for the survivor to take the dead instance's Janus session over (4 s of silence, then 1 s beats). */
const BOT_TURN_MS = 18_000;

let redis: TestRedis;
let graph: GraphApiSim;
let janus: TestJanus;
let survivor: RelayProcess;
let front: ScriptedBot;
let crash: ScriptedBot;
let whip: ScriptedBot;
let queues: TeamQueues;
const frontOptions = {
  token: FRONT_TOKEN,
  toneHz: BOT_HZ,
  hearHz: CALLER_HZ,
  escalateAfterMs: BOT_TURN_MS,
  escalateTo: 'support',
  summary: 'Wants to change the delivery address of an order.',
  facts: { order: 'A-1042' },
  relayUrl: undefined as string | undefined,
};
const whipOptions = { ...frontOptions, token: WHIP_TOKEN, transport: 'whip' as const };
const children: RelayProcess[] = [];

/** One relay instance of the team, in its own process so that it can be SIGKILLed. */
async function relayProcess(): Promise<RelayProcess> {
  const child = await startRelayProcess({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    prefix: PREFIX,
    queues,
    janusUrls: [janus.url],
    janusAccess: janus.access,
    janusHoldMusic: holdMusicFile(MUSIC_HZ),
  });
  children.push(child);
  return child;
}

beforeAll(async () => {
  [redis, graph, janus, front, crash, whip] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
    startTestJanus(),
    startScriptedBot(frontOptions),
    // Drops its peer without escalating (a crash), once the survivor has its leg.
    startScriptedBot({
      token: CRASH_TOKEN,
      toneHz: BOT_HZ,
      hearHz: CALLER_HZ,
      mode: 'hang_up',
      escalateAfterMs: BOT_TURN_MS,
    }),
    startScriptedBot(whipOptions),
  ]);
  const input: TeamQueuesInput = {
    defaultQueue: 'front',
    queues: [
      { id: 'front', name: 'Front', media: 'anchored', agents: '*', bot: { url: front.url, token: FRONT_TOKEN } },
      { id: 'support', name: 'Support', media: 'anchored', agents: '*', payloads: ['support'] },
      {
        id: 'crash',
        name: 'Crashing bot',
        media: 'anchored',
        agents: '*',
        payloads: ['crash'],
        bot: { url: crash.url, token: CRASH_TOKEN },
      },
      {
        id: 'whip',
        name: 'WHIP bot',
        media: 'anchored',
        agents: '*',
        payloads: ['whip'],
        bot: { url: whip.url, token: WHIP_TOKEN, protocol: 'whip' },
      },
    ],
  };
  queues = TeamQueues.parse(input);
  survivor = await relayProcess();
  // The bot calls the relay back on the instance that stays: any instance takes a bot's request.
  frontOptions.relayUrl = whipOptions.relayUrl = survivor.agentUrl.replace(/^ws/, 'http');
}, 90_000);
afterAll(async () => {
  await Promise.all(children.map((child) => child.kill()));
  await Promise.all([front?.close(), crash?.close(), whip?.close()]);
  await janus?.stop();
  await graph?.close();
  await redis?.stop();
});

/** Which relay instance has the call's bot leg (and the customer's), as the instances note it in Redis. */
async function legHolders(callId: string): Promise<Record<string, string>> {
  const client = new Redis(redis.url);
  try {
    const legs = await client.hgetall(`${deploymentKeyPrefix(PREFIX)}:anchor-legs:${callId}`);
    return Object.fromEntries(
      Object.entries(legs).map(([kind, raw]) => [kind, (JSON.parse(raw) as { instance: string }).instance]),
    );
  } finally {
    client.disconnect();
  }
}

/**
 * The caller hears this pitch steadily: its recent level above a voice's 0.05 in at least 8 of 10 looks over a second
 * (a busy machine can starve the caller's jitter buffer for a moment; a call that lost the pitch fails them all).
 */
async function keepsHearing(caller: { received: Parameters<typeof heardTone>[0] }, hz: number): Promise<void> {
  const levels: number[] = [];
  for (let i = 0; i < 10; i += 1, await new Promise((r) => setTimeout(r, 100)))
    levels.push(heardTone(caller.received, hz));
  expect(
    levels.filter((level) => level > 0.05).length,
    levels.map((l) => l.toFixed(3)).join(' '),
  ).toBeGreaterThanOrEqual(8);
}

type Caller = Awaited<ReturnType<typeof createFarEnd>>;

/** The call comes in on the instance about to die, which answers WhatsApp for the bot; until the caller hears it. */
async function answeredForTheBot(doomed: RelayProcess, callId: string, caller: Caller, ctaPayload?: string) {
  await callIn({ graph, relay: doomed }, callId, caller, { ctaPayload });
  await until(() => graph.actionsFor(callId).includes('accept:200'), 10_000, 'accepted for the bot');
  await caller.applyAnswer(answerSentToMeta(graph, callId)!);
  await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'the caller hears the bot');
}

/**
 * The instance holding the call's legs dies (SIGKILL); until the survivor has claimed its Janus session and taken both
 * the bot's and the customer's legs over. Returns who held them before.
 */
async function killedAndTakenOver(doomed: RelayProcess, callId: string): Promise<Record<string, string>> {
  const before = await legHolders(callId);
  expect(Object.keys(before).sort()).toEqual(['assistant', 'customer']);
  await doomed.kill();
  await until(
    async () => {
      const now = await legHolders(callId);
      return now.assistant !== before.assistant && now.customer !== before.customer;
    },
    15_000,
    'the survivor takes the legs over',
  );
  return before;
}

describe('the relay instance holding a bot’s leg dies during the bot’s turn', () => {
  it('another instance takes the bot’s and the customer’s legs over: the caller keeps hearing the bot, its escalate works, the music plays, the agent answers and the bot leaves', async () => {
    const doomed = await relayProcess();
    const asha = await connectTestAgent('asha', [survivor.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    let desk: Awaited<ReturnType<typeof answerAs>> | undefined;
    try {
      const callId = 'wacid.botdeath.escalated';
      // The call comes in on the instance about to die: it answers WhatsApp for the bot and holds both legs.
      await answeredForTheBot(doomed, callId, caller);
      // The survivor claims the dead instance's Janus session and takes both legs over, well before the bot's turn.
      await killedAndTakenOver(doomed, callId);
      expect(front.escalations).toHaveLength(0);
      // Nothing was lost at the caller: the bot is still heard, and still hears the caller.
      await keepsHearing(caller, BOT_HZ);
      const heardBefore = front.heardCaller();
      expect(heardBefore).toBeGreaterThan(0.05);

      // The bot escalates through the survivor: the caller hears the music, not the bot; asha rings.
      await until(() => front.escalations.length > 0, BOT_TURN_MS + 5000, 'the bot escalated');
      expect(front.escalations[0]!.status).toBe(202);
      await until(
        () => heardTone(caller.received, MUSIC_HZ) > 0.02 && heardTone(caller.received, BOT_HZ) < 0.004,
        8000,
        'the caller hears the music, not the bot',
      );
      await until(() => offeredTo(asha.events, callId) !== undefined, 5000, 'asha rings');
      expect(offeredTo(asha.events, callId)!.assistant?.summary).toBe(frontOptions.summary);

      // Asha answers on the survivor: the customer comes back from the music to her, and the bot's leg goes.
      desk = await answerAs(asha, callId, AGENT_HZ);
      await until(
        () => heardTone(caller.received, AGENT_HZ) > 0.05 && heardTone(caller.received, MUSIC_HZ) < 0.004,
        10_000,
        'the caller hears asha, not the music',
      );
      await until(() => desk!.heard(CALLER_HZ) > 0.05, 5000, 'asha hears the caller');
      await until(
        async () => (await legsOf(redis.url, PREFIX, janus.access, callId)).join() === 'asha,customer',
        8000,
        'the bot’s leg leaves the room',
      );
      await keepsHearing(caller, AGENT_HZ);
      // WhatsApp was answered once, by the instance that died; nothing was redone or left open at Meta.
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);

      await asha.client.request('terminate', { callId });
      await until(() => graph.actionsFor(callId).includes('terminate:200'), 8000, 'ended on WhatsApp');
    } finally {
      await doomed.kill();
      asha.client.close();
      caller.close();
      desk?.close();
    }
  }, 120_000);

  it('a bot that goes away once its instance died gives the call to the queue with “The assistant could not take this call”, the caller on the music, then with the agent', async () => {
    const doomed = await relayProcess();
    const ben = await connectTestAgent('ben', [survivor.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    let desk: Awaited<ReturnType<typeof answerAs>> | undefined;
    try {
      const callId = 'wacid.botdeath.crashed';
      await answeredForTheBot(doomed, callId, caller, 'crash');
      await killedAndTakenOver(doomed, callId);
      expect(offeredTo(ben.events, callId)).toBeUndefined();

      // The bot drops its peer: the survivor hears Janus hang its leg up and gives the call to the agents.
      await until(() => offeredTo(ben.events, callId) !== undefined, BOT_TURN_MS + 5000, 'ben rings');
      expect(offeredTo(ben.events, callId)!.assistant?.summary).toBe('The assistant could not take this call.');
      await until(() => heardTone(caller.received, MUSIC_HZ) > 0.02, 8000, 'the caller hears the music');

      desk = await answerAs(ben, callId, AGENT_HZ);
      await until(
        () => heardTone(caller.received, AGENT_HZ) > 0.05 && heardTone(caller.received, MUSIC_HZ) < 0.004,
        10_000,
        'the caller hears ben, not the music',
      );
      await keepsHearing(caller, AGENT_HZ);
      expect(await legsOf(redis.url, PREFIX, janus.access, callId)).toEqual(['ben', 'customer']);
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await ben.client.request('terminate', { callId });
    } finally {
      await doomed.kill();
      ben.client.close();
      caller.close();
      desk?.close();
    }
  }, 120_000);

  it('dying before WhatsApp had the answer: the call goes to the queue at once with “The assistant could not take this call”, and the agent’s answer is the one WhatsApp gets', async () => {
    const doomed = await relayProcess();
    const cara = await connectTestAgent('cara', [survivor.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    let desk: Awaited<ReturnType<typeof answerAs>> | undefined;
    try {
      const callId = 'wacid.botdeath.unanswered';
      // Meta sits on the instance's pre_accept (then refuses it, so it never took effect): the instance dies meanwhile.
      graph.addFault({ action: 'pre_accept', delayMs: 8000, status: 503 });
      await callIn({ graph, relay: doomed }, callId, caller);
      await until(
        async () => Object.keys(await legHolders(callId)).length === 2,
        10_000,
        'the bot’s and the customer’s legs joined',
      );
      // The dying instance's pre_accept must have reached WhatsApp and be waiting there: on a busy machine it can
      // still be on its way, and the fault would then meet the agent's own pre_accept instead.
      await until(() => graph.faultsWaiting() === 0, 10_000, 'the pre_accept held at WhatsApp');
      const before = await legHolders(callId);
      await doomed.kill();
      expect(graph.actionsFor(callId).filter((a) => a.startsWith('accept'))).toEqual([]);

      await until(() => offeredTo(cara.events, callId) !== undefined, 15_000, 'cara rings');
      expect(offeredTo(cara.events, callId)!.assistant?.summary).toBe('The assistant could not take this call.');
      // The survivor took the legs over and let them go: nobody is left in the room for a WhatsApp that never heard.
      expect(await legHolders(callId)).not.toEqual(before);
      // (The room holds only cara's ringing leg now.)
      expect(await legsOf(redis.url, PREFIX, janus.access, callId)).toEqual(['cara']);

      desk = await answerAs(cara, callId, AGENT_HZ);
      const answers = graph.requests.filter((r) => {
        const text = JSON.stringify(r.body ?? '');
        return text.includes('"accept"') && text.includes(callId);
      });
      await caller.applyAnswer((answers.at(-1)!.body as { session: { sdp: string } }).session.sdp);
      await until(() => heardTone(caller.received, AGENT_HZ) > 0.05, 10_000, 'the caller hears cara');
      await keepsHearing(caller, AGENT_HZ);
      expect(heardTone(caller.received, BOT_HZ)).toBeLessThan(0.004);
      expect(await legsOf(redis.url, PREFIX, janus.access, callId)).toEqual(['cara', 'customer']);
      expect(graph.actionsFor(callId)).toContain('accept:200');
      expect(graph.actionsFor(callId).filter((a) => /^(reject|terminate)/.test(a))).toEqual([]);
      await cara.client.request('terminate', { callId });
    } finally {
      await doomed.kill();
      cara.client.close();
      caller.close();
      desk?.close();
    }
  }, 120_000);

  it('dying after WhatsApp took its pre_accept, with its accept held there: the instance that takes the legs over finishes the answer with the same SDP, and the caller keeps the bot', async () => {
    const doomed = await relayProcess();
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const callId = 'wacid.botdeath.pre-accepted';
    try {
      // WhatsApp takes the pre_accept, then sits on the accept (and refuses it, so it never takes effect): the
      // instance dies meanwhile.
      graph.addFault({ action: 'accept', delayMs: 8000, status: 503 });
      await callIn({ graph, relay: doomed }, callId, caller);
      // WhatsApp gives the caller the business's answer as soon as its pre_accept takes.
      const answered = until(
        () => graph.actionsFor(callId).includes('pre_accept:200'),
        40_000,
        'the pre_accept taken',
      ).then(() => caller.applyAnswer(answerSentToMeta(graph, callId)!));
      await until(
        async () => Object.keys(await legHolders(callId)).length === 2,
        10_000,
        'the bot’s and the customer’s legs joined',
      );
      // The accept must have reached WhatsApp and be waiting there before the instance dies.
      await until(() => graph.faultsWaiting() === 0, 10_000, 'the accept held at WhatsApp');
      // The survivor takes both legs over and finishes the answer with the SDP WhatsApp took in the pre_accept.
      await killedAndTakenOver(doomed, callId);
      await until(() => graph.actionsFor(callId).includes('accept:200'), 20_000, 'accepted by the survivor');
      const answers = graph.requests.flatMap((r) => {
        const body = r.body as { call_id?: string; action?: string; session?: { sdp: string } } | undefined;
        return body?.call_id === callId && body.session ? [body.session.sdp] : [];
      });
      expect(answers.length).toBeGreaterThanOrEqual(2);
      expect(new Set(answers).size, 'one SDP in every pre_accept and accept').toBe(1);

      // The caller hears the bot, which is still there: nobody was asked to answer, nothing was ended.
      await answered;
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'the caller hears the bot');
      await keepsHearing(caller, BOT_HZ);
      expect(graph.actionsFor(callId).filter((a) => /^(reject|terminate)/.test(a))).toEqual([]);
    } finally {
      await callEndedAtMeta(survivor.webhookUrl, callId).catch(() => undefined);
      await doomed.kill();
      caller.close();
    }
  }, 120_000);

  it('a WHIP bot’s session is ended by the instance that took its leg over, once the agent has the call', async () => {
    const doomed = await relayProcess();
    const dana = await connectTestAgent('dana', [survivor.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    let desk: Awaited<ReturnType<typeof answerAs>> | undefined;
    try {
      const callId = 'wacid.botdeath.whip';
      await answeredForTheBot(doomed, callId, caller, 'whip');
      await killedAndTakenOver(doomed, callId);
      await until(() => whip.escalations.length > 0, BOT_TURN_MS + 5000, 'the WHIP bot escalated');
      expect(whip.escalations[0]!.status).toBe(202);
      await until(() => offeredTo(dana.events, callId) !== undefined, 20_000, 'dana rings');
      desk = await answerAs(dana, callId, AGENT_HZ);
      await until(() => heardTone(caller.received, AGENT_HZ) > 0.05, 10_000, 'the caller hears dana');
      // The bot's leg left the room, and its WHIP session was DELETEd once (RFC 9725), by the survivor.
      await until(() => whip.deletes.length === 1 && whip.openSessions() === 0, 8000, 'the WHIP session DELETEd');
      expect(await legsOf(redis.url, PREFIX, janus.access, callId)).toEqual(['customer', 'dana']);
      await dana.client.request('terminate', { callId });
      await until(() => graph.actionsFor(callId).includes('terminate:200'), 8000, 'ended on WhatsApp');
      expect(whip.deletes).toHaveLength(1);
    } finally {
      await doomed.kill();
      dana.client.close();
      caller.close();
      desk?.close();
    }
  }, 120_000);

  it('a bot that crashes while no instance holds the dead one’s media session still gives the call to the queue', async () => {
    const doomed = await relayProcess();
    const eve = await connectTestAgent('eve', [survivor.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    let desk: Awaited<ReturnType<typeof answerAs>> | undefined;
    try {
      const callId = 'wacid.botdeath.crash-in-between';
      await answeredForTheBot(doomed, callId, caller);
      await doomed.kill();
      // At once, seconds before any instance can take the dead one's session: Janus's hang-up reaches nobody.
      front.hangUp();
      await until(() => offeredTo(eve.events, callId) !== undefined, 20_000, 'eve rings');
      expect(offeredTo(eve.events, callId)!.assistant?.summary).toBe('The assistant could not take this call.');
      await until(() => heardTone(caller.received, MUSIC_HZ) > 0.02, 8000, 'the caller hears the music');
      desk = await answerAs(eve, callId, AGENT_HZ);
      await until(() => heardTone(caller.received, AGENT_HZ) > 0.05, 10_000, 'the caller hears eve');
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await eve.client.request('terminate', { callId });
    } finally {
      await doomed.kill();
      eve.client.close();
      caller.close();
      desk?.close();
    }
  }, 120_000);

  it('every key the instances wrote for the bots’ calls (sessions, hand-overs, legs taken over) carries the deployment’s hash tag', async () => {
    const reader = new Redis(redis.url);
    try {
      const keys = await everyRedisKey(reader);
      expect(keyKindsOf(keys)).toEqual(
        expect.arrayContaining([
          '{botdeath}:assistant',
          '{botdeath}:bot-call',
          '{botdeath}:bot-handed',
          '{botdeath}:janus-sessions',
        ]),
      );
      expect(keys.filter((k) => !k.startsWith(`${deploymentKeyPrefix(PREFIX)}:`))).toEqual([]);
    } finally {
      reader.disconnect();
    }
  });
});
