import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { startScriptedBot, type ScriptedBot } from '../../../sim/scriptedBot';
import type { TeamQueuesInput } from '../../shared/teamQueues';
import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { holdMusicFile, mediaHostAddress } from '../media/testJanus';
import { createTonePeer } from '../media/testTonePeer';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import {
  answerAs as answerWithTone,
  answerSentToMeta as sentToMeta,
  botPost as postAsBot,
  callIn as callTestbed,
  handleOf,
  legsOf as roomLegs,
  offeredTo,
  until,
} from './testBotCall';

const SECRETS = RELAY_TEST_SECRETS;
const FRONT_TOKEN = 'front-bot-token-0123456789abcdef0123456789';
const SURVEY_TOKEN = 'survey-bot-token-0123456789abcdef01234567';
const PAY_TOKEN = 'pay-bot-token-0123456789abcdef0123456789ab';
const BROKEN_TOKEN = 'broken-bot-token-0123456789abcdef012345678';
const OTHER_TOKEN = 'other-bot-token-0123456789abcdef0123456789';
// Each voice by its pitch at the caller; the caller speaks 440 Hz.
const FRONT_HZ = 600;
const MUSIC_HZ = 700;
const SURVEY_HZ = 800;
const PAY_HZ = 900;
const AGENT_HZ = 300;
const CALLER_HZ = 440;
const FRONT_SUMMARY = 'Wants to pay the open invoice of order A-1042.';
const FRONT_FACTS = { order: 'A-1042', intent: 'pay_invoice' };
const PAY_SUMMARY = 'The card was declined twice.';

let testbed: AnchoredRelayTestbed;
let front: ScriptedBot;
let survey: ScriptedBot;
let pay: ScriptedBot;
let broken: ScriptedBot;
let other: ScriptedBot;
// The bots that call the relay back learn its address once it listens.
const frontOptions = {
  token: FRONT_TOKEN,
  toneHz: FRONT_HZ,
  hearHz: CALLER_HZ,
  escalateAfterMs: 2500,
  escalateTo: 'desk',
  summary: FRONT_SUMMARY,
  facts: FRONT_FACTS,
  relayUrl: undefined as string | undefined,
};
const surveyOptions = { token: SURVEY_TOKEN, toneHz: SURVEY_HZ, hearHz: CALLER_HZ, endAfterMs: 5000 } as {
  token: string;
  toneHz: number;
  hearHz: number;
  endAfterMs: number;
  relayUrl?: string;
};
const payOptions = {
  token: PAY_TOKEN,
  toneHz: PAY_HZ,
  hearHz: CALLER_HZ,
  escalateAfterMs: 4000,
  escalateTo: 'desk',
  summary: PAY_SUMMARY,
  facts: { order: 'A-1042', declined: '2' },
  relayUrl: undefined as string | undefined,
};

beforeAll(async () => {
  [front, survey, pay, broken, other] = await Promise.all([
    startScriptedBot(frontOptions),
    startScriptedBot(surveyOptions),
    startScriptedBot(payOptions),
    startScriptedBot({ token: BROKEN_TOKEN, toneHz: SURVEY_HZ, hearHz: CALLER_HZ, mode: 'http_error' }),
    startScriptedBot({ token: OTHER_TOKEN, toneHz: SURVEY_HZ, hearHz: CALLER_HZ }),
  ]);
  const queues: TeamQueuesInput = {
    defaultQueue: 'desk',
    queues: [
      {
        id: 'desk',
        name: 'Desk',
        media: 'anchored',
        agents: '*',
        handBack: [
          { id: 'survey', name: 'Survey', url: survey.url, token: SURVEY_TOKEN },
          { id: 'pay', name: 'Payments', url: pay.url, token: PAY_TOKEN },
          { id: 'broken', name: 'Broken', url: broken.url, token: BROKEN_TOKEN },
        ],
      },
      {
        id: 'front',
        name: 'Front',
        media: 'anchored',
        agents: '*',
        payloads: ['front'],
        bot: { url: front.url, token: FRONT_TOKEN },
      },
      {
        id: 'other',
        name: 'Other',
        media: 'anchored',
        agents: '*',
        payloads: ['other'],
        handBack: [{ id: 'survey', name: 'Other survey', url: other.url, token: OTHER_TOKEN }],
      },
    ],
  };
  testbed = await startAnchoredRelay('handback', queues, { holdMusic: holdMusicFile(MUSIC_HZ) });
  const relayUrl = testbed.relay.agentUrl.replace(/^ws/, 'http');
  frontOptions.relayUrl = surveyOptions.relayUrl = payOptions.relayUrl = relayUrl;
}, 60_000);
afterAll(async () => {
  await testbed?.stop();
  await Promise.all([front, survey, pay, broken, other].map((bot) => bot?.close()));
});

