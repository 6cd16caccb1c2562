import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import type { WhatsAppSim } from '../../../sim/whatsappSim';
import type { CallSignal } from '../../shared/callSignals';
import { QueueCallback } from '../../shared/queueCallbacks';
import { TeamQueues } from '../../shared/teamQueues';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import {
  callbackIdOf,
  pause,
  tapOffer,
  turnedAway,
  until,
  startCallbackTeam,
  type CallbackTeam,
  type MovableClock,
} from '../testCallbacks';
import { deploymentKeyPrefix } from '../relayKeys';

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

let floor: CallbackTeam;
let sim: WhatsAppSim;
let relay: Relay;
let probe: Redis;
/** The relay's clock, moved to the London day and hour each step chooses. */
let clock: MovableClock;

beforeAll(async () => {
  floor = await startCallbackTeam({ queues: QUEUES, database: 'queue_callback_hours', prefix: PREFIX });
  ({ sim, relay, redis: probe, clock } = floor);
}, 60_000);
afterAll(async () => {
  await floor?.close();
});

const stateInPostgres = async (id: string) =>
  (await floor.team.sql<{ state: string }>('SELECT state FROM callbacks WHERE callback_id = $1', [id]))[0]?.state;
const stored = async (id: string) => {
  const raw = await probe.get(`${deploymentKeyPrefix(PREFIX)}:cb:${id}`);
  return raw ? QueueCallback.parse(JSON.parse(raw)) : undefined;
};
type Offered = Extract<CallSignal, { type: 'callback_offered' }>;

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
      clock.setTo('2026-12-12T12:00:00Z');
      const { call, offer } = await turnedAway(floor, customer);
      expect(sim.graph.actionsFor(call.callId)).toContain('reject:200');
      const tap = { customer, offer, which: 0 as const, messageId: 'wamid.tap711', atMs: clock.now() };
      expect((await tapOffer(relay.webhookUrl, tap)).status).toBe(200);
      const id = callbackIdOf(offer);
      await until(async () => (await stored(id))?.state === 'waiting', 'the callback waits');
      // 24 hours of open time: Monday's 8.5, Tuesday's 8.5 and Wednesday's first 7 (not Sunday noon, as before).
      expect((await stored(id))!.expiresAtMs).toBe(Date.parse('2026-12-16T16:00:00Z'));

      // Asha is free all weekend, yet nothing is offered while the queue is closed; Sunday night nothing expires.
      await pause(3000);
      clock.setTo('2026-12-13T20:00:00Z');
      await pause(3000);
      expect(offers()).toEqual([]);
      expect((await stored(id))?.state).toBe('waiting');
      expect(await stateInPostgres(id)).toBe('waiting');

      // Monday, half a minute before closing time, the queue is open: the callback is offered to Asha, who takes it.
      clock.setTo('2026-12-14T17:29:30Z');
      await until(() => offers().length === 1, 'Asha is offered the callback once the queue opens');
      expect(offers()[0]).toMatchObject({ callbackId: id, customer, queue: 'Care' });
      await asha.client.request('callback_answer', { callbackId: id, answer: 'accept' });

      // 17:30 comes before she places it (and before her 90 s to place it run out): the callback is withdrawn, waits again without an attempt, and is not placed.
      clock.setTo('2026-12-14T17:30:00Z');
      await until(() => withdrawn() === 1, 'the callback is withdrawn from Asha at closing time');
      expect(await stored(id)).toMatchObject({ state: 'waiting', attempts: 0, passedBy: [] });
      expect((await stored(id))?.agentId).toBeUndefined();
      const sdp = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');
      await expect(asha.client.request('connect', { to: customer, sdp, callbackId: id })).rejects.toThrow(
        /no longer yours/,
      );

      // Tuesday it is hers again; she lets it run out, and Wednesday at 16:00 (24 open hours) it expires.
      clock.setTo('2026-12-15T09:00:00Z');
      await until(() => offers().length === 2, 'Asha is offered the callback again on Tuesday');
      clock.setTo('2026-12-16T16:00:01Z');
      await until(async () => (await stateInPostgres(id)) === 'expired', 'the callback expires after 24 open hours');
      expect(await stored(id)).toBeUndefined();
    } finally {
      asha.client.close();
    }
  }, 90_000);
});
