import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import { buttonReplyWebhook } from '../../../sim/buttonReplyWebhook';
import type { PermissionMessage } from '../../../sim/messageRules';
import { postSignedWebhook } from '../../../sim/webhookSender';
import { startWhatsAppSim, type WhatsAppSim } from '../../../sim/whatsappSim';
import type { CallSignal } from '../../shared/callSignals';
import { QueueCallback } from '../../shared/queueCallbacks';
import { TeamQueues } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';

const SECRETS = RELAY_TEST_SECRETS;
const PREFIX = 'cbhours';
/** London, weekdays 09:00 to 17:30: in December local time is UTC. */
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'ring_all',
      agents: { asha: 1 },
      hours: {
        timeZone: 'Europe/London',
        open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:30' }],
        closed: { action: 'callback', callback: { keepHours: 24 } },
      },
    },
  ],
});

let redis: TestRedis;
let postgres: TestPostgres;
let sim: WhatsAppSim;
let relay: Relay;
let probe: Redis;
const log = createMemoryLogger();
const database = 'queue_callback_hours';
const databaseUrl = () => postgres.url.replace(/\/postgres$/, `/${database}`);
/** The relay's clock, moved to the London day and hour each step chooses. */
let shiftMs = 0;
const setClock = (iso: string) => (shiftMs = Date.parse(iso) - Date.now());
const clock = () => Date.now() + shiftMs;

beforeAll(async () => {
  [redis, postgres, sim] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startWhatsAppSim({
      accessToken: SECRETS.accessToken,
      phoneNumberId: SECRETS.phoneNumberId,
      appSecret: SECRETS.appSecret,
    }),
  ]);
  const admin = new pg.Client(postgres.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger: log,
    prefix: PREFIX,
    databaseUrl: databaseUrl(),
    queues: QUEUES,
    routingClock: clock,
  });
  sim.setWebhookUrl(relay.webhookUrl);
  probe = new Redis(redis.url);
}, 60_000);
afterAll(async () => {
  if (process.env.RELAY_TEST_LOG) for (const line of log.records) console.log(JSON.stringify(line));
  probe?.disconnect();
  await relay?.close();
  await sim?.close();
  await redis?.stop();
  await postgres?.stop();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(50);
  }
}
async function stateInPostgres(id: string): Promise<string | undefined> {
  const client = new pg.Client(databaseUrl());
  await client.connect();
  try {
    const rows = await client.query<{ state: string }>('SELECT state FROM callbacks WHERE callback_id = $1', [id]);
    return rows.rows[0]?.state;
  } finally {
    await client.end();
  }
}
const stored = async (id: string) => {
  const raw = await probe.get(`${PREFIX}:cb:${id}`);
  return raw ? QueueCallback.parse(JSON.parse(raw)) : undefined;
};
type Offered = Extract<CallSignal, { type: 'callback_offered' }>;
type ButtonsMessage = Extract<PermissionMessage, { kind: 'buttons' }>;

describe('queue callbacks keep the queue’s business hours, through the relay and real Redis and PostgreSQL', () => {
  it('a Saturday callback waits for Monday, is withdrawn at closing time, and expires after 24 open hours', async () => {
    const customer = '447700900711';
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const offers = () => asha.events.filter((e): e is Offered => e.type === 'callback_offered');
    const withdrawn = () => asha.events.filter((e) => e.type === 'callback_withdrawn').length;
    try {
      asha.client.setStatus('available');
      await until(() => asha.state()?.state === 'available', 'Asha is available');

      // Saturday noon: the queue is closed, the call is turned away with the callback offer, and the customer taps.
      setClock('2026-12-12T12:00:00Z');
      const call = await sim.placeCall({ from: customer });
      await until(() => sim.graph.actionsFor(call.callId).includes('reject:200'), 'the closed queue rejects the call');
      const isOffer = (m: PermissionMessage): m is ButtonsMessage => m.kind === 'buttons' && m.customer === customer;
      await until(() => sim.graph.textMessages.some(isOffer), 'the customer gets the callback offer');
      const offer = sim.graph.textMessages.find(isOffer)!;
      const tapped = buttonReplyWebhook({
        customer,
        phoneNumberId: SECRETS.phoneNumberId,
        buttonId: offer.buttons[0]!.id,
        title: offer.buttons[0]!.title,
        messageId: 'wamid.tap711',
        atMs: clock(),
      });
      expect((await postSignedWebhook(relay.webhookUrl, tapped, SECRETS.appSecret)).status).toBe(200);
      const id = /^cb\.([\w-]+)\.yes$/.exec(offer.buttons[0]!.id)![1]!;
      await until(async () => (await stored(id))?.state === 'waiting', 'the callback waits');
      // 24 hours of open time: Monday's 8.5, Tuesday's 8.5 and Wednesday's first 7 (not Sunday noon, as before).
      expect((await stored(id))!.expiresAtMs).toBe(Date.parse('2026-12-16T16:00:00Z'));

      // Asha is free all weekend, yet nothing is offered while the queue is closed; Sunday night nothing expires.
      await pause(3000);
      setClock('2026-12-13T20:00:00Z');
      await pause(3000);
      expect(offers()).toEqual([]);
      expect((await stored(id))?.state).toBe('waiting');
      expect(await stateInPostgres(id)).toBe('waiting');

      // Monday, half a minute before closing time, the queue is open: the callback is offered to Asha, who takes it.
      setClock('2026-12-14T17:29:30Z');
      await until(() => offers().length === 1, 'Asha is offered the callback once the queue opens');
      expect(offers()[0]).toMatchObject({ callbackId: id, customer, queue: 'Care' });
      await asha.client.request('callback_answer', { callbackId: id, answer: 'accept' });

      // 17:30 comes before she places it (and before her 90 s to place it run out): the callback is withdrawn, waits again without an attempt, and is not placed.
      setClock('2026-12-14T17:30:00Z');
      await until(() => withdrawn() === 1, 'the callback is withdrawn from Asha at closing time');
      expect(await stored(id)).toMatchObject({ state: 'waiting', attempts: 0, passedBy: [] });
      expect((await stored(id))?.agentId).toBeUndefined();
      const sdp = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');
      await expect(asha.client.request('connect', { to: customer, sdp, callbackId: id })).rejects.toThrow(
        /no longer yours/,
      );

      // Tuesday it is hers again; she lets it run out, and Wednesday at 16:00 (24 open hours) it expires.
      setClock('2026-12-15T09:00:00Z');
      await until(() => offers().length === 2, 'Asha is offered the callback again on Tuesday');
      setClock('2026-12-16T16:00:01Z');
      await until(async () => (await stateInPostgres(id)) === 'expired', 'the callback expires after 24 open hours');
      expect(await stored(id)).toBeUndefined();
    } finally {
      asha.client.close();
    }
  }, 90_000);
});
