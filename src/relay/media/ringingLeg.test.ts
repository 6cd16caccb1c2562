import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import type { CallSignal } from '../../shared/callSignals';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { startAnchoredRelay, type AnchoredRelayTestbed } from './testAnchoredRelay';
import { mediaHostAddress } from './testJanus';
import { roomParticipants } from './testRoomParticipants';
import { createTonePeer } from './testTonePeer';

let testbed: AnchoredRelayTestbed;

beforeAll(async () => {
  testbed = await startAnchoredRelay('ringing', {
    defaultQueue: 'support',
    queues: [{ id: 'support', name: 'Support', media: 'anchored', routing: 'ring_all', agents: '*' }],
  });
}, 30_000);
afterAll(async () => {
  await testbed?.stop();
});

async function until(check: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const offerOf = (events: CallSignal[], callId: string, nth = 0): string | undefined => {
  const offered = events.filter((e) => e.type === 'call_offered' && e.callId === callId)[nth];
  return offered?.type === 'call_offered' ? offered.sdpOffer : undefined;
};

describe('a ringing desk’s leg on the media server', () => {
  it('connects while the desk rings, hears nothing of the call and is heard by nobody; a loser’s leg leaves and the winner’s joins the call', async () => {
    const { relay, graph, janus, redis } = testbed;
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const ben = await connectTestAgent('ben', [relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const ashaDesk = createTonePeer(600);
    const benDesk = createTonePeer(800);
    const benAgain = createTonePeer(800);
    const callId = 'wacid.ringing.leg';
    const keys = new Redis(redis.url);
    // The call's room, as the relay noted it in Redis.
    const participants = async () => {
      const [key] = await keys.keys(`*anchor:${callId}`);
      const place = JSON.parse((key && (await keys.get(key))) ?? '{}') as { room: number };
      return roomParticipants(janus.url, janus.access, place.room);
    };
    try {
      graph.offerCall(callId);
      const body = connectWebhook({
        callId,
        from: '447700900331',
        phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
        sdpOffer: caller.offerSdp,
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, RELAY_TEST_SECRETS.appSecret)).status).toBe(200);
      await until(() => Boolean(offerOf(asha.events, callId) && offerOf(ben.events, callId)));
      // Both desks answer their legs' offers while the call rings (ring_all): both legs come up.
      const ashaAnswer = await ashaDesk.answer(offerOf(asha.events, callId)!);
      await asha.client.request('ringing_leg', { callId, sdp: ashaAnswer });
      await ben.client.request('ringing_leg', { callId, sdp: await benDesk.answer(offerOf(ben.events, callId)!) });
      await until(() => ashaDesk.connected() && benDesk.connected(), 10_000);
      // Up, yet in no call: the call's room is empty and WhatsApp has been told nothing.
      expect(await participants()).toEqual([]);
      expect(graph.actionsFor(callId)).toEqual([]);

      await asha.client.request('pre_accept', { callId, sdp: ashaAnswer });
      await asha.client.request('accept', { callId, sdp: ashaAnswer });
      const sent = graph.requests.find((r) => {
        const text = JSON.stringify(r.body ?? '');
        return text.includes('pre_accept') && text.includes(callId);
      })?.body as { session: { sdp: string } };
      await caller.applyAnswer(sent.session.sdp);
      await until(() => heardTone(caller.received, 600) > 0.05 && ashaDesk.heard(440) > 0.05, 10_000);
      // Ben lost the call: his leg left the media server and heard nothing of it.
      await until(async () => (await participants()).join() === 'asha,customer', 5000);
      expect(benDesk.heard(440)).toBeLessThan(0.004);
      expect(benDesk.heard(600)).toBeLessThan(0.004);

      // Asha transfers the call to Ben: he rings, his new leg comes up while the customer and Asha talk.
      await asha.client.request('transfer', { callId, to: 'ben' });
      await until(() => Boolean(offerOf(ben.events, callId, 1)));
      const benAnswer = await benAgain.answer(offerOf(ben.events, callId, 1)!);
      await ben.client.request('ringing_leg', { callId, sdp: benAnswer });
      await until(() => benAgain.connected(), 10_000);
      // For 1.5 s while Ben's leg is up and the call goes on, the loudest each of them heard of each other voice.
      const loudest = {
        callerHeardAsha: 0,
        ashaHeardCaller: 0,
        benHeardCaller: 0,
        benHeardAsha: 0,
        callerHeardBen: 0,
        ashaHeardBen: 0,
      };
      for (const end = Date.now() + 1500; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
        const now = {
          callerHeardAsha: heardTone(caller.received, 600),
          ashaHeardCaller: ashaDesk.heard(440),
          benHeardCaller: benAgain.heard(440),
          benHeardAsha: benAgain.heard(600),
          callerHeardBen: heardTone(caller.received, 800),
          ashaHeardBen: ashaDesk.heard(800),
        };
        for (const key of Object.keys(now) as Array<keyof typeof now>) loudest[key] = Math.max(loudest[key], now[key]);
      }
      expect(loudest.callerHeardAsha).toBeGreaterThan(0.05);
      expect(loudest.ashaHeardCaller).toBeGreaterThan(0.05);
      // The ringing desk hears neither of them, and neither hears it.
      expect(loudest.benHeardCaller).toBeLessThan(0.004);
      expect(loudest.benHeardAsha).toBeLessThan(0.004);
      // Beside the voice each of them does hear (0.05 and more), a trace of codec noise near Ben's pitch.
      expect(loudest.callerHeardBen).toBeLessThan(0.03);
      expect(loudest.ashaHeardBen).toBeLessThan(0.03);
      expect(await participants()).toEqual(['asha', 'customer']);

      // Ben answers: his leg, up already, joins the call and the customer hears him.
      await ben.client.request('pre_accept', { callId, sdp: benAnswer });
      await ben.client.request('accept', { callId, sdp: benAnswer });
      await until(() => heardTone(caller.received, 800) > 0.05 && benAgain.heard(440) > 0.05, 10_000);
    } finally {
      for (const desk of [ashaDesk, benDesk, benAgain]) desk.close();
      caller.close();
      asha.client.close();
      ben.client.close();
      keys.disconnect();
    }
  }, 60_000);

  it('answered the moment its early answer is sent (its media still coming up), the leg joins the call both ways', async () => {
    const { relay, graph } = testbed;
    // A desk of its own: Asha is still in the first test's after-call work.
    const cleo = await connectTestAgent('cleo', [relay.agentUrl]);
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(600);
    const callId = 'wacid.ringing.quick';
    try {
      graph.offerCall(callId);
      const body = connectWebhook({
        callId,
        from: '447700900332',
        phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
        sdpOffer: caller.offerSdp,
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, RELAY_TEST_SECRETS.appSecret)).status).toBe(200);
      await until(() => Boolean(offerOf(cleo.events, callId)));
      const answer = await desk.answer(offerOf(cleo.events, callId)!);
      // Both at once, as a desk whose agent clicks the moment Answer is enabled sends them.
      await Promise.all([
        cleo.client.request('ringing_leg', { callId, sdp: answer }),
        cleo.client.request('pre_accept', { callId, sdp: answer }),
      ]);
      await cleo.client.request('accept', { callId, sdp: answer });
      const sent = graph.requests.find((r) => {
        const text = JSON.stringify(r.body ?? '');
        return text.includes('pre_accept') && text.includes(callId);
      })?.body as { session: { sdp: string } };
      await caller.applyAnswer(sent.session.sdp);
      await until(() => heardTone(caller.received, 600) > 0.05 && desk.heard(440) > 0.05, 10_000);
    } finally {
      desk.close();
      caller.close();
      cleo.client.close();
    }
  }, 30_000);
});
