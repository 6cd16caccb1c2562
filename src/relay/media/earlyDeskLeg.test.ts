import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { TeamQueues, type TeamQueuesInput } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { offeredTo, until } from '../bots/testBotCall';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { startAnchoredRelay, type AnchoredRelayTestbed } from './testAnchoredRelay';
import { mediaHostAddress } from './testJanus';
import { HEARD, SILENT } from './testAudioLevels';
import { loudestOver, sdpSentWith } from './testPreAcceptedCall';
import { roomParticipants } from './testRoomParticipants';
import { createTonePeer } from './testTonePeer';

const PREFIX = 'early-leg';
/** Routing on a loaded 2-core machine (vitest's other files beside it) has taken more than the 8 s `until` allows. */
const OFFERED_WITHIN = 20_000;
const QUEUES: TeamQueuesInput = {
  defaultQueue: 'support',
  queues: [
    {
      id: 'support',
      name: 'Support',
      media: 'anchored',
      routing: 'ring_all',
      agents: { asha: 1, ben: 1, cara: 1, fay: 1, gus: 1, hal: 1, ivy: 1, jo: 1, kim: 1 },
    },
    { id: 'sales', name: 'Sales', media: 'anchored', ringSeconds: 5, payloads: ['sales'], agents: { dev: 1, eve: 1 } },
  ],
};
/** Instance A is the testbed's relay; B shares its Redis, Janus and Meta. */
let testbed: AnchoredRelayTestbed;
let relayB: Relay;
let keys: Redis;
const logB = createMemoryLogger();

beforeAll(async () => {
  testbed = await startAnchoredRelay(PREFIX, QUEUES);
  relayB = await startRelay({
    ...RELAY_TEST_SECRETS,
    redisUrl: testbed.redis.url,
    graphBaseUrl: testbed.graph.baseUrl,
    logger: logB,
    prefix: PREFIX,
    janusUrls: [testbed.janus.url],
    janusAccess: testbed.janus.access,
    queues: TeamQueues.parse(QUEUES),
  });
  keys = new Redis(testbed.redis.url);
}, 40_000);
afterAll(async () => {
  keys?.disconnect();
  await relayB?.close();
  await testbed?.stop();
});

/** Who is in the call's room on Janus (display names), as Janus lists it. */
async function participants(callId: string): Promise<string[]> {
  const [key] = await keys.keys(`*anchor:${callId}`);
  const place = JSON.parse((key && (await keys.get(key))) ?? '{}') as { room: number };
  return roomParticipants(testbed.janus.url, testbed.janus.access, place.room);
}

/** A WhatsApp caller (440 Hz behind the ICE-lite edge) calls; `queue` names the call button's queue. */
async function call(callId: string, from: string, queue?: string) {
  const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
  testbed.graph.offerCall(callId);
  const body = connectWebhook({
    callId,
    from,
    phoneNumberId: RELAY_TEST_SECRETS.phoneNumberId,
    sdpOffer: caller.offerSdp,
    ...(queue && { ctaPayload: queue }),
  });
  expect((await postSignedWebhook(testbed.relay.webhookUrl, body, RELAY_TEST_SECRETS.appSecret)).status).toBe(200);
  return caller;
}

/**
 * `first` (on instance A) answers a call, then asks for `second` (on instance B) with `request`: a transfer, or an
 * invite (conference). The colleague's leg comes up while it rings, in a room of its own: it hears nothing of the call
 * and nobody hears it; once it answers it hears the caller and is heard, and after an invite all three hear each other.
 */
