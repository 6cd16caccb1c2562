import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd } from '../../../sim/farEnd';
import { startScriptedBot, type ScriptedBot } from '../../../sim/scriptedBot';
import type { BoardFigures } from '../../shared/boardSchemas';
import type { Report } from '../../shared/reportSchemas';
import type { TeamQueuesInput } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import { signInTestBoard, type TestBoard } from '../board/testBoard';
import { startAnchoredRelay, type AnchoredRelayTestbed } from '../media/testAnchoredRelay';
import { holdMusicFile, mediaHostAddress } from '../media/testJanus';
import { connectTestAgent } from '../testAgent';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { answerAs, answerSentToMeta, callEndedAtMeta, callIn, offeredTo, until } from './testBotCall';

const FRONT_TOKEN = 'front-bot-token-0123456789abcdef0123456789';
const CALLER_HZ = 440;
/** The front bot talks this long before it hands the call to Support. */
const BOT_TALK_MS = 3000;

let testbed: AnchoredRelayTestbed;
let postgres: TestPostgres;
let frontBot: ScriptedBot;
let board: TestBoard;
const front = {
  token: FRONT_TOKEN,
  toneHz: 600,
  hearHz: CALLER_HZ,
  escalateAfterMs: BOT_TALK_MS,
  escalateTo: 'support',
  relayUrl: undefined as string | undefined,
};

beforeAll(async () => {
  postgres = await startTestPostgres();
  frontBot = await startScriptedBot(front);
  const queues: TeamQueuesInput = {
    defaultQueue: 'front',
    queues: [
      { id: 'front', name: 'Front', media: 'anchored', agents: '*', bot: { url: frontBot.url, token: FRONT_TOKEN } },
      { id: 'support', name: 'Support', media: 'anchored', agents: '*', payloads: ['support'] },
    ],
  };
  testbed = await startAnchoredRelay('handfigures', queues, {
    holdMusic: holdMusicFile(700),
    databaseUrl: postgres.url,
  });
  // The bot calls the relay back on its agent port; the options object is the bot's own.
  front.relayUrl = testbed.relay.agentUrl.replace(/^ws/, 'http');
  board = await signInTestBoard(
    testbed.relay.agentUrl,
    await issueSupervisorToken('sam', RELAY_TEST_SECRETS.agentSecret),
  );
}, 60_000);
afterAll(async () => {
  board?.ws.close();
  await testbed?.stop();
  await Promise.all([frontBot?.close(), postgres?.stop()]);
});

const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
async function report(format: 'json' | 'csv'): Promise<Response> {
  const base = testbed.relay.agentUrl.replace(/^ws/, 'http');
  const reply = await fetch(`${base}board/api/report?from=${today()}&to=${today()}&format=${format}`, {
    headers: { Authorization: `Bearer ${await issueSupervisorToken('sam', RELAY_TEST_SECRETS.agentSecret)}` },
  });
  expect(reply.status).toBe(200);
  return reply;
}
const byQueue = <T extends { queue: string }>(lines: T[]) => Object.fromEntries(lines.map((l) => [l.queue, l]));
/** What a queue's line says about the call: where it was offered and answered, how fast, and the bot's part. */
const counted = (f: BoardFigures | undefined) =>
  f && { offered: f.offered, answered: f.answered, missed: f.missed, abandoned: f.abandoned, bot: f.bot };

