import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { startScriptedBot, type ScriptedBot } from '../../../sim/scriptedBot';
import { postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import { TeamQueues, type TeamQueuesInput } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { startRelay } from '../relayServer';
import { relayKeys } from '../relayKeys';
import { Redis } from 'ioredis';
import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { holdMusicFile, mediaHostAddress } from '../media/testJanus';
import { createTonePeer } from '../media/testTonePeer';
import { connectTestAgent } from '../testAgent';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import {
  answerSentToMeta as sentToMeta,
  callIn as callTestbed,
  legsOf as roomLegs,
  offeredTo,
  until,
} from './testBotCall';

const SECRETS = RELAY_TEST_SECRETS;
const FRONT_TOKEN = 'front-bot-token-0123456789abcdef0123456789';
const SILENT_TOKEN = 'silent-bot-token-0123456789abcdef012345678';
const BROKEN_TOKEN = 'broken-bot-token-0123456789abcdef012345678';
const DEAD_TOKEN = 'dead-bot-token-0123456789abcdef0123456789ab';
const CRASH_TOKEN = 'crash-bot-token-0123456789abcdef0123456789a';
const LISTEN_TOKEN = 'listen-bot-token-0123456789abcdef012345678';
const STALL_TOKEN = 'stall-bot-token-0123456789abcdef0123456789a';
// Each voice by its pitch at the caller: the bot, the queue's music, the agent; the caller speaks 440 Hz.
const BOT_HZ = 600;
const MUSIC_HZ = 700;
const AGENT_HZ = 300;
const CALLER_HZ = 440;

let testbed: AnchoredRelayTestbed;
let postgres: TestPostgres;
let bot: ScriptedBot;
let silentBot: ScriptedBot;
let brokenBot: ScriptedBot;
let deadBot: ScriptedBot;
let crashBot: ScriptedBot;
let listenBot: ScriptedBot;
let stallBot: ScriptedBot;
const listenOptions = {
  token: LISTEN_TOKEN,
  toneHz: BOT_HZ,
  hearHz: CALLER_HZ,
  escalateAfterMs: 2000,
  escalateTo: 'support',
  relayUrl: undefined as string | undefined,
};
let queues: TeamQueuesInput;
let holdMusic: string;
const botOptions = {
  token: FRONT_TOKEN,
  toneHz: BOT_HZ,
  hearHz: CALLER_HZ,
  escalateAfterMs: 3000,
  escalateTo: 'support',
  summary: 'Wants to change the delivery address of an order.',
  facts: { order: 'A-1042', language: 'en', intent: 'change_address' },
  relayUrl: undefined as string | undefined,
};

beforeAll(async () => {
  [bot, silentBot, brokenBot, deadBot, crashBot, listenBot, stallBot, postgres] = await Promise.all([
    startScriptedBot(botOptions),
    startScriptedBot({ token: SILENT_TOKEN, toneHz: BOT_HZ, hearHz: CALLER_HZ, mode: 'silent' }),
    startScriptedBot({ token: BROKEN_TOKEN, toneHz: BOT_HZ, hearHz: CALLER_HZ, mode: 'http_error' }),
    startScriptedBot({ token: DEAD_TOKEN, toneHz: BOT_HZ, hearHz: CALLER_HZ, mode: 'no_media' }),
    startScriptedBot({ token: CRASH_TOKEN, toneHz: BOT_HZ, hearHz: CALLER_HZ, mode: 'hang_up', escalateAfterMs: 2000 }),
    startScriptedBot(listenOptions),
    // Talks and listens, but never escalates nor ends the call.
    startScriptedBot({ token: STALL_TOKEN, toneHz: BOT_HZ, hearHz: CALLER_HZ }),
    startTestPostgres(),
  ]);
  queues = {
    defaultQueue: 'front',
    queues: [
      { id: 'front', name: 'Front', media: 'anchored', agents: '*', bot: { url: bot.url, token: FRONT_TOKEN } },
      { id: 'support', name: 'Support', media: 'anchored', agents: '*' },
      {
        id: 'silent',
        name: 'Silent bot',
        media: 'anchored',
        agents: '*',
        payloads: ['silent'],
        bot: { url: silentBot.url, token: SILENT_TOKEN, answerSeconds: 2 },
      },
      {
        id: 'broken',
        name: 'Broken bot',
        media: 'anchored',
        agents: '*',
        payloads: ['broken'],
        bot: { url: brokenBot.url, token: BROKEN_TOKEN },
      },
      {
        id: 'dead',
        name: 'Dead bot',
        media: 'anchored',
        agents: '*',
        payloads: ['dead'],
        bot: { url: deadBot.url, token: DEAD_TOKEN },
      },
      {
        id: 'crash',
        name: 'Crashing bot',
        media: 'anchored',
        agents: '*',
        payloads: ['crash'],
        bot: { url: crashBot.url, token: CRASH_TOKEN },
      },
      {
        id: 'listen',
        name: 'Listening bot',
        media: 'anchored',
        agents: '*',
        payloads: ['listen'],
        bot: { url: listenBot.url, token: LISTEN_TOKEN, stayListening: true },
      },
      {
        id: 'stall',
        name: 'Stalling bot',
        media: 'anchored',
        agents: '*',
        payloads: ['stall'],
        bot: { url: stallBot.url, token: STALL_TOKEN, maxSeconds: 10 },
      },
    ],
  };
  testbed = await startAnchoredRelay('bots', queues, {
    holdMusic: (holdMusic = holdMusicFile(MUSIC_HZ)),
    databaseUrl: postgres.url,
  });
  botOptions.relayUrl = testbed.relay.agentUrl.replace(/^ws/, 'http');
  listenOptions.relayUrl = botOptions.relayUrl;
}, 60_000);
afterAll(async () => {
  await testbed?.stop();
  await Promise.all([
    bot?.close(),
    silentBot?.close(),
    brokenBot?.close(),
    deadBot?.close(),
    crashBot?.close(),
    listenBot?.close(),
    stallBot?.close(),
    postgres?.stop(),
  ]);
});

/** The call's legs in its Janus room; the call coming in from the test's customer; the answer Meta got. */
const legsOf = (callId: string) => roomLegs(testbed.redis.url, 'bots', testbed.janus.access, callId);
const callIn = (callId: string, caller: { offerSdp: string }, ctaPayload?: string) =>
  callTestbed(testbed, callId, caller, { from: '447700900777', ctaPayload });
const answerSentToMeta = (callId: string) => sentToMeta(testbed.graph, callId);
/** The customer hangs up: Meta's signed terminate webhook, taken by the relay. */
async function customerHangsUp(callId: string): Promise<void> {
  const body = terminateWebhook({
    callId,
    from: '447700900777',
    phoneNumberId: SECRETS.phoneNumberId,
    status: 'COMPLETED',
  });
  expect((await postSignedWebhook(testbed.relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
}
/** The call comes in and the relay answers WhatsApp for the queue's bot (once the bot has its leg). */
async function acceptedForBot(callId: string, caller: { offerSdp: string }, ctaPayload?: string): Promise<void> {
  await callIn(callId, caller, ctaPayload);
  await until(() => testbed.graph.actionsFor(callId).includes('accept:200'), 8000, 'accepted for the bot');
}

const escalateUrl = () => `${testbed.relay.agentUrl.replace(/^ws/, 'http')}bot/escalate`;
const escalate = (token: string, body: unknown) =>
  fetch(escalateUrl(), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('a queue’s bot answers first and hands the call to an agent', () => {
  it('the caller hears the bot, then the queue’s music, then the agent; the agent’s ring carries what the bot learned; the bot leaves once the agent’s leg is up', async () => {
    const { client, events } = await connectTestAgent('asha', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(AGENT_HZ);
    try {
      const callId = 'wacid.bot.escalated';
      // The relay answers WhatsApp for the bot once the bot has its leg; no agent rings yet.
      await acceptedForBot(callId, caller);
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'caller hears the bot');
      await until(() => bot.heardCaller() > 0.05, 5000, 'bot hears the caller');
      expect(offeredTo(events, callId)).toBeUndefined();

      // The bot saw the SmallWebRTC shape and nothing of WhatsApp: no call id, number or token.
      const seen = bot.offers.at(-1)!;
      expect(seen.authorization).toBe(`Bearer ${FRONT_TOKEN}`);
      expect(seen.body).toMatchObject({ type: 'offer', pc_id: null, request_data: { queue: 'front' } });
      const told = JSON.stringify(seen.body);
      for (const secret of [callId, '447700900777', SECRETS.accessToken, SECRETS.appSecret])
        expect(told).not.toContain(secret);
      const handle = (seen.body.request_data as { call: string }).call;

      // Hostile escalate requests while the bot holds the call: all refused, the call untouched.
      const valid = { call: handle, queue: 'support', summary: 'x', facts: {}, transcript: [] };
      expect((await escalate('not-a-bot-token-at-all-0123456789abcdef', valid)).status).toBe(401);
      expect((await escalate(SILENT_TOKEN, valid)).status).toBe(403); // another queue's bot
      expect((await escalate(FRONT_TOKEN, { ...valid, call: 'AAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(404);
      expect((await escalate(FRONT_TOKEN, { ...valid, call: callId })).status).toBe(400); // WhatsApp's id
      // A malformed request is told in plain sentences what each field takes (and the lower-case scheme is a bearer).
      const refusal = async (body: unknown, token = `Bearer ${FRONT_TOKEN}`) => {
        const answer = await fetch(escalateUrl(), {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: token },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
        return [answer.status, ((await answer.json()) as { error: string }).error];
      };
      expect(await refusal({ call: handle, queue: 'support' }, `bearer ${FRONT_TOKEN}`)).toEqual([
        400,
        'Not taken: summary: what the customer wants, in 1 to 500 characters; facts: an object of up to 20 keys (up to 60 characters each) with text values (up to 300), {} for none.',
      ]);
      expect(await refusal([valid])).toEqual([
        400,
        'Not taken: the body must be one JSON object with the fields README lists.',
      ]);
      expect(await refusal({ ...valid, extra: 1 })).toEqual([
        400,
        'Not taken: fields this request does not take: extra.',
      ]);
      expect(await refusal({ ...valid, queue: 'nowhere' })).toEqual([
        400,
        'Not taken: queue: there is no queue nowhere.',
      ]);
      expect(await refusal({ ...valid, transcript: [{ speaker: 'bot', text: 'hi' }] })).toEqual([
        400,
        'Not taken: transcript: a list of up to 200 turns, each {"speaker": "assistant" or "customer", "text": up to 2000 characters}.',
      ]);
      expect(await refusal('{"call":')).toEqual([400, 'Not taken: the body is not JSON.']);
      const huge = { ...valid, transcript: [{ speaker: 'customer', text: 'x'.repeat(1999) }] };
      huge.transcript = Array.from({ length: 40 }, () => huge.transcript[0]!);
      expect((await escalate(FRONT_TOKEN, huge)).status).toBe(413);
      expect((await fetch(escalateUrl(), { method: 'POST', body: JSON.stringify(valid) })).status).toBe(401);
      expect(offeredTo(events, callId)).toBeUndefined();

      // The bot escalates: the caller hears the queue's music and the agent rings with the bot's summary and facts.
      await until(() => bot.escalations.length > 0, 8000, 'bot escalated');
      expect(bot.escalations[0]!.status).toBe(202);
      await until(() => offeredTo(events, callId) !== undefined, 5000, 'agent rings');
      const offered = offeredTo(events, callId)!;
      // The conversation comes with them, for the agent to read.
      expect(offered.assistant).toEqual({
        summary: botOptions.summary,
        facts: botOptions.facts,
        transcript: [
          { speaker: 'assistant', text: 'Hello, how can I help?' },
          { speaker: 'customer', text: expect.stringMatching(/^\((a steady 440 Hz tone|silence)\)$/) },
        ],
      });
      expect(offered.queue).toBe('Support');
      await until(
        () => heardTone(caller.received, MUSIC_HZ) > 0.02 && heardTone(caller.received, BOT_HZ) < 0.004,
        8000,
        'caller hears the music, not the bot',
      );
      expect((await escalate(FRONT_TOKEN, valid)).status).toBe(409); // handed over once

      // The agent answers: nothing more goes to WhatsApp; the caller hears the agent, the music stops.
      const answer = await desk.answer(offered.sdpOffer);
      await client.request('pre_accept', { callId, sdp: answer });
      await client.request('accept', { callId, sdp: answer });
      await until(
        () => heardTone(caller.received, AGENT_HZ) > 0.05 && heardTone(caller.received, MUSIC_HZ) < 0.004,
        10_000,
        'caller hears the agent, not the music',
      );
      await until(() => desk.heard(CALLER_HZ) > 0.05, 5000, 'agent hears the caller');
      // The bot, muted from its escalation, is never heard by the agent (heard, its tone measures above 0.05; a
      // glitch as the customer comes back from the music can leak a little of any pitch, so the bar is not silence).
      let loudestBot = 0;
      for (let i = 0; i < 20; i += 1, await new Promise((r) => setTimeout(r, 50)))
        loudestBot = Math.max(loudestBot, desk.heard(BOT_HZ));
      expect(loudestBot).toBeLessThan(0.05);
      // The bot's leg is gone: the agent's voice fills the room, and the bot hears none of it.
      await until(
        () => bot.hears(AGENT_HZ) < 0.004 || Date.now() - bot.lastHeardAtMs() > 1000,
        5000,
        'bot gone from the room',
      );
      expect(heardTone(caller.received, AGENT_HZ)).toBeGreaterThan(0.05);
      // Janus itself: the customer's one leg and the agent's, the bot's gone.
      expect(await legsOf(callId)).toEqual(['asha', 'customer']);
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);

      // Kept with the call record.
      await client.request('terminate', { callId });
      const records = testbed.relay.records!;
      await until(async () => (await records.db.assistantNote(callId)) !== undefined, 10_000, 'record kept');
      expect(await records.db.assistantNote(callId)).toMatchObject({
        summary: botOptions.summary,
        facts: botOptions.facts,
        transcript: [
          { speaker: 'assistant', text: 'Hello, how can I help?' },
          { speaker: 'customer', text: `(a steady ${CALLER_HZ} Hz tone)` },
        ],
      });
    } finally {
      client.close();
      caller.close();
      desk.close();
    }
  }, 90_000);

  it.each([
    // Within 3 s: the bot's 2 s to answer, then the ring.
    ['never answers the offer', 'silent', 3000],
    ['answers with an HTTP error', 'broken', 3000],
    // The bot's media has 5 s to come up.
    ['answers, but its media never connects', 'dead', 6500],
  ] as const)(
    'a bot that %s gives the call to the queue at once, with nothing sent to WhatsApp for it',
    async (_how, payload, withinMs) => {
      const { client, events } = await connectTestAgent(`agent-${payload}`, [testbed.relay.agentUrl]);
      const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
      const desk = createTonePeer(AGENT_HZ);
      try {
        const callId = `wacid.bot.${payload}`;
        const sentAt = Date.now();
        await callIn(callId, caller, payload);
        await until(() => offeredTo(events, callId) !== undefined, withinMs + 2000, 'agent rings');
        expect(Date.now() - sentAt).toBeLessThan(withinMs);
        expect(testbed.graph.actionsFor(callId)).toEqual([]);
        const offered = offeredTo(events, callId)!;
        expect(offered.assistant?.summary).toBe('The assistant could not take this call.');
        const answer = await desk.answer(offered.sdpOffer);
        await client.request('pre_accept', { callId, sdp: answer });
        await client.request('accept', { callId, sdp: answer });
        await caller.applyAnswer(answerSentToMeta(callId)!);
        await until(() => heardTone(caller.received, AGENT_HZ) > 0.05, 10_000, 'caller hears the agent');
        expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
        await client.request('terminate', { callId });
      } finally {
        client.close();
        caller.close();
        desk.close();
      }
    },
    40_000,
  );

  it('a customer who hangs up while the bot has the call: the bot’s leg leaves, nobody rings, a late escalate is refused', async () => {
    const { client, events } = await connectTestAgent('chen', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    try {
      const callId = 'wacid.bot.hung-up';
      const escalatedBefore = bot.escalations.length;
      await acceptedForBot(callId, caller);
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'caller hears the bot');
      await customerHangsUp(callId);
      await until(() => heardTone(caller.received, BOT_HZ) < 0.004, 5000, 'the bot is gone');
      // The bot's own escalation, due 3 s after it answered, finds the call over.
      await until(() => bot.escalations.length > escalatedBefore, 8000, 'bot escalated');
      expect(bot.escalations.at(-1)!.status).toBe(409);
      await new Promise((r) => setTimeout(r, 500));
      expect(offeredTo(events, callId)).toBeUndefined();
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
    } finally {
      client.close();
      caller.close();
    }
  }, 40_000);

  it('an escalated call every agent declines is ended on WhatsApp (it was accepted for the bot), not left on the music', async () => {
    const { client, events } = await connectTestAgent('dana', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    try {
      const callId = 'wacid.bot.declined';
      await acceptedForBot(callId, caller);
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => offeredTo(events, callId) !== undefined, 10_000, 'agent rings');
      await until(() => heardTone(caller.received, MUSIC_HZ) > 0.02, 8000, 'caller hears the music');
      await client.request('reject', { callId });
      await until(() => testbed.graph.actionsFor(callId).includes('terminate:200'), 5000, 'ended on WhatsApp');
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
      await until(() => heardTone(caller.received, MUSIC_HZ) < 0.004, 5000, 'the music stops');
    } finally {
      client.close();
      caller.close();
    }
  }, 40_000);

  it('across instances: the call answered for the bot on one instance, escalated and answered through another', async () => {
    const { redis, graph, janus } = testbed;
    const other = await startRelay({
      ...SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix: 'bots',
      janusUrls: [janus.url],
      janusAccess: janus.access,
      queues: TeamQueues.parse(queues),
      janusHoldMusic: holdMusic,
    });
    const { client, events } = await connectTestAgent('erin', [other.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(AGENT_HZ);
    const ownRelay = botOptions.relayUrl;
    botOptions.relayUrl = other.agentUrl.replace(/^ws/, 'http');
    try {
      const callId = 'wacid.bot.across';
      const escalatedBefore = bot.escalations.length;
      await callIn(callId, caller); // to the first instance, which answers it for the bot
      await until(() => testbed.graph.actionsFor(callId).includes('accept:200'), 8000, 'accepted for the bot');
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'caller hears the bot');
      await until(() => bot.escalations.length > escalatedBefore, 8000, 'bot escalated to the other instance');
      expect(bot.escalations.at(-1)!.status).toBe(202);
      await until(() => offeredTo(events, callId) !== undefined, 5000, 'agent rings');
      expect(offeredTo(events, callId)!.assistant?.facts).toEqual(botOptions.facts);
      await until(
        () => heardTone(caller.received, MUSIC_HZ) > 0.02 && heardTone(caller.received, BOT_HZ) < 0.004,
        8000,
        'caller hears the music, not the bot',
      );
      const answer = await desk.answer(offeredTo(events, callId)!.sdpOffer);
      await client.request('pre_accept', { callId, sdp: answer });
      await client.request('accept', { callId, sdp: answer });
      await until(
        () => heardTone(caller.received, AGENT_HZ) > 0.05 && heardTone(caller.received, MUSIC_HZ) < 0.004,
        10_000,
        'caller hears the agent, not the music',
      );
      await until(() => desk.heard(CALLER_HZ) > 0.05, 5000, 'agent hears the caller');
      await until(
        () => bot.hears(AGENT_HZ) < 0.004 || Date.now() - bot.lastHeardAtMs() > 1000,
        5000,
        'bot gone from the room',
      );
      // The other instance took the agent's answer without joining the customer a second time.
      expect(await legsOf(callId)).toEqual(['customer', 'erin']);
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await client.request('terminate', { callId });
    } finally {
      botOptions.relayUrl = ownRelay;
      client.close();
      caller.close();
      desk.close();
      await other.close();
    }
  }, 60_000);

  it('a bot that goes away mid-call without handing over gives the call to the queue: the caller hears the music, then the agent', async () => {
    const { client, events } = await connectTestAgent('fay', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(AGENT_HZ);
    try {
      const callId = 'wacid.bot.crashed';
      await acceptedForBot(callId, caller, 'crash');
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'caller hears the bot');
      expect(offeredTo(events, callId)).toBeUndefined();
      // The bot drops its connection 2 s after answering.
      await until(() => offeredTo(events, callId) !== undefined, 10_000, 'agent rings');
      expect(offeredTo(events, callId)!.assistant?.summary).toBe('The assistant could not take this call.');
      await until(() => heardTone(caller.received, MUSIC_HZ) > 0.02, 8000, 'caller hears the music');
      const answer = await desk.answer(offeredTo(events, callId)!.sdpOffer);
      await client.request('pre_accept', { callId, sdp: answer });
      await client.request('accept', { callId, sdp: answer });
      await until(
        () => heardTone(caller.received, AGENT_HZ) > 0.05 && heardTone(caller.received, MUSIC_HZ) < 0.004,
        10_000,
        'caller hears the agent, not the music',
      );
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await client.request('terminate', { callId });
    } finally {
      client.close();
      caller.close();
      desk.close();
    }
  }, 40_000);

  it('a bot that keeps the call past its queue’s maxSeconds without escalating gives it to the queue: the caller hears the music, then the agent', async () => {
    const { client, events } = await connectTestAgent('hal', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(AGENT_HZ);
    try {
      const callId = 'wacid.bot.stalled';
      await acceptedForBot(callId, caller, 'stall');
      const acceptedAt = Date.now();
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'caller hears the bot');
      // Its 10 s run out: the agents take the call, told the assistant could not take it.
      await until(() => offeredTo(events, callId) !== undefined, 20_000, 'agent rings');
      expect(Date.now() - acceptedAt).toBeGreaterThanOrEqual(9000);
      expect(offeredTo(events, callId)!.assistant?.summary).toBe('The assistant could not take this call.');
      await until(
        () => heardTone(caller.received, MUSIC_HZ) > 0.02 && heardTone(caller.received, BOT_HZ) < 0.004,
        8000,
        'caller hears the music, not the bot',
      );
      const answer = await desk.answer(offeredTo(events, callId)!.sdpOffer);
      await client.request('pre_accept', { callId, sdp: answer });
      await client.request('accept', { callId, sdp: answer });
      await until(() => heardTone(caller.received, AGENT_HZ) > 0.05, 10_000, 'caller hears the agent');
      await until(async () => (await legsOf(callId)).join() === 'customer,hal', 8000, 'the bot’s leg leaves');
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await client.request('terminate', { callId });
    } finally {
      client.close();
      caller.close();
      desk.close();
    }
  }, 60_000);

  it('a bot that escalates within its queue’s maxSeconds leaves no turn limit behind: no instance looks at the call for it later', async () => {
    const { client, events } = await connectTestAgent('ivo', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const turnsDue = new Redis(testbed.redis.url);
    try {
      const callId = 'wacid.bot.escalated.in.time';
      await acceptedForBot(callId, caller, 'stall');
      // The due steps' key, whatever the deployment's key prefix looks like.
      const turnsKey = async () => (await turnsDue.keys(`*${relayKeys('').botTurnsDue}`))[0] ?? 'none';
      await until(async () => (await turnsDue.zcard(await turnsKey())) === 1, 5000, 'the bot’s turn limit is set');
      const handle = (stallBot.offers.at(-1)!.body.request_data as { call: string }).call;
      const sent = await escalate(STALL_TOKEN, { call: handle, queue: 'stall', summary: 'Wants a person.', facts: {} });
      expect([sent.status, await sent.text()]).toEqual([202, expect.any(String)]);
      await until(() => offeredTo(events, callId) !== undefined, 10_000, 'agent rings');
      expect(await turnsDue.zcard(await turnsKey())).toBe(0);
      await customerHangsUp(callId);
    } finally {
      turnsDue.disconnect();
      client.close();
      caller.close();
    }
  }, 40_000);

  it('a queue whose bot stays listening: once the agent has the call the bot stays in the room muted, hearing both, heard by nobody', async () => {
    const { client, events } = await connectTestAgent('gus', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(AGENT_HZ);
    try {
      const callId = 'wacid.bot.listening';
      await acceptedForBot(callId, caller, 'listen');
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'caller hears the bot');
      await until(() => offeredTo(events, callId) !== undefined, 8000, 'agent rings');
      const answer = await desk.answer(offeredTo(events, callId)!.sdpOffer);
      await client.request('pre_accept', { callId, sdp: answer });
      await client.request('accept', { callId, sdp: answer });
      await until(() => heardTone(caller.received, AGENT_HZ) > 0.05, 10_000, 'caller hears the agent');
      // Well past the moment the bot would have left: it still hears the agent and the caller, and nobody hears it.
      await new Promise((r) => setTimeout(r, 2500));
      expect(listenBot.hears(AGENT_HZ)).toBeGreaterThan(0.05);
      expect(listenBot.hears(CALLER_HZ)).toBeGreaterThan(0.05);
      let loudestBot = 0;
      for (let i = 0; i < 20; i += 1, await new Promise((r) => setTimeout(r, 50)))
        loudestBot = Math.max(loudestBot, desk.heard(BOT_HZ), heardTone(caller.received, BOT_HZ));
      expect(loudestBot).toBeLessThan(0.05);
      expect(await legsOf(callId)).toEqual(['assistant', 'customer', 'gus']);
      await client.request('terminate', { callId });
    } finally {
      client.close();
      caller.close();
      desk.close();
    }
  }, 40_000);
});
