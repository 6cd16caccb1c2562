import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { startScriptedBot, type ScriptedBot } from '../../../sim/scriptedBot';
import type { TeamQueuesInput } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import { signInTestBoard, type TestBoard } from '../board/testBoard';
import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { holdMusicFile, mediaHostAddress } from '../media/testJanus';
import { connectTestAgent } from '../testAgent';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { answerAs, answerSentToMeta, callEndedAtMeta, callIn, metricValue, offeredTo, until } from './testBotCall';

const FRONT_TOKEN = 'front-bot-token-0123456789abcdef0123456789';
const ALONE_TOKEN = 'alone-bot-token-0123456789abcdef0123456789';
const SURVEY_TOKEN = 'survey-bot-token-0123456789abcdef01234567';
const CALLER_HZ = 440;

let testbed: AnchoredRelayTestbed;
let postgres: TestPostgres;
let bots: ScriptedBot[] = [];
let board: TestBoard;
const relayUrl = { relayUrl: undefined as string | undefined };
const front = { token: FRONT_TOKEN, toneHz: 600, hearHz: CALLER_HZ, escalateAfterMs: 3000, escalateTo: 'support' };
const alone = { token: ALONE_TOKEN, toneHz: 650, hearHz: CALLER_HZ, endAfterMs: 2500 };
const survey = { token: SURVEY_TOKEN, toneHz: 800, hearHz: CALLER_HZ, endAfterMs: 2500 };

beforeAll(async () => {
  postgres = await startTestPostgres();
  bots = await Promise.all([front, alone, survey].map((options) => startScriptedBot(Object.assign(options, relayUrl))));
  const queues: TeamQueuesInput = {
    defaultQueue: 'front',
    queues: [
      { id: 'front', name: 'Front', media: 'anchored', agents: '*', bot: { url: bots[0]!.url, token: FRONT_TOKEN } },
      {
        id: 'support',
        name: 'Support',
        media: 'anchored',
        agents: '*',
        payloads: ['support'],
        handBack: [{ id: 'survey', name: 'Survey', url: bots[2]!.url, token: SURVEY_TOKEN }],
      },
      {
        id: 'alone',
        name: 'Opening hours',
        media: 'anchored',
        agents: '*',
        payloads: ['alone'],
        bot: { url: bots[1]!.url, token: ALONE_TOKEN },
      },
    ],
  };
  testbed = await startAnchoredRelay('botboard', queues, {
    holdMusic: holdMusicFile(700),
    databaseUrl: postgres.url,
  });
  // The bots call the relay back on its agent port; the options objects are the bots' own.
  for (const options of [front, alone, survey])
    Object.assign(options, { relayUrl: testbed.relay.agentUrl.replace(/^ws/, 'http') });
  board = await signInTestBoard(
    testbed.relay.agentUrl,
    await issueSupervisorToken('sam', RELAY_TEST_SECRETS.agentSecret),
  );
}, 60_000);
afterAll(async () => {
  board?.ws.close();
  await testbed?.stop();
  await Promise.all([...bots.map((bot) => bot.close()), postgres?.stop()]);
});

const withAssistant = (callId: string) => board.snapshot()?.withAssistant.find((c) => c.callId === callId);
const bot = (series: string) => metricValue(testbed.relay.agentUrl, series);