describe('a call the queue’s bot hands to another queue', () => {
  it('counts in the queue where an agent answered it, its speed of answer from the hand-over; the bot’s queue counts the hand-over, on the board today and in the day’s report', async () => {
    const asha = await connectTestAgent('asha', [testbed.relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: CALLER_HZ, edgeHost: mediaHostAddress() });
    let desk: Awaited<ReturnType<typeof answerAs>> | undefined;
    try {
      const callId = 'wacid.handfigures.1';
      const calledAtMs = Date.now();
      await callIn(testbed, callId, caller);
      await until(() => testbed.graph.actionsFor(callId).includes('accept:200'), 8000, 'accepted for the bot');
      await caller.applyAnswer(answerSentToMeta(testbed.graph, callId)!);
      // The bot talks, then hands the call to Support: Asha answers as soon as it rings.
      await until(() => offeredTo(asha.events, callId) !== undefined, BOT_TALK_MS + 8000, 'asha rings');
      desk = await answerAs(asha, callId, 300);
      const answeredAtMs = Date.now();
      await callEndedAtMeta(testbed.relay.webhookUrl, callId);

      await until(
        () => {
          const t = board.snapshot()?.today;
          return t?.ok === true && t.team.answered === 1 && t.team.ahtSec !== undefined;
        },
        15_000,
        'the board counts the answered call',
      );
      const figures = board.snapshot()!.today;
      if (!figures.ok) throw new Error(figures.reason);
      const queues = byQueue(figures.byQueue);
      expect(counted(queues.support)).toEqual({ offered: 1, answered: 1, missed: 0, abandoned: 0, bot: undefined });
      expect(counted(queues.front)).toEqual({
        offered: 0,
        answered: 0,
        missed: 0,
        abandoned: 0,
        bot: { alone: 0, escalated: 1, handedBack: 0 },
      });
      // Measured from the hand-over, which came after the bot's talk: the bot's 3 s are not in it (from the call's
      // arrival it would be the whole wait, bot included).
      expect(queues.support!.asaSec! * 1000).toBeLessThanOrEqual(answeredAtMs - calledAtMs - BOT_TALK_MS + 100);
      expect(queues.support!.asaSec).toBeGreaterThanOrEqual(0);
      expect(queues.front!.asaSec).toBeUndefined();
      expect(figures.team).toMatchObject({ offered: 1, answered: 1, bot: { alone: 0, escalated: 1, handedBack: 0 } });
      expect(figures.team.asaSec).toBe(queues.support!.asaSec);
      expect(figures.byAgent.find((a) => a.agent === 'asha')).toMatchObject({ offered: 1, answered: 1 });

      // The day's report splits it the same way, its CSV's queue lines too.
      const day = (await (await report('json')).json()) as Report;
      const lines = byQueue(day.byQueue);
      expect(counted(lines.support)).toEqual(counted(queues.support));
      expect(counted(lines.front)).toEqual(counted(queues.front));
      expect(lines.support!.asaSec).toBe(queues.support!.asaSec);
      expect(day.team).toMatchObject({ offered: 1, answered: 1, answerRatePct: 100 });
      expect(day.buckets.reduce((n, b) => n + b.offered, 0)).toBe(1);
      // Every CSV cell is quoted; none of these holds a comma.
      const csv = (await (await report('csv')).text())
        .split('\r\n')
        .map((r) => r.split(',').map((c) => c.slice(1, -1)));
      const column = (scope: string, name: string, header: string) =>
        csv.find((r) => r[0] === scope && r[1] === name)?.[csv[0]!.indexOf(header)];
      expect([column('queue', 'Support', 'offered'), column('queue', 'Support', 'answered')]).toEqual(['1', '1']);
      expect([column('queue', 'Front', 'offered'), column('queue', 'Front', 'botEscalated')]).toEqual(['0', '1']);

      // A supervisor of Support alone sees the call in Support's figures and in Asha's recent calls; one of Front
      // alone sees only that its bot handed a call over.
      const scoped = async (queue: string) =>
        signInTestBoard(
          testbed.relay.agentUrl,
          await issueSupervisorToken(`sup-${queue}`, RELAY_TEST_SECRETS.agentSecret, { queues: [queue] }),
        );
      const [supportBoard, frontBoard] = [await scoped('support'), await scoped('front')];
      try {
        const todayOf = (b: TestBoard) => {
          const t = b.snapshot()!.today;
          if (!t.ok) throw new Error(t.reason);
          return t;
        };
        expect(todayOf(supportBoard).byQueue.map((q) => q.queue)).toEqual(['support']);
        expect(counted(todayOf(supportBoard).team)).toEqual(counted(queues.support));
        expect(todayOf(supportBoard).byAgent.map((a) => a.agent)).toEqual(['asha']);
        expect(counted(todayOf(frontBoard).team)).toEqual(counted(queues.front));
        expect(todayOf(frontBoard).byAgent).toEqual([]);
        supportBoard.ws.send(JSON.stringify({ type: 'agent_calls', agentId: 'asha' }));
        await until(() => supportBoard.messages.some((m) => m.type === 'agent_calls'), 5000, 'asha’s recent calls');
        const recent = supportBoard.messages.find((m) => m.type === 'agent_calls');
        expect(recent?.type === 'agent_calls' && recent.calls.map((c) => [c.callId, c.answered])).toEqual([
          [callId, true],
        ]);
      } finally {
        supportBoard.ws.close();
        frontBoard.ws.close();
      }

      // Once the call's live state has gone (hours later), the records say it is Support's: Support's supervisor may
      // fetch its recording (404: none on this server), Front's may not (403).
      const redis = new Redis(testbed.redis.url);
      try {
        const live = await redis.keys(`*call-queue*${callId}*`);
        expect(live).toHaveLength(1);
        await redis.del(...live);
      } finally {
        redis.disconnect();
      }
      const recording = async (queue: string) =>
        (
          await fetch(`${testbed.relay.agentUrl.replace(/^ws/, 'http')}board/api/recording?callId=${callId}`, {
            headers: {
              Authorization: `Bearer ${await issueSupervisorToken(`sup-${queue}`, RELAY_TEST_SECRETS.agentSecret, { queues: [queue] })}`,
            },
          })
        ).status;
      expect([await recording('support'), await recording('front')]).toEqual([404, 403]);
    } finally {
      asha.client.close();
      caller.close();
      desk?.close();
    }
  }, 90_000);
});
