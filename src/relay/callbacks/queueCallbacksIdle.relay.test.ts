import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueCallback } from '../../shared/queueCallbacks';
import { TeamQueues } from '../../shared/teamQueues';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import {
  callbackIdOf,
  callbackOffersTo,
  tapOffer,
  turnedAway,
  until,
  startCallbackTeam,
  type CallbackTeam,
  type MovableClock,
} from '../testCallbacks';
import { deploymentKeyPrefix } from '../relayKeys';
import { redisCommandsPerSecond } from '../testRedis';

const PREFIX = 'cbidle';
/** London, weekdays 09:00 to 17:30 (in December local time is UTC); closed, it offers a callback. */
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'ring_all',
      ringSeconds: 20,
      agents: { asha: 1 },
      hours: {
        timeZone: 'Europe/London',
        open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:30' }],
        closed: { action: 'callback', callback: { keepHours: 24 } },
      },
    },
  ],
});
const RING_MS = 20_000;
/** How long idle commands are counted: the callbacks' look once per lease (5 s) is seen at least once. */
const IDLE_MS = 10_000;

let floor: CallbackTeam;
let relay: Relay;
let probe: Redis;
let clock: MovableClock;

beforeAll(async () => {
  floor = await startCallbackTeam({ queues: QUEUES, database: 'queue_callback_idle', prefix: PREFIX });
  ({ relay, redis: probe, clock } = floor);
}, 60_000);
afterAll(async () => {
  await floor?.close();
});

const stored = async (id: string) => {
  const raw = await probe.get(`${deploymentKeyPrefix(PREFIX)}:cb:${id}`);
  return raw ? QueueCallback.parse(JSON.parse(raw)) : undefined;
};

/** Commands sent to Redis about callbacks (any of their keys) per second over `ms`; a script counts once. */
async function callbackCommandsPerSecond(ms: number): Promise<number> {
  const callbackKey = new RegExp(`^${deploymentKeyPrefix(PREFIX).replace(/[{}]/g, '\\$&')}:cb[-s:]`);
  return redisCommandsPerSecond(probe, ms, (args) => args.some((arg) => callbackKey.test(arg)));
}

describe('queue callbacks wake at their own time instead of looking every second (real Redis)', () => {
  it('sends almost nothing idle, yet offers a callback waiting for opening time as the queue opens', async () => {
    const customer = '447700900811';
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    try {
      asha.client.setStatus('available');
      await until(() => asha.state()?.state === 'available', 'Asha is available');

      // No callback at all: one look per lease at most (polling each second sent 2 commands a second).
      const idle = await callbackCommandsPerSecond(IDLE_MS);
      expect(idle).toBeLessThan(0.6);

      // Saturday noon: the queue is closed; the customer taps "call me back" and waits for Monday.
      clock.setTo('2026-12-12T12:00:00Z');
      const { offer } = await turnedAway(floor, customer);
      const tap = { customer, offer, which: 0 as const, messageId: 'wamid.tap811', atMs: clock.now() };
      expect((await tapOffer(relay.webhookUrl, tap)).status).toBe(200);
      const id = callbackIdOf(offer);
      await until(async () => (await stored(id))?.state === 'waiting', 'the callback waits');

      // Waiting for Monday costs no more than a look per lease (polling: 3 commands a second).
      const waiting = await callbackCommandsPerSecond(IDLE_MS);
      expect(waiting).toBeLessThan(1);
      expect(callbackOffersTo(asha)).toEqual([]);

      // Monday, two seconds before opening: Asha is offered it as the queue opens, not before, not much later.
      const opensAtMs = Date.parse('2026-12-14T09:00:00Z');
      clock.setTo('2026-12-14T08:59:58Z');
      await until(() => callbackOffersTo(asha).length === 1, 'Asha is offered the callback once the queue opens');
      const offeredAtMs = callbackOffersTo(asha)[0]!.untilMs - RING_MS;
      expect(offeredAtMs).toBeGreaterThanOrEqual(opensAtMs);
      expect(offeredAtMs).toBeLessThan(opensAtMs + 3000);
      console.log(`callbacks idle: ${idle.toFixed(2)} commands/s, one waiting for opening: ${waiting.toFixed(2)}/s`);
    } finally {
      asha.client.close();
    }
  }, 90_000);
});