async function colleagueRungApart(
  request: 'transfer' | 'invite',
  [firstId, secondId]: readonly [string, string],
  callId: string,
  from: string,
) {
  const { relay: relayA, graph } = testbed;
  const first = await connectTestAgent(firstId, [relayA.agentUrl]);
  const second = await connectTestAgent(secondId, [relayB.agentUrl]);
  const firstDesk = createTonePeer(600);
  const secondDesk = createTonePeer(800);
  const caller = await call(callId, from);
  try {
    await until(() => offeredTo(first.events, callId) !== undefined, OFFERED_WITHIN, 'the ring');
    const firstAnswer = await firstDesk.answer(offeredTo(first.events, callId)!.sdpOffer);
    await first.client.request('pre_accept', { callId, sdp: firstAnswer });
    await caller.applyAnswer(sdpSentWith(graph, callId, 'pre_accept')!);
    await first.client.request('accept', { callId, sdp: firstAnswer });
    await until(() => heardTone(caller.received, 600) > HEARD, 10_000, `${firstId} heard`);
    await first.client.request(request, { callId, to: secondId });
    // The colleague rang for the fresh call too (ring_all): this ring is its second offer.
    const offers = () => second.events.filter((e) => e.type === 'call_offered' && e.callId === callId);
    await until(() => offers().length === 2, OFFERED_WITHIN, 'the colleague’s ring');
    const last = offers()[1];
    const secondAnswer = await secondDesk.answer(last?.type === 'call_offered' ? last.sdpOffer : '');
    await second.client.request('ringing_leg', { callId, sdp: secondAnswer });
    await until(() => secondDesk.connected(), 10_000, 'the colleague’s leg coming up while it rings');
    expect(await participants(callId)).toEqual(['customer', firstId]);
    // The room of its own sends its (silent) mix: the leg is up, and what it gets holds nobody's voice.
    await until(async () => (await secondDesk.packetsReceived()) > 0, 3000, 'the colleague’s leg getting packets');
    const heardWhileRinging = await Promise.all([
      loudestOver(() => Math.max(secondDesk.heard(440), secondDesk.heard(600)), 1500),
      loudestOver(() => Math.max(heardTone(caller.received, 800), firstDesk.heard(800)), 1500),
    ]);
    expect(heardWhileRinging[0]).toBeLessThan(SILENT);
    // Nor is it heard (beside the others' voices, codec noise near 800 Hz stays under 0.03; heard is 0.1+).
    expect(heardWhileRinging[1]).toBeLessThan(0.03);
    await second.client.request('pre_accept', { callId, sdp: secondAnswer });
    await until(
      () =>
        heardTone(caller.received, 800) > HEARD &&
        secondDesk.heard(440) > HEARD &&
        (request === 'transfer' || secondDesk.heard(600) > HEARD),
      10_000,
      `${secondId} hearing and heard`,
    );
    if (request === 'invite') expect(await participants(callId)).toEqual(['customer', firstId, secondId]);
    await (request === 'transfer' ? second : first).client.request('terminate', { callId });
  } finally {
    firstDesk.close();
    secondDesk.close();
    caller.close();
    for (const agent of [first, second]) agent.client.close();
  }
}

