import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heardTone } from '../../../sim/farEnd';
import { until } from '../bots/testBotCall';
import { startAnchoredRelay, type AnchoredRelayTestbed } from './testAnchoredRelay';
import { HEARD, LEAKED, SILENT } from './testAudioLevels';
import { loudestHeard, loudestOver, medianOver, preAcceptedCall, sdpSentWith } from './testPreAcceptedCall';

let testbed: AnchoredRelayTestbed;

beforeAll(async () => {
  testbed = await startAnchoredRelay('heard-after-accept', {
    defaultQueue: 'support',
    queues: [{ id: 'support', name: 'Support', routing: 'ring_all', media: 'anchored', agents: '*' }],
  });
}, 30_000);
afterAll(async () => {
  await testbed?.stop();
});

const preAccepted = (callId: string, from: string, colleagues = 0) =>
  preAcceptedCall(testbed.graph, {
    callId,
    from,
    webhookUrl: testbed.relay.webhookUrl,
    agentUrls: [testbed.relay.agentUrl],
    colleagues,
  });

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
      expect(await loudestOver(() => desk.heard(440), 300)).toBeGreaterThan(HEARD);
      expect(await medianOver(() => desk.heard(300), 1000)).toBeLessThan(LEAKED);
      await agent.client.request('terminate', { callId });
    } finally {
      close();
    }
  }, 40_000);

  it('calls ringing at several desks at once keep each desk’s leg: the one answering is heard through Janus', async () => {
    // Which desk's ring completes last varies from call to call: several calls, so a lost leg shows.
    for (const n of [1, 2, 3, 4]) {
      const callId = `wacid.heard.ring-all-${n}`;
      const { agent, caller, desk, answer, close } = await preAccepted(callId, `44770090051${n}`, 4);
      try {
        // WhatsApp got Janus's answer for the customer's leg, not the desk's answer to Janus's offer for its own.
        expect(sdpSentWith(testbed.graph, callId, 'pre_accept')).not.toBe(answer);
        await agent.client.request('accept', { callId, sdp: answer });
        await until(() => heardTone(caller.received, 300) > HEARD, 3000);
        expect(await medianOver(() => desk.heard(300), 1000)).toBeLessThan(LEAKED);
        await agent.client.request('terminate', { callId });
      } finally {
        close();
      }
    }
  }, 60_000);
});
