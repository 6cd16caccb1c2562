import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { offeredTo, until } from '../bots/testBotCall';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { mediaHostAddress } from './testJanus';
import { startAnchoredRelay, type AnchoredRelayTestbed } from './testAnchoredRelay';
import { createTonePeer } from './testTonePeer';

const SECRETS = RELAY_TEST_SECRETS;
/** Under this the caller hears nothing of a tone (a leg heard in the room measures 0.1 and more). */
const SILENT = 0.004;
const HEARD = 0.05;
let testbed: AnchoredRelayTestbed;

beforeAll(async () => {
  testbed = await startAnchoredRelay('heard-after-accept', {
    defaultQueue: 'support',
    queues: [{ id: 'support', name: 'Support', media: 'anchored', agents: '*' }],
  });
}, 30_000);
afterAll(async () => {
  await testbed?.stop();
});

/**
 * A call rings at a desk that sends its voice (300 Hz) from its answer on, as the desk does on an anchored call from
 * the Answer click; pre_accept goes through and the caller (440 Hz, behind the ICE-lite edge) gets the business's
 * answer, so both legs are up in Janus before accept is sent.
 */
async function preAccepted(callId: string, from: string) {
  const { graph, relay } = testbed;
  const agent = await connectTestAgent(`agent-${from}`, [relay.agentUrl]);
  const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
  const desk = createTonePeer(300);
  graph.offerCall(callId);
  const body = connectWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, sdpOffer: caller.offerSdp });
  expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
  await until(() => offeredTo(agent.events, callId) !== undefined);
  const answer = await desk.answer(offeredTo(agent.events, callId)!.sdpOffer);
  await agent.client.request('pre_accept', { callId, sdp: answer });
  const sent = graph.requests.find((r) => {
    const text = JSON.stringify(r.body ?? '');
    return text.includes('pre_accept') && text.includes(callId);
  })?.body as { session: { sdp: string } };
  await caller.applyAnswer(sent.session.sdp);
  // Both legs are up: the desk hears the caller through the room.
  await until(() => desk.heard(440) > HEARD, 10_000);
  /** The agent's connection, the caller and the desk go. */
  const close = () => {
    agent.client.close();
    caller.close();
    desk.close();
  };
  return { agent, caller, desk, answer, close };
}

/** The loudest the caller heard the desk's tone over `ms`, read every 20 ms. */
async function loudestHeard(caller: Awaited<ReturnType<typeof createFarEnd>>, ms: number): Promise<number> {
  let loudest = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    loudest = Math.max(loudest, heardTone(caller.received, 300));
    await new Promise((r) => setTimeout(r, 20));
  }
  return loudest;
}

describe('an anchored desk’s voice and WhatsApp’s accept', () => {
  it('the caller hears nothing of a desk already sending until WhatsApp answered 200 to accept, and the agent right after', async () => {
    const callId = 'wacid.heard.after-accept';
    const { agent, caller, answer, close } = await preAccepted(callId, '447700900501');
    try {
      testbed.graph.addFault({ action: 'accept', delayMs: 2000 });
      const accepted = agent.client.request('accept', { callId, sdp: answer });
      // WhatsApp is still answering accept: the desk's voice is in its leg on Janus, but not in the call.
      expect(await loudestHeard(caller, 1500)).toBeLessThan(SILENT);
      await accepted;
      const repliedAt = Date.now();
      await until(() => heardTone(caller.received, 300) > HEARD, 3000);
      expect(Date.now() - repliedAt).toBeLessThan(1000);
      expect(testbed.graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200']);
      await agent.client.request('terminate', { callId });
    } finally {
      close();
    }
  }, 40_000);

  it('a refused accept never lets the desk’s voice reach the caller', async () => {
    const callId = 'wacid.heard.accept-refused';
    const { agent, caller, desk, answer, close } = await preAccepted(callId, '447700900502');
    try {
      testbed.graph.addFault({ action: 'accept', status: 400 });
      await expect(agent.client.request('accept', { callId, sdp: answer })).rejects.toThrow();
      expect(await loudestHeard(caller, 1500)).toBeLessThan(SILENT);
      // The desk hears the caller, and nothing of its own voice.
      expect(desk.heard(440)).toBeGreaterThan(HEARD);
      expect(desk.heard(300)).toBeLessThan(SILENT);
      await agent.client.request('terminate', { callId });
    } finally {
      close();
    }
  }, 40_000);
});