describe('a ringing desk’s leg on a fresh anchored call', () => {
  it('comes up while ringing in the call’s room; before the customer’s leg joins, the losers’ legs (on another instance, and on one that went away) are kicked and get nothing of the call; the winner is heard', async () => {
    const { relay: relayA, graph } = testbed;
    // Instance C holds Cara's leg and stops while the call rings: only the winner's instance can take her leg out.
    const relayC = await startRelay({
      ...RELAY_TEST_SECRETS,
      redisUrl: testbed.redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix: PREFIX,
      janusUrls: [testbed.janus.url],
      janusAccess: testbed.janus.access,
      queues: TeamQueues.parse(QUEUES),
    });
    const asha = await connectTestAgent('asha', [relayA.agentUrl]);
    const ben = await connectTestAgent('ben', [relayB.agentUrl]);
    const cara = await connectTestAgent('cara', [relayC.agentUrl]);
    const desks = { asha: createTonePeer(600), ben: createTonePeer(800), cara: createTonePeer(500) };
    const callId = 'wacid.early.ring-all';
    const caller = await call(callId, '447700900701');
    try {
      await until(
        () => [asha, ben, cara].every((a) => offeredTo(a.events, callId) !== undefined),
        OFFERED_WITHIN,
        'the rings',
      );
      const answers = {
        asha: await desks.asha.answer(offeredTo(asha.events, callId)!.sdpOffer),
        ben: await desks.ben.answer(offeredTo(ben.events, callId)!.sdpOffer),
        cara: await desks.cara.answer(offeredTo(cara.events, callId)!.sdpOffer),
      };
      await asha.client.request('ringing_leg', { callId, sdp: answers.asha });
      await ben.client.request('ringing_leg', { callId, sdp: answers.ben });
      await cara.client.request('ringing_leg', { callId, sdp: answers.cara });
      // Every ringing desk's leg is up before anyone clicks Answer; WhatsApp has been told nothing.
      await until(() => Object.values(desks).every((d) => d.connected()), 10_000, 'the ringing legs coming up');
      expect(await participants(callId)).toEqual(['asha', 'ben', 'cara']);
      expect(graph.actionsFor(callId)).toEqual([]);
      await relayC.close();

      // The losers' far ends from now on: the loudest they hear of the customer or Asha, sampled every 20 ms.
      let losersHeard = 0;
      const sampler = setInterval(() => {
        for (const desk of [desks.ben, desks.cara])
          losersHeard = Math.max(losersHeard, desk.heard(440), desk.heard(600));
      }, 20);
      try {
        // The room's mix (silence: nobody is heard yet) reaches the ringing desks.
        for (const desk of [desks.ben, desks.cara]) await until(async () => (await desk.packetsReceived()) > 0, 3000);
        await asha.client.request('pre_accept', { callId, sdp: answers.asha });
        await caller.applyAnswer(sdpSentWith(graph, callId, 'pre_accept')!);
        await asha.client.request('accept', { callId, sdp: answers.asha });
        await until(
          () => heardTone(caller.received, 600) > HEARD && desks.asha.heard(440) > HEARD,
          10_000,
          'asha and the caller hearing each other',
        );
        // Kicked, the losers' legs leave the room (Janus takes up to a second); Cara's instance is gone.
        await until(async () => (await participants(callId)).join() === 'asha,customer', 3000, 'the losers leaving');
        const losersHad = [await desks.ben.packetsReceived(), await desks.cara.packetsReceived()];
        await new Promise((resolve) => setTimeout(resolve, 1000));
        // Out of the room, they get no packet more (one in flight at most).
        expect(await desks.ben.packetsReceived()).toBeLessThanOrEqual(losersHad[0]! + 1);
        expect(await desks.cara.packetsReceived()).toBeLessThanOrEqual(losersHad[1]! + 1);
        // From before Answer until now, they heard nothing of the customer, nor of Asha.
        expect(losersHeard).toBeLessThan(SILENT);
      } finally {
        clearInterval(sampler);
      }
      // Nor does the caller hear a loser (beside Asha's voice, a trace of codec noise near 800 Hz stays under 0.03).
      expect(heardTone(caller.received, 800)).toBeLessThan(0.03);
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await asha.client.request('terminate', { callId });
    } finally {
      for (const desk of Object.values(desks)) desk.close();
      caller.close();
      for (const agent of [asha, ben, cara]) agent.client.close();
      await relayC.close();
    }
  }, 60_000);

  it('in a hunting queue the desk whose ring ran out leaves with its leg; the next desk’s leg comes up while it rings and is heard', async () => {
    const { relay: relayA, graph } = testbed;
    const dev = await connectTestAgent('dev', [relayA.agentUrl]);
    const eve = await connectTestAgent('eve', [relayB.agentUrl]);
    const desks = { dev: createTonePeer(600), eve: createTonePeer(800) };
    const callId = 'wacid.early.hunt';
    const caller = await call(callId, '447700900702', 'sales');
    try {
      await until(() => [dev, eve].some((a) => offeredTo(a.events, callId) !== undefined));
      const [first, second] = offeredTo(dev.events, callId) ? ([dev, eve] as const) : ([eve, dev] as const);
      const firstDesk = first === dev ? desks.dev : desks.eve;
      const secondDesk = first === dev ? desks.eve : desks.dev;
      const firstAnswer = await firstDesk.answer(offeredTo(first.events, callId)!.sdpOffer);
      await first.client.request('ringing_leg', { callId, sdp: firstAnswer });
      await until(() => firstDesk.connected(), 10_000, 'the first desk’s leg coming up');
      expect(await participants(callId)).toEqual([first.id]);
      // Its ring runs out (5 s): the call rings the next desk, and the first desk's leg leaves the room.
      await until(() => offeredTo(second.events, callId) !== undefined, 10_000, 'the next desk ringing');
      const secondAnswer = await secondDesk.answer(offeredTo(second.events, callId)!.sdpOffer);
      await second.client.request('ringing_leg', { callId, sdp: secondAnswer });
      await until(() => secondDesk.connected(), 10_000, 'the next desk’s leg coming up');
      await until(async () => (await participants(callId)).join() === second.id, 5000, 'the first leg leaving');
      await second.client.request('pre_accept', { callId, sdp: secondAnswer });
      await caller.applyAnswer(sdpSentWith(graph, callId, 'pre_accept')!);
      await second.client.request('accept', { callId, sdp: secondAnswer });
      const voice = second === dev ? 600 : 800;
      await until(() => heardTone(caller.received, voice) > HEARD, 10_000, 'the next desk heard');
      expect(await loudestOver(() => firstDesk.heard(440), 1000)).toBeLessThan(SILENT);
      await second.client.request('terminate', { callId });
    } finally {
      for (const desk of Object.values(desks)) desk.close();
      caller.close();
      for (const agent of [dev, eve]) agent.client.close();
    }
  }, 60_000);

  for (const { request, agents, callId, from, name } of [
    {
      request: 'transfer',
      agents: ['fay', 'gus'],
      callId: 'wacid.early.transfer',
      from: '447700900703',
      name: 'a colleague rung for a transfer, the customer in the room, gets an early leg in a room of its own: up while it rings, it hears nothing and nobody hears it until it answers, then it is heard',
    },
    {
      request: 'invite',
      agents: ['hal', 'ivy'],
      callId: 'wacid.early.conference',
      from: '447700900704',
      name: 'a colleague added to the call (conference) also rings in a room of its own: it hears nothing and nobody hears it until it answers, then all three hear each other',
    },
  ] as const)
    it(name, () => colleagueRungApart(request, agents, callId, from), 60_000);

  it('a colleague’s room of its own goes when the call ends, even when the colleague’s relay instance stopped while it rang', async () => {
    const { relay: relayA, graph } = testbed;
    const relayD = await startRelay({
      ...RELAY_TEST_SECRETS,
      redisUrl: testbed.redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix: PREFIX,
      janusUrls: [testbed.janus.url],
      janusAccess: testbed.janus.access,
      queues: TeamQueues.parse(QUEUES),
    });
    const jo = await connectTestAgent('jo', [relayA.agentUrl]);
    const kim = await connectTestAgent('kim', [relayD.agentUrl]);
    const joDesk = createTonePeer(600);
    const kimDesk = createTonePeer(500);
    const callId = 'wacid.early.lobby-left';
    const caller = await call(callId, '447700900705');
    try {
      await until(() => offeredTo(jo.events, callId) !== undefined, OFFERED_WITHIN, 'the ring');
      const joAnswer = await joDesk.answer(offeredTo(jo.events, callId)!.sdpOffer);
      await jo.client.request('pre_accept', { callId, sdp: joAnswer });
      await caller.applyAnswer(sdpSentWith(graph, callId, 'pre_accept')!);
      await jo.client.request('accept', { callId, sdp: joAnswer });
      await jo.client.request('transfer', { callId, to: 'kim' });
      // Kim rang for the fresh call too (ring_all): the transfer's ring is her second offer.
      const kimOffers = () => kim.events.filter((e) => e.type === 'call_offered' && e.callId === callId);
      await until(() => kimOffers().length === 2, 10_000, 'kim ringing for the transfer');
      const last = kimOffers()[1];
      const kimAnswer = await kimDesk.answer(last?.type === 'call_offered' ? last.sdpOffer : '');
      await kim.client.request('ringing_leg', { callId, sdp: kimAnswer });
      await until(() => kimDesk.connected(), 10_000, 'kim’s leg coming up while it rings');
      const [key] = await keys.keys(`*lobbies:${callId}`);
      const lobbies = key ? (await keys.smembers(key)).map(Number) : [];
      expect(lobbies).toHaveLength(1);
      const lobbyHolds = () => roomParticipants(testbed.janus.url, testbed.janus.access, lobbies[0]!);
      expect(await lobbyHolds()).toEqual(['kim']);
      await relayD.close();
      await jo.client.request('terminate', { callId });
      await until(
        async () =>
          await lobbyHolds().then(
            () => false,
            () => true,
          ),
        10_000,
        'kim’s room of its own gone',
      );
    } finally {
      joDesk.close();
      kimDesk.close();
      caller.close();
      for (const agent of [jo, kim]) agent.client.close();
      await relayD.close();
    }
  }, 60_000);
});
