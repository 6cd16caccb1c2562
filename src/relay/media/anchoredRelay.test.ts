import wrtc from '@roamhq/wrtc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { createFarEnd } from '../../../sim/farEnd';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { connectRelay } from '../../main/transport/relayClient';
import type { CallSignal } from '../../shared/callSignals';
import { TeamQueues } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueAgentToken } from '../agentTokens';
import { startRelay, type Relay } from '../relayServer';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { mediaHostAddress, startTestJanus, type TestJanus } from './testJanus';

const SECRETS = RELAY_TEST_SECRETS;
let redis: TestRedis;
let graph: GraphApiSim;
let janus: TestJanus;
let relay: Relay;

beforeAll(async () => {
  [redis, graph, janus] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
    startTestJanus(),
  ]);
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'anchored',
    janusUrls: [janus.url],
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', media: 'anchored', agents: '*' }],
    }),
  });
}, 30_000);
afterAll(async () => {
  await relay?.close();
  await janus?.stop();
  await graph?.close();
  await redis?.stop();
});

async function until(check: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('anchored calls on the relay', () => {
  it('when Janus dies mid-call, the call is terminated on WhatsApp once and the agent is told why', async () => {
    const events: CallSignal[] = [];
    const client = connectRelay({
      urls: [relay.agentUrl],
      token: await issueAgentToken('asha', SECRETS.agentSecret),
      onEvent: (e) => events.push(e),
    });
    await client.ready();
    const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
    const desk = new wrtc.RTCPeerConnection({ iceServers: [] });
    try {
      const callId = 'wacid.anchored.lost';
      graph.offerCall(callId);
      const body = connectWebhook({
        callId,
        from: '447700900321',
        phoneNumberId: SECRETS.phoneNumberId,
        sdpOffer: caller.offerSdp,
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
      await until(() => events.some((e) => e.type === 'call_offered'));
      const offered = events.find((e) => e.type === 'call_offered')!;
      // The desk gets the media server's offer for its own leg, not WhatsApp's.
      expect(offered.type === 'call_offered' && offered.sdpOffer).toContain('cname:janus');
      await desk.setRemoteDescription({ type: 'offer', sdp: offered.type === 'call_offered' ? offered.sdpOffer : '' });
      await desk.setLocalDescription(await desk.createAnswer());
      await client.request('pre_accept', { callId, sdp: desk.localDescription!.sdp });
      await client.request('accept', { callId, sdp: desk.localDescription!.sdp });
      const answer = graph.requests.find((r) => JSON.stringify(r.body ?? '').includes('pre_accept'))?.body as {
        session: { sdp: string };
      };
      await caller.applyAnswer(answer.session.sdp);
      await until(() => caller.received.loudFrames > 0 || caller.connectionState === 'connected', 10_000);

      await janus.kill();
      await until(() => graph.actionsFor(callId).includes('terminate:200'), 10_000);
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
      await until(() => events.some((e) => e.type === 'call_terminated'));
      expect(events.find((e) => e.type === 'call_terminated')).toMatchObject({
        status: 'FAILED',
        errors: [{ message: expect.stringContaining('media server stopped') }],
      });
    } finally {
      client.close();
      caller.close();
      desk.close();
      await janus.start();
    }
  }, 40_000);
});
