import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import { readCallbackData } from '../../shared/callbackData';
import { TeamQueues } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from '../testSecrets';

/**
 * Issue 27 through the relay: an agent answers through the relay, which sends biz_opaque_callback_data (team, queue,
 * agent) with pre_accept and accept; the simulator takes it by its own rules and WhatsApp's terminate returns it,
 * with the tapped call button's payload; the call's PostgreSQL record keeps both (migration 5).
 */
const SECRETS = RELAY_TEST_SECRETS;
let redis: TestRedis;
let postgres: TestPostgres;
let graph: GraphApiSim;
let relay: Relay;
const DATABASE = 'callback_data';
const databaseUrl = () => postgres.url.replace(/\/postgres$/, `/${DATABASE}`);

beforeAll(async () => {
  [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const admin = new pg.Client(postgres.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'cbteam',
    databaseUrl: databaseUrl(),
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: '*' }],
    }),
  });
}, 60_000);
afterAll(async () => {
  await relay?.close();
  await graph?.close();
  await redis?.stop();
  await postgres?.stop();
});

async function row(callId: string) {
  const client = new pg.Client(databaseUrl());
  await client.connect();
  try {
    const { rows } = await client.query<{ callback_data: string | null; cta_payload: string | null }>(
      'SELECT callback_data, cta_payload FROM calls WHERE call_id = $1',
      [callId],
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

describe('biz_opaque_callback_data through the relay', () => {
  it('is sent with pre_accept and accept, and what WhatsApp returns is kept in the call records', async () => {
    const ana = await connectTestAgent('ana', [relay.agentUrl]);
    try {
      const callId = 'wacid.callbackdata1';
      graph.offerCall(callId);
      const base = { callId, from: '447700900555', phoneNumberId: SECRETS.phoneNumberId };
      const connect = connectWebhook({ ...base, sdpOffer: 'v=0\r\n', ctaPayload: 'buy-now' });
      expect((await postSignedWebhook(relay.webhookUrl, connect, SECRETS.appSecret)).status).toBe(200);
      await expect.poll(() => ana.events.some((e) => e.type === 'call_offered' && e.callId === callId)).toBe(true);
      await ana.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
      await ana.client.request('accept', { callId, sdp: TEST_ANSWER_SDP });

      const bodies = graph.requests
        .map((r) => r.body as { call_id?: string; action?: string; biz_opaque_callback_data?: string })
        .filter((b) => b?.call_id === callId);
      expect(bodies.map((b) => b.action)).toEqual(['pre_accept', 'accept']);
      const sent = bodies[1]!.biz_opaque_callback_data;
      expect(bodies[0]!.biz_opaque_callback_data).toBe(sent);
      expect(readCallbackData(sent)).toEqual({ team: 'cbteam', queue: 'support', agent: 'ana' });
      expect(graph.calls.get(callId)?.callbackData).toBe(sent);

      const ended = terminateWebhook({
        ...base,
        status: 'COMPLETED',
        durationSec: 3,
        bizOpaque: graph.calls.get(callId)!.callbackData,
        ctaPayload: 'buy-now',
      });
      expect((await postSignedWebhook(relay.webhookUrl, ended, SECRETS.appSecret)).status).toBe(200);
      await expect
        .poll(() => row(callId), { timeout: 10_000, interval: 200 })
        .toEqual({ callback_data: sent, cta_payload: 'buy-now' });
    } finally {
      ana.client.close();
    }
  });
});

describe('terminates for calls the team never saw', () => {
  it('leave no call record (a stranger with the app secret, or a mistaken redelivery, cannot fill the figures)', async () => {
    const strangers = ['wacid.never-seen-1', 'wacid.never-seen-2'];
    for (const callId of strangers) {
      const body = terminateWebhook({
        callId,
        from: '447700900556',
        phoneNumberId: SECRETS.phoneNumberId,
        status: 'COMPLETED',
      });
      expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
    }
    // A real call after them: once its record is written, theirs would have been too (one outbox, in order).
    const callId = 'wacid.seen-after-strangers';
    graph.offerCall(callId);
    const base = { callId, from: '447700900557', phoneNumberId: SECRETS.phoneNumberId };
    const connect = connectWebhook({ ...base, sdpOffer: 'v=0\r\n' });
    expect((await postSignedWebhook(relay.webhookUrl, connect, SECRETS.appSecret)).status).toBe(200);
    const ended = terminateWebhook({ ...base, status: 'COMPLETED' });
    expect((await postSignedWebhook(relay.webhookUrl, ended, SECRETS.appSecret)).status).toBe(200);
    await expect.poll(() => row(callId), { timeout: 10_000, interval: 200 }).toBeDefined();
    for (const stranger of strangers) expect(await row(stranger)).toBeUndefined();
  });
});
