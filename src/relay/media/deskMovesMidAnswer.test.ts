import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heardTone } from '../../../sim/farEnd';
import { TeamQueues, type TeamQueuesInput } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { until } from '../bots/testBotCall';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startRelayProcess } from '../testRelayProcess';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { startAnchoredRelay, type AnchoredRelayTestbed } from './testAnchoredRelay';
import { HEARD, LEAKED, SILENT } from './testAudioLevels';
import { loudestHeard, loudestOver, medianOver, preAcceptedCall, sdpSentWith } from './testPreAcceptedCall';
import { createFarEnd } from '../../../sim/farEnd';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { offeredTo } from '../bots/testBotCall';
import { mediaHostAddress } from './testJanus';
import { createTonePeer } from './testTonePeer';

const PREFIX = 'desk-moves';
const QUEUES: TeamQueuesInput = {
  defaultQueue: 'support',
  queues: [{ id: 'support', name: 'Support', media: 'anchored', agents: '*' }],
};
/** Instance A is the testbed's relay; B shares its Redis, Janus and Meta. */
let testbed: AnchoredRelayTestbed;
let relayB: Relay;

beforeAll(async () => {
  testbed = await startAnchoredRelay(PREFIX, QUEUES);
  relayB = await startRelay({
    ...RELAY_TEST_SECRETS,
    redisUrl: testbed.redis.url,
    graphBaseUrl: testbed.graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: PREFIX,
    janusUrls: [testbed.janus.url],
    janusAccess: testbed.janus.access,
    queues: TeamQueues.parse(QUEUES),
  });
}, 40_000);
afterAll(async () => {
  await relayB?.close();
  await testbed?.stop();
});

/** The desk's connection drops after pre_accept on A; it signs in again on B, once A has seen it go. */
async function movedToB(agent: Awaited<ReturnType<typeof preAcceptedCall>>['agent'], relayA: Relay) {
  agent.client.close();
  await until(() => !relayA.connectedAgents().includes(agent.id), 5000, 'instance A seeing the desk go');
  return connectTestAgent(agent.id, [relayB.agentUrl]);
}

