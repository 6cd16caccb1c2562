import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { TeamQueues } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { offeredTo, until } from '../bots/testBotCall';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { HEARD, SILENT } from './testAudioLevels';
import { mediaHostAddress, startTestJanus, type TestJanus } from './testJanus';
import { isLeavingEvent, startJanusProxy } from './testJanusProxy';
import { medianOver, sdpSentWith } from './testPreAcceptedCall';
import { roomParticipants } from './testRoomParticipants';
import { createTonePeer } from './testTonePeer';

/**
 * From Asha's Answer to Asha and the caller hearing each other, at most, with no `leaving` word: the relay lists the
 * room after 250 ms without one, and Janus lets kicked legs go within a second (anchoredCalls.ts, kickedLeft).
 * Measured 0.3-0.7 s here (0.3 s with the events let through); a relay waiting for the word never gets there.
 */
const HEARD_WITHIN_MS = 2500;

let redis: TestRedis;
let graph: GraphApiSim;
let janus: TestJanus;
let proxy: Awaited<ReturnType<typeof startJanusProxy>>;
let relay: Relay;
let keys: Redis;
const log = createMemoryLogger();

beforeAll(async () => {
  [redis, graph, janus] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: RELAY_TEST_SECRETS.accessToken, phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId }),
    startTestJanus(),
  ]);
  // The relay reaches Janus only through a proxy that drops every AudioBridge `leaving` event.
  proxy = await startJanusProxy(janus.url, isLeavingEvent);
  relay = await startRelay({
    ...RELAY_TEST_SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: log,
    prefix: 'no-leaving',
    janusUrls: [proxy.url],
    janusAccess: janus.access,
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', media: 'anchored', routing: 'ring_all', agents: '*' }],
    }),
  });
  keys = new Redis(redis.url);
}, 40_000);
afterAll(async () => {
  keys?.disconnect();
  await relay?.close();
  await proxy?.close();
  await janus?.stop();
  await graph?.close();
  await redis?.stop();
});

/** Who is in the call's room (display names), as Janus itself lists it. */
async function participants(callId: string): Promise<string[]> {
  const [key] = await keys.keys(`*anchor:${callId}`);
  const place = JSON.parse((key && (await keys.get(key))) ?? '{}') as { room: number };
  return roomParticipants(janus.url, janus.access, place.room);
}

describe('a Janus that never says a kicked leg is leaving (no AudioBridge `leaving` event)', () => {
  it('the losing desk’s ringing leg is still kicked and hears nothing of the call; the winner and the caller hear each other within a bound, and the call goes on', async () => {
    const callId = 'wacid.no-leaving.ring-all';
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const ben = await connectTestAgent('ben', [relay.agentUrl]);
    const desks = { asha: createTonePeer(600), ben: createTonePeer(800) };
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    let benHeard = 0;
    const sampler = setInterval(() => (benHeard = Math.max(benHeard, desks.ben.heard(440), desks.ben.heard(600))), 20);
    try {
      graph.offerCall(callId);
      const body = connectWebhook({
        callId,
        from: '447700900801',
        phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
        sdpOffer: caller.offerSdp,
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, RELAY_TEST_SECRETS.appSecret)).status).toBe(200);
      await until(() => [asha, ben].every((a) => offeredTo(a.events, callId) !== undefined), 20_000, 'the rings');
      const answers = {
        asha: await desks.asha.answer(offeredTo(asha.events, callId)!.sdpOffer),
        ben: await desks.ben.answer(offeredTo(ben.events, callId)!.sdpOffer),
      };
      await asha.client.request('ringing_leg', { callId, sdp: answers.asha });
      await ben.client.request('ringing_leg', { callId, sdp: answers.ben });
      await until(() => desks.asha.connected() && desks.ben.connected(), 10_000, 'the ringing legs coming up');
      expect(await participants(callId)).toEqual(['asha', 'ben']);

      const answeredAt = Date.now();
      await asha.client.request('pre_accept', { callId, sdp: answers.asha });
      await caller.applyAnswer(sdpSentWith(graph, callId, 'pre_accept')!);
      await asha.client.request('accept', { callId, sdp: answers.asha });
      await until(
        () => heardTone(caller.received, 600) > HEARD && desks.asha.heard(440) > HEARD,
        10_000,
        'asha and the caller hearing each other',
      );
      const heardAfterMs = Date.now() - answeredAt;
      expect(heardAfterMs).toBeLessThan(HEARD_WITHIN_MS);
      // Janus did say Ben's leg left, to Asha's leg: the relay never got the word.
      expect(proxy.dropped.length).toBeGreaterThan(0);
      expect(await participants(callId)).toEqual(['asha', 'customer']);
      expect(benHeard).toBeLessThan(SILENT);
      expect(log.records.filter((r) => /kicked/.test(String(r.msg)))).toEqual([]);

      // The call goes on: heard both ways over the next second (a median: one reading can be a glitch), and it ends.
      const [callerHearsAsha, ashaHearsCaller] = await Promise.all([
        medianOver(() => heardTone(caller.received, 600), 1000),
        medianOver(() => desks.asha.heard(440), 1000),
      ]);
      expect(callerHearsAsha).toBeGreaterThan(HEARD);
      expect(ashaHearsCaller).toBeGreaterThan(HEARD);
      expect(benHeard).toBeLessThan(SILENT);
      await asha.client.request('terminate', { callId });
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
    } finally {
      clearInterval(sampler);
      for (const desk of Object.values(desks)) desk.close();
      caller.close();
      for (const agent of [asha, ben]) agent.client.close();
    }
  }, 60_000);
});
