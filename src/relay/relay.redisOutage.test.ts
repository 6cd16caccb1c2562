import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../sim/webhookSender';
import type { RelayClient } from '../main/transport/relayClient';
import { createMemoryLogger } from '../whatsapp/logger';
import { startRelay, type Relay } from './relayServer';
import { startTestRedis, type TestRedis } from './testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from './testSecrets';
import { connectTestAgent } from './testAgent';

const SECRETS = RELAY_TEST_SECRETS;
const ANSWER = TEST_ANSWER_SDP;

let redis: TestRedis;
let graph: GraphApiSim;
let relay: Relay;
const clients: RelayClient[] = [];

beforeEach(async () => {
  redis = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
  });
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await relay.close();
  await graph.close();
  await redis.stop();
});

async function agent(id: string, requestTimeoutMs?: number) {
  const desk = await connectTestAgent(id, [relay.agentUrl], { requestTimeoutMs });
  clients.push(desk.client);
  return desk;
}

const connect = (callId: string) =>
  postSignedWebhook(
    relay.webhookUrl,
    connectWebhook({ callId, from: '447700900123', phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }),
    SECRETS.appSecret,
  );

/** Retries `attempt` until it succeeds, as Meta and a desk do, for at most `ms`. */
async function eventually<T>(attempt: () => Promise<T>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > end) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('relay when redis-server dies and comes back', () => {
  it('answers a connect it cannot record 503, and rings the agent on Meta’s next delivery', async () => {
    const ann = await agent('ann');
    graph.offerCall('outage-call');
    await redis.kill();
    expect((await connect('outage-call')).status).toBe(503);
    expect(ann.events).toEqual([]);
    // A load balancer asking now is told to send traffic elsewhere, and why; Prometheus sees Redis down.
    const http = relay.agentUrl.replace('ws:', 'http:');
    const notReady = await fetch(`${http}readyz`);
    expect([notReady.status, (await notReady.text()).trim()]).toEqual([503, 'Redis does not answer']);
    expect(await (await fetch(`${http}metrics`)).text()).toMatch(/^wa_relay_redis_up 0$/m);
    await redis.start();
    await eventually(async () => {
      const { status } = await connect('outage-call');
      if (status !== 200) throw new Error(`still ${status}`);
    });
    await expect.poll(() => ann.events.filter((e) => e.type === 'call_offered').length, { timeout: 10_000 }).toBe(1);
    await expect.poll(async () => (await fetch(`${http}readyz`)).status, { timeout: 10_000 }).toBe(200);
  });

  it('lets the agent holding a call end it after Redis restarted empty, and nobody else', async () => {
    const ann = await agent('ann');
    const ben = await agent('ben');
    graph.offerCall('kept-call');
    expect((await connect('kept-call')).status).toBe(200);
    await expect.poll(() => ann.events.length).toBeGreaterThan(0);
    await ann.client.request('pre_accept', { callId: 'kept-call', sdp: ANSWER });
    await ann.client.request('accept', { callId: 'kept-call', sdp: ANSWER });
    await redis.kill();
    await redis.start();
    await eventually(() =>
      ben.client.request('terminate', { callId: 'kept-call' }).catch((error: Error) => {
        if (/not yours/.test(error.message)) return 'refused';
        throw error;
      }),
    ).then((outcome) => expect(outcome).toBe('refused'));
    await eventually(() => ann.client.request('terminate', { callId: 'kept-call' }));
    expect(graph.actionsFor('kept-call')).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  });

  it('never sends WhatsApp an answer the desk stopped waiting for while Redis hung, and the call can still be answered', async () => {
    const ann = await agent('ann', 1500);
    graph.offerCall('hung-call');
    expect((await connect('hung-call')).status).toBe(200);
    await expect.poll(() => ann.events.filter((e) => e.type === 'call_offered').length, { timeout: 10_000 }).toBe(1);
    // Redis stops answering for longer than the desk waits (CLIENT PAUSE holds every client's commands).
    const admin = new Redis(redis.url);
    try {
      await admin.call('CLIENT', 'PAUSE', '3000', 'ALL');
      await expect(ann.client.request('pre_accept', { callId: 'hung-call', sdp: ANSWER })).rejects.toThrow(
        /did not answer in time/,
      );
      await new Promise((r) => setTimeout(r, 4500));
    } finally {
      admin.disconnect();
    }
    expect(graph.actionsFor('hung-call')).toEqual([]);
    // The call still rings for the agent, who answers it now that Redis is back.
    await eventually(() => ann.client.request('pre_accept', { callId: 'hung-call', sdp: ANSWER }));
    expect(graph.actionsFor('hung-call')).toEqual(['pre_accept:200']);
  });
});