describe('a desk that reconnects to another relay instance between pre_accept and accept', () => {
  it('is heard by the caller as soon as WhatsApp accepts through the other instance, which sends the pre_accept’s SDP again', async () => {
    const { graph, relay: relayA } = testbed;
    const callId = 'wacid.moved.accept';
    const call = await preAcceptedCall(graph, {
      callId,
      from: '447700900601',
      webhookUrl: relayA.webhookUrl,
      agentUrls: [relayA.agentUrl],
    });
    const { caller, desk, answer } = call;
    const moved = await movedToB(call.agent, relayA);
    try {
      expect(await loudestHeard(caller, 1000)).toBeLessThan(SILENT);
      await moved.client.request('accept', { callId, sdp: answer });
      const repliedAt = Date.now();
      await until(() => heardTone(caller.received, 300) > HEARD, 3000, 'the caller hearing the desk');
      expect(Date.now() - repliedAt).toBeLessThan(1000);
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      expect(sdpSentWith(graph, callId, 'accept')).toBe(sdpSentWith(graph, callId, 'pre_accept'));
      // The desk goes on hearing the caller, and nothing of its own voice.
      expect(await medianOver(() => desk.heard(300), 1000)).toBeLessThan(LEAKED);
      expect(await loudestOver(() => desk.heard(440), 300)).toBeGreaterThan(HEARD);
      await moved.client.request('terminate', { callId });
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
    } finally {
      moved.client.close();
      call.close();
    }
  }, 60_000);

  it('an accept WhatsApp refuses through the other instance leaves the desk unheard, and the call ends cleanly from there', async () => {
    const { graph, relay: relayA } = testbed;
    const callId = 'wacid.moved.refused';
    const call = await preAcceptedCall(graph, {
      callId,
      from: '447700900602',
      webhookUrl: relayA.webhookUrl,
      agentUrls: [relayA.agentUrl],
    });
    const { caller, desk, answer } = call;
    const moved = await movedToB(call.agent, relayA);
    try {
      graph.addFault({ action: 'accept', status: 400 });
      await expect(moved.client.request('accept', { callId, sdp: answer })).rejects.toThrow();
      expect(await loudestHeard(caller, 1500)).toBeLessThan(SILENT);
      expect(await medianOver(() => desk.heard(300), 1000)).toBeLessThan(LEAKED);
      await moved.client.request('terminate', { callId });
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:400', 'terminate:200']);
      // Instance A let the call's legs go: the desk hears the caller no more.
      await until(() => desk.heard(440) < SILENT, 5000, 'the desk’s leg leaving');
    } finally {
      moved.client.close();
      call.close();
    }
  }, 60_000);

  it('when the instance holding the desk’s leg died in between, the one taking over its media session lets the caller hear the desk', async () => {
    const { graph, redis, janus, relay } = testbed;
    // Instance A in its own process, so it can really be killed; the testbed's relay is the one that takes over.
    const relayA = await startRelayProcess({
      ...RELAY_TEST_SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      prefix: PREFIX,
      queues: TeamQueues.parse(QUEUES),
      janusUrls: [janus.url],
      janusAccess: janus.access,
    });
    const callId = 'wacid.moved.instance-died';
    let call: Awaited<ReturnType<typeof preAcceptedCall>> | undefined;
    try {
      call = await preAcceptedCall(graph, {
        callId,
        from: '447700900603',
        webhookUrl: relayA.webhookUrl,
        agentUrls: [relayA.agentUrl, relay.agentUrl],
      });
      const { agent, caller, desk, answer } = call;
      await relayA.kill();
      // The relay client moves the desk to the next address by itself.
      await until(() => relay.connectedAgents().includes(agent.id), 10_000, 'the desk reconnecting');
      await agent.client.request('accept', { callId, sdp: answer });
      expect(sdpSentWith(graph, callId, 'accept')).toBe(sdpSentWith(graph, callId, 'pre_accept'));
      // A dead instance's session is taken over once it has not said it is alive for 4 s.
      await until(() => heardTone(caller.received, 300) > HEARD, 15_000, 'the caller hearing the desk');
      await until(() => desk.heard(440) > HEARD, 3000, 'the desk still hearing the caller');
      expect(await medianOver(() => desk.heard(300), 1000)).toBeLessThan(LEAKED);
      await agent.client.request('terminate', { callId });
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
    } finally {
      await relayA.kill();
      call?.close();
    }
  }, 80_000);

  it('a pre_accept reaching an instance without the desk’s leg (A has not yet seen the old connection go) is refused, and WhatsApp hears nothing', async () => {
    const { graph, relay: relayA } = testbed;
    const callId = 'wacid.moved.pre-accept';
    const ringing = await connectTestAgent('agent-447700900604', [relayA.agentUrl]);
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = createTonePeer(300);
    let moved: Awaited<ReturnType<typeof connectTestAgent>> | undefined;
    try {
      graph.offerCall(callId);
      const secrets = RELAY_TEST_SECRETS;
      const body = connectWebhook({
        callId,
        from: '447700900604',
        phoneNumberId: secrets.phoneNumberId,
        sdpOffer: caller.offerSdp,
      });
      expect((await postSignedWebhook(relayA.webhookUrl, body, secrets.appSecret)).status).toBe(200);
      await until(() => offeredTo(ringing.events, callId) !== undefined);
      const answer = await desk.answer(offeredTo(ringing.events, callId)!.sdpOffer);
      moved = await connectTestAgent(ringing.id, [relayB.agentUrl]);
      await expect(moved.client.request('pre_accept', { callId, sdp: answer })).rejects.toThrow(
        'This call is no longer known to the team relay.',
      );
      expect(graph.actionsFor(callId)).toEqual([]);
    } finally {
      moved?.client.close();
      ringing.client.close();
      caller.close();
      desk.close();
    }
  }, 40_000);
});