describe('the board and the metrics while bots hold calls', () => {
  it('shows a call with the assistant under its queue, counts bot calls, escalations and hand-backs, and the call the bot handled alone is neither missed nor abandoned', async () => {
    const asha = await connectTestAgent('asha', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    const lone = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    let desk: Awaited<ReturnType<typeof answerAs>> | undefined;
    try {
      expect(await bot('wa_relay_bot_calls_total{queue="front",how="first"}')).toBe(0);
      const callId = 'wacid.botboard.escalated';
      await callIn(testbed, callId, caller);
      await until(() => testbed.graph.actionsFor(callId).includes('accept:200'), 8000, 'accepted for the bot');
      await caller.applyAnswer(answerSentToMeta(testbed.graph, callId)!);
      // On the board as with the assistant, under Front, timed from the bot's answer; not waiting, no agent.
      await until(() => withAssistant(callId) !== undefined, 5000, 'the board shows the call with the assistant');
      expect(withAssistant(callId)).toMatchObject({ queue: 'front', customer: '447700900555' });
      expect(withAssistant(callId)!.bot).toBeUndefined();
      expect(Date.now() - withAssistant(callId)!.sinceMs).toBeLessThan(5000);
      expect(board.snapshot()!.waiting.some((w) => w.callId === callId)).toBe(false);
      expect(await bot('wa_relay_bot_calls_total{queue="front",how="first"}')).toBe(1);

      // The bot escalates: the call leaves the assistant's row and waits in Support, the escalation counted.
      await until(() => offeredTo(asha.events, callId) !== undefined, 8000, 'asha rings');
      await until(() => withAssistant(callId) === undefined, 5000, 'the assistant’s row goes');
      expect(await bot('wa_relay_bot_handovers_total{queue="support",outcome="escalated"}')).toBe(1);
      desk = await answerAs(asha, callId, 300);
      await until(() => heardTone(caller.received, 300) > 0.05, 10_000, 'the caller hears asha');

      // Asha hands the call to the survey bot: with the assistant again, named, under Support.
      expect(await asha.client.request('hand_to_bot', { callId, bot: 'survey', note: '' })).toEqual({ to: 'Survey' });
      await until(() => withAssistant(callId)?.bot === 'Survey', 5000, 'the board shows the survey bot');
      expect(withAssistant(callId)!.queue).toBe('support');
      expect(await bot('wa_relay_bot_calls_total{queue="support",how="hand_back"}')).toBe(1);
      // The survey bot ends the call: no longer with the assistant.
      await until(() => bots[2]!.ends.length > 0, 8000, 'the survey bot ended the call');
      await until(() => withAssistant(callId) === undefined, 5000, 'the survey row goes');
      await callEndedAtMeta(testbed.relay.webhookUrl, callId);

      // A call the opening-hours bot answers and ends by itself.
      const loneId = 'wacid.botboard.alone';
      await callIn(testbed, loneId, lone, { ctaPayload: 'alone', from: '447700900556' });
      await until(() => withAssistant(loneId)?.queue === 'alone', 8000, 'the lone call with the assistant');
      await until(() => bots[1]!.ends.length > 0, 8000, 'the bot ended its call');
      expect(offeredTo(asha.events, loneId)).toBeUndefined();
      await callEndedAtMeta(testbed.relay.webhookUrl, loneId, '447700900556');

      // Today's figures: one call handled by a bot alone, one escalated, one handed back; nothing missed.
      await until(
        () => {
          const today = board.snapshot()?.today;
          return today?.ok === true && today.team.bot?.alone === 1 && today.team.bot.handedBack === 1;
        },
        15_000,
        `the figures count the bots (${JSON.stringify(board.snapshot()?.today)})`,
      );
      const today = board.snapshot()!.today;
      if (!today.ok) throw new Error(today.reason);
      expect(today.team.bot).toEqual({ alone: 1, escalated: 1, handedBack: 1 });
      const byQueue = Object.fromEntries(today.byQueue.map((q) => [q.queue, q]));
      expect(byQueue.alone).toMatchObject({ offered: 1, answered: 0, missed: 0, abandoned: 0 });
      expect(byQueue.alone!.bot).toEqual({ alone: 1, escalated: 0, handedBack: 0 });
      expect(today.byAgent.find((a) => a.agent === 'asha')?.bot).toBeUndefined();
    } finally {
      asha.client.close();
      caller.close();
      lone.close();
      desk?.close();
    }
  }, 90_000);
});
