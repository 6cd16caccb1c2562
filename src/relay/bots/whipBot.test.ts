import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { startScriptedBot, type ScriptedBot } from '../../../sim/scriptedBot';
import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { holdMusicFile, mediaHostAddress } from '../media/testJanus';
import { createTonePeer } from '../media/testTonePeer';
import { connectTestAgent } from '../testAgent';
import { answerSentToMeta, callIn, legsOf, offeredTo, until } from './testBotCall';

const WHIP_TOKEN = 'whip-front-bot-token-0123456789abcdef0123';
const BOT_HZ = 600;
const MUSIC_HZ = 700;
const AGENT_HZ = 300;
const CALLER_HZ = 440;

let testbed: AnchoredRelayTestbed;
let bot: ScriptedBot;
const botOptions = {
  token: WHIP_TOKEN,
  toneHz: BOT_HZ,
  hearHz: CALLER_HZ,
  transport: 'whip' as const,
  escalateAfterMs: 2500,
  escalateTo: 'support',
  summary: 'Wants to know where parcel P-77 is.',
  facts: { parcel: 'P-77' },
  relayUrl: undefined as string | undefined,
};

beforeAll(async () => {
  bot = await startScriptedBot(botOptions);
  testbed = await startAnchoredRelay(
    'whip',
    {
      defaultQueue: 'front',
      queues: [
        {
          id: 'front',
          name: 'Front',
          media: 'anchored',
          agents: '*',
          bot: { url: bot.url, token: WHIP_TOKEN, protocol: 'whip' },
        },
        { id: 'support', name: 'Support', media: 'anchored', agents: '*' },
      ],
    },
    { holdMusic: holdMusicFile(MUSIC_HZ) },
  );
  botOptions.relayUrl = testbed.relay.agentUrl.replace(/^ws/, 'http');
}, 60_000);
afterAll(async () => {
  await testbed?.stop();
  await bot?.close();
});

describe('a WHIP bot (RFC 9725) as the queue’s bot', () => {
  it('answers first over WHIP, escalates with what it learned, and its session is DELETEd once the agent has the call', async () => {
    const { client, events } = await connectTestAgent('wes', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(AGENT_HZ);
    try {
      const callId = 'wacid.whip.front';
      await callIn(testbed, callId, caller, { from: '447700900444' });
      await until(() => testbed.graph.actionsFor(callId).includes('accept:200'), 8000, 'accepted for the bot');
      await caller.applyAnswer(answerSentToMeta(testbed.graph, callId)!);
      await until(() => heardTone(caller.received, BOT_HZ) > 0.05, 10_000, 'caller hears the WHIP bot');
      await until(() => bot.heardCaller() > 0.05, 5000, 'the bot hears the caller');
      // The offer came as application/sdp with the call's context beside it, never WhatsApp's call id.
      const offer = bot.offers.at(-1)!;
      expect(offer.authorization).toBe(`Bearer ${WHIP_TOKEN}`);
      expect(String(offer.body.sdp)).toMatch(/^v=0/);
      expect(offer.body.request_data).toMatchObject({ queue: 'front' });
      expect(JSON.stringify(offer.body.request_data)).not.toContain(callId);
      expect(bot.openSessions()).toBe(1);

      await until(() => offeredTo(events, callId) !== undefined, 10_000, 'the agent rings after the escalation');
      expect(offeredTo(events, callId)!.assistant).toEqual({
        summary: botOptions.summary,
        facts: botOptions.facts,
        transcript: [
          { speaker: 'assistant', text: 'Hello, how can I help?' },
          { speaker: 'customer', text: expect.stringMatching(/^\((a steady 440 Hz tone|silence)\)$/) },
        ],
      });
      const answer = await desk.answer(offeredTo(events, callId)!.sdpOffer);
      await client.request('pre_accept', { callId, sdp: answer });
      await client.request('accept', { callId, sdp: answer });
      await until(
        () => heardTone(caller.received, AGENT_HZ) > 0.05 && heardTone(caller.received, MUSIC_HZ) < 0.004,
        10_000,
        'caller hears the agent',
      );
      // The bot's leg left the room and the relay ended its WHIP session.
      await until(() => bot.deletes.length === 1 && bot.openSessions() === 0, 5000, 'the WHIP session DELETEd');
      expect(await legsOf(testbed.redis.url, 'whip', testbed.janus.access, callId)).toEqual(['customer', 'wes']);
      await client.request('terminate', { callId });
    } finally {
      client.close();
      caller.close();
      desk.close();
    }
  }, 60_000);
});
