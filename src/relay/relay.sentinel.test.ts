import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../sim/webhookSender';
import { createMemoryLogger } from '../whatsapp/logger';
import { startRelay, type Relay } from './relayServer';
import { connectTestAgent } from './testAgent';
import { startRelayProcess, type RelayProcess } from './testRelayProcess';
import { startTestPostgres, type TestPostgres } from './testPostgres';
import { startTestRedisSentinel, type TestRedisSentinel } from './testRedisSentinel';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from './testSecrets';

const SECRETS = RELAY_TEST_SECRETS;
const ANSWER = TEST_ANSWER_SDP;

let redis: TestRedisSentinel;
let postgres: TestPostgres;
let graph: GraphApiSim;
const relays: Relay[] = [];
const processes: RelayProcess[] = [];
const desks: Array<Awaited<ReturnType<typeof connectTestAgent>>> = [];

beforeEach(async () => {
  [redis, postgres, graph] = await Promise.all([
    startTestRedisSentinel(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
}, 60_000);
afterEach(async () => {
  for (const desk of desks.splice(0)) desk.client.close();
  for (const relay of relays.splice(0)) await relay.close();
  for (const relay of processes.splice(0)) await relay.stop();
  await graph.close();
  await redis.stop();
  await postgres.stop();
});

/** Retries `attempt` until it succeeds, as Meta (a 5xx is delivered again) and a desk do, for at most `ms`. */
async function eventually<T>(attempt: () => Promise<T>, ms = 20_000): Promise<T> {
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

/** Every answer a delivery got that was not 200 (Meta delivers those again). */
const refused: number[] = [];

async function deliver(relay: { webhookUrl: string }, body: unknown): Promise<void> {
  await eventually(async () => {
    const { status } = await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret).catch(() => ({ status: 0 }));
    if (status !== 200) refused.push(status);
    if (status !== 200) throw new Error(`webhook answered ${status}`);
  });
}

const customerOf = (callId: string) => `4477009008${callId.slice(-2)}`;
const connect = (relay: { webhookUrl: string }, callId: string) => {
  graph.offerCall(callId);
  return deliver(
    relay,
    connectWebhook({ callId, from: customerOf(callId), phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }),
  );
};
const hangUp = (relay: { webhookUrl: string }, callId: string) =>
  deliver(
    relay,
    terminateWebhook({
      callId,
      from: customerOf(callId),
      phoneNumberId: SECRETS.phoneNumberId,
      status: 'COMPLETED',
      durationSec: 30,
    }),
  );

/** Which desks a call rang at. */
const rangAt = (callId: string) =>
  desks.filter((d) => d.events.some((e) => e.type === 'call_offered' && e.callId === callId)).map((d) => d.id);

async function ringsAtOne(callId: string): Promise<(typeof desks)[number]> {
  await expect.poll(() => rangAt(callId).length, { timeout: 20_000, message: `${callId} rang at` }).toBe(1);
  return desks.find((d) => d.id === rangAt(callId)[0])!;
}

async function answer(desk: (typeof desks)[number], callId: string): Promise<void> {
  await eventually(() => desk.client.request('pre_accept', { callId, sdp: ANSWER }));
  await eventually(() => desk.client.request('accept', { callId, sdp: ANSWER }));
}

describe('relay on Redis Sentinel', () => {
  it('a primary killed mid-ring and mid-call: every call rings at one agent, is answered once and is kept in PostgreSQL', async () => {
    const databaseUrl = postgres.url;
    relays.push(
      await startRelay({
        ...SECRETS,
        redisSentinel: redis.target,
        graphBaseUrl: graph.baseUrl,
        routing: 'longest_idle',
        databaseUrl,
        logger: createMemoryLogger(),
      }),
    );
    const a = relays[0]!;
    // The other instance is `npm run relay` in its own process, given REDIS_SENTINELS and its passwords.
    const b = await startRelayProcess({
      ...SECRETS,
      redisSentinel: redis.target,
      graphBaseUrl: graph.baseUrl,
      routing: 'longest_idle',
      databaseUrl,
    });
    processes.push(b);
    for (const [id, relay] of [
      ['ana', a],
      ['ben', b],
      ['cal', a],
    ] as const)
      desks.push(await connectTestAgent(id, [relay.agentUrl]));

    // One call in progress, one ringing, when the primary dies.
    await connect(a, 'wacid.sentinel01');
    const onCall = await ringsAtOne('wacid.sentinel01');
    await answer(onCall, 'wacid.sentinel01');
    await connect(b, 'wacid.sentinel02');
    const ringing = await ringsAtOne('wacid.sentinel02');
    const before = await redis.primaryPort();
    const killedAt = Date.now();
    // A call arriving while the sentinels are still agreeing that the primary is gone: its deliveries are answered
    // 503 until Redis takes it, Meta delivers it again, and it rings at the one agent still free.
    refused.length = 0;
    const [{ failoverMs }] = await Promise.all([
      redis.killPrimary(),
      new Promise((r) => setTimeout(r, 300)).then(() => connect(b, 'wacid.sentinel03')),
    ]);
    expect(await redis.primaryPort()).not.toBe(before);
    const third = await ringsAtOne('wacid.sentinel03');
    console.log(
      `Sentinel promoted the replica ${failoverMs} ms after the primary was killed; the call delivered meanwhile was answered ${refused.join(', ') || 'nothing but 200'} first and rang ${Date.now() - killedAt} ms after the kill`,
    );
    expect(refused.every((status) => status === 503)).toBe(true);
    expect(new Set([onCall.id, ringing.id, third.id]).size).toBe(3);
    await answer(ringing, 'wacid.sentinel02');
    await answer(third, 'wacid.sentinel03');
    await eventually(() => onCall.client.request('terminate', { callId: 'wacid.sentinel01' }));
    for (const callId of ['wacid.sentinel01', 'wacid.sentinel02', 'wacid.sentinel03']) await hangUp(a, callId);

    // The simulator saw each call answered once, and nothing rang anywhere else.
    expect(graph.actionsFor('wacid.sentinel01')).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
    expect(graph.actionsFor('wacid.sentinel02')).toEqual(['pre_accept:200', 'accept:200']);
    expect(graph.actionsFor('wacid.sentinel03')).toEqual(['pre_accept:200', 'accept:200']);
    for (const callId of ['wacid.sentinel01', 'wacid.sentinel02', 'wacid.sentinel03'])
      expect(rangAt(callId)).toHaveLength(1);

    const db = new pg.Client(databaseUrl);
    await db.connect();
    try {
      await expect
        .poll(
          async () =>
            (
              await db.query<{ call_id: string; answered_by: string; end_status: string }>(
                'SELECT call_id, answered_by, end_status FROM calls ORDER BY call_id',
              )
            ).rows,
          { timeout: 20_000 },
        )
        .toEqual([
          { call_id: 'wacid.sentinel01', answered_by: onCall.id, end_status: 'COMPLETED' },
          { call_id: 'wacid.sentinel02', answered_by: ringing.id, end_status: 'COMPLETED' },
          { call_id: 'wacid.sentinel03', answered_by: third.id, end_status: 'COMPLETED' },
        ]);
    } finally {
      await db.end();
    }
  }, 120_000);
});