/** The call's legs in its Janus room; the call coming in; the answer Meta got; an agent answering; a bot's request. */
const legsOf = (callId: string) => roomLegs(testbed.redis.url, 'handback', testbed.janus.access, callId);
const callIn = (callId: string, caller: { offerSdp: string }, ctaPayload?: string) =>
  callTestbed(testbed, callId, caller, { ctaPayload });
const answerSentToMeta = (callId: string) => sentToMeta(testbed.graph, callId);
const answerAs = (agent: Awaited<ReturnType<typeof connectTestAgent>>, callId: string) =>
  answerWithTone(agent, callId, AGENT_HZ);
const botUrl = (path: string) => `${testbed.relay.agentUrl.replace(/^ws/, 'http')}bot/${path}`;
const botPost = (path: 'escalate' | 'end', token: string, body: unknown) =>
  postAsBot(testbed.relay.agentUrl, path, token, body);

describe('an agent hands the call back to a bot', () => {
  it('to a survey bot: the caller hears the agent, then the bot; the agent’s leg leaves and they wrap up; the bot ends the call on WhatsApp', async () => {
    const asha = await connectTestAgent('asha', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    let desk: ReturnType<typeof createTonePeer> | undefined;
    try {
      const callId = 'wacid.handback.survey';
      await callIn(callId, caller);
      await until(() => offeredTo(asha.events, callId) !== undefined, 8000, 'asha rings');
      // The ring names the bots the call may be handed to.
      expect(offeredTo(asha.events, callId)!.assistants).toEqual([
        { id: 'survey', name: 'Survey' },
        { id: 'pay', name: 'Payments' },
        { id: 'broken', name: 'Broken' },
      ]);
      desk = await answerAs(asha, callId);
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => heardTone(caller.received, AGENT_HZ) > 0.05, 10_000, 'caller hears the agent');

      // Refused, the call staying with the agent: a colleague not on it, a bot the queue does not have, a bot
      // that cannot take it.
      const ben = await connectTestAgent('ben', [testbed.relay.agentUrl]);
      try {
        await expect(ben.client.request('hand_to_bot', { callId, bot: 'survey', note: '' })).rejects.toThrow(
          'Only the agent who has the call',
        );
      } finally {
        ben.client.close();
      }
      await expect(asha.client.request('hand_to_bot', { callId, bot: 'nowhere', note: '' })).rejects.toThrow(
        'no such assistant',
      );
      await expect(asha.client.request('hand_to_bot', { callId, bot: 'broken', note: '' })).rejects.toThrow(
        'The assistant did not take the call',
      );
      // Oversized or malformed requests are refused by the relay before anything moves.
      await expect(
        asha.client.request('hand_to_bot', { callId, bot: 'survey', note: 'x'.repeat(501) }),
      ).rejects.toThrow();
      await expect(asha.client.request('hand_to_bot', { callId, bot: 's'.repeat(41), note: '' })).rejects.toThrow();
      await expect(
        asha.client.request('hand_to_bot', { callId, bot: 42 as unknown as string, note: '' }),
      ).rejects.toThrow();
      expect(survey.offers).toHaveLength(0);
      expect(await legsOf(callId)).toEqual(['asha', 'customer']);
      expect(heardTone(caller.received, AGENT_HZ)).toBeGreaterThan(0.05);

      const note = 'Refund agreed; ask how we did.';
      expect(await asha.client.request('hand_to_bot', { callId, bot: 'survey', note })).toEqual({ to: 'Survey' });
      await until(
        () => heardTone(caller.received, SURVEY_HZ) > 0.05 && heardTone(caller.received, AGENT_HZ) < 0.004,
        10_000,
        'caller hears the survey bot, not the agent',
      );
      await until(() => survey.heardCaller() > 0.05, 5000, 'the bot hears the caller');
      expect(await legsOf(callId)).toEqual(['assistant', 'customer']);
      // The desk let the call go (to wrap it up): the relay holds the agent in after-call work for it.
      expect(asha.events).toContainEqual({ type: 'call_transferred', callId, to: 'Survey' });
      await until(() => asha.state()?.state === 'after_call_work', 5000, 'asha in after-call work');
      expect(asha.state()!.wrapUps).toContain(callId);
      // The bot got the call's context and the agent's note, nothing of WhatsApp.
      const seen = survey.offers.at(-1)!;
      expect(seen.authorization).toBe(`Bearer ${SURVEY_TOKEN}`);
      expect(seen.body.request_data).toMatchObject({ queue: 'desk', handBack: { facts: {}, note } });
      for (const secret of [callId, '447700900555', SECRETS.accessToken])
        expect(JSON.stringify(seen.body)).not.toContain(secret);

      // Hostile /bot/end requests: refused, the call untouched.
      const handle = handleOf(survey);
      expect((await botPost('end', 'not-a-bot-token-at-all-0123456789abcdef', { call: handle })).status).toBe(401);
      expect((await fetch(botUrl('end'), { method: 'POST', body: JSON.stringify({ call: handle }) })).status).toBe(401);
      expect((await botPost('end', OTHER_TOKEN, { call: handle })).status).toBe(403); // another queue's bot
      expect((await botPost('end', PAY_TOKEN, { call: handle })).status).toBe(403); // another bot of the queue
      expect((await botPost('end', SURVEY_TOKEN, { call: 'AAAAAAAAAAAAAAAAAAAAAAAA' })).status).toBe(404);
      expect((await botPost('end', SURVEY_TOKEN, { call: callId })).status).toBe(400); // WhatsApp's id
      expect((await botPost('end', SURVEY_TOKEN, '{"call":')).status).toBe(400);
      expect((await botPost('end', SURVEY_TOKEN, { call: handle, extra: 'x'.repeat(70_000) })).status).toBe(413);
      expect((await fetch(botUrl('end'), { headers: { Authorization: `Bearer ${SURVEY_TOKEN}` } })).status).toBe(405);
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);

      // The survey is done: the bot ends the call, on WhatsApp too; its leg and the customer's leave the room.
      await until(() => survey.ends.length > 0, 10_000, 'the bot ended the call');
      expect(survey.ends[0]!.status).toBe(202);
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
      await until(() => heardTone(caller.received, SURVEY_HZ) < 0.004, 5000, 'the bot is gone');
      expect((await botPost('end', SURVEY_TOKEN, { call: handle })).status).toBe(409);
      await asha.wrapUp(callId);
    } finally {
      asha.client.close();
      caller.close();
      desk?.close();
    }
  }, 90_000);

  it('to a payment bot with what the first bot learned: the bot escalates again, a colleague rings with its summary, and the bot leaves once they have the call', async () => {
    const chen = await connectTestAgent('chen', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const desks: Array<ReturnType<typeof createTonePeer>> = [];
    let dana: Awaited<ReturnType<typeof connectTestAgent>> | undefined;
    try {
      const callId = 'wacid.handback.pay';
      await callIn(callId, caller, 'front');
      await until(() => testbed.graph.actionsFor(callId).includes('accept:200'), 8000, 'accepted for the bot');
      await caller.applyAnswer(answerSentToMeta(callId)!);
      await until(() => offeredTo(chen.events, callId) !== undefined, 10_000, 'chen rings after the first bot');
      const frontHandle = handleOf(front);
      desks.push(await answerAs(chen, callId));
      await until(() => heardTone(caller.received, AGENT_HZ) > 0.05, 10_000, 'caller hears chen');
      // A bot that handed the call over holds it no more: it cannot end it under the agent.
      expect((await botPost('end', FRONT_TOKEN, { call: frontHandle })).status).toBe(409);

      // Chen is in after-call work from the hand-back on: the bot's escalation rings Dana.
      dana = await connectTestAgent('dana', [testbed.relay.agentUrl]);
      const note = 'Take the card payment for A-1042.';
      expect(await chen.client.request('hand_to_bot', { callId, bot: 'pay', note })).toEqual({ to: 'Payments' });
      await until(
        () => heardTone(caller.received, PAY_HZ) > 0.05 && heardTone(caller.received, AGENT_HZ) < 0.004,
        10_000,
        'caller hears the payment bot, not chen',
      );
      expect(pay.offers.at(-1)!.body.request_data).toMatchObject({
        queue: 'desk',
        handBack: { summary: FRONT_SUMMARY, facts: FRONT_FACTS, note },
      });
      expect(await legsOf(callId)).toEqual(['assistant', 'customer']);

      await until(() => pay.escalations.length > 0, 10_000, 'the payment bot escalated');
      expect(pay.escalations[0]!.status).toBe(202);
      await until(() => offeredTo(dana!.events, callId) !== undefined, 5000, 'dana rings');
      expect(offeredTo(dana.events, callId)!.assistant).toEqual({
        summary: PAY_SUMMARY,
        facts: payOptions.facts,
        transcript: [
          { speaker: 'assistant', text: 'Hello, how can I help?' },
          { speaker: 'customer', text: expect.stringMatching(/^\((a steady 440 Hz tone|silence)\)$/) },
        ],
      });
      expect(offeredTo(chen.events.slice(chen.events.indexOf(offeredTo(chen.events, callId)!) + 1), callId)).toBe(
        undefined,
      );
      await until(
        () => heardTone(caller.received, MUSIC_HZ) > 0.02 && heardTone(caller.received, PAY_HZ) < 0.004,
        8000,
        'caller hears the music, not the bot',
      );
      desks.push(await answerAs(dana, callId));
      await until(
        () => heardTone(caller.received, AGENT_HZ) > 0.05 && heardTone(caller.received, MUSIC_HZ) < 0.004,
        10_000,
        'caller hears dana, not the music',
      );
      await until(async () => (await legsOf(callId)).join() === 'customer,dana', 5000, 'the bot gone from the room');
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await dana.client.request('terminate', { callId });
    } finally {
      chen.client.close();
      dana?.client.close();
      caller.close();
      for (const desk of desks) desk.close();
    }
  }, 90_000);
});
