import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import { callStatusWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import type { WhatsAppSim } from '../../../sim/whatsappSim';
import type { CallSignal } from '../../shared/callSignals';
import { TeamQueues } from '../../shared/teamQueues';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import {
  callbackFromTurnedAwayCall,
  until,
  startCallbackTeam,
  type CallbackTeam,
  type MovableClock,
} from '../testCallbacks';
import { RELAY_TEST_SECRETS } from '../testSecrets';

const SECRETS = RELAY_TEST_SECRETS;
const PREFIX = 'cbmetrics';
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'ring_all',
      agents: { asha: 1 },
      maxWait: { seconds: 10, action: 'callback', callback: { keepHours: 1 } },
    },
    { id: 'sales', name: 'Sales', routing: 'ring_all', payloads: ['sales'], agents: { asha: 1 } },
  ],
});

let floor: CallbackTeam;
let sim: WhatsAppSim;
let relay: Relay;
/** The routing clock: moved on to let a caller's wait, then a callback's hour, run out without waiting for them. */
let clock: MovableClock;

beforeAll(async () => {
  floor = await startCallbackTeam({ queues: QUEUES, database: 'queue_callback_metrics', prefix: PREFIX });
  ({ sim, relay, clock } = floor);
}, 60_000);
afterAll(async () => {
  await floor?.close();
});

/** The relay's own /metrics, as series -> value. */
async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`${relay.agentUrl.replace('ws:', 'http:')}metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
const counted = async (queue: string, result: string) =>
  (await scrape()).get(`wa_relay_callbacks_total{queue="${queue}",result="${result}"}`);
const waitingIn = async (queue: string) => (await scrape()).get(`wa_relay_callbacks_waiting{queue="${queue}"}`);

type Offered = Extract<CallSignal, { type: 'callback_offered' }>;

/** A call nobody takes, turned away past the queue's maximum wait; the customer taps yes (0) or no (1) on the offer. */
const turnedAwayAndTapped = (customer: string, which: 0 | 1) =>
  callbackFromTurnedAwayCall(floor, customer, { waitMs: 11_000, which });

describe('callback metrics on the relay’s real /metrics', () => {
  it('counts callbacks by queue and result, and the callbacks waiting now, through real flows', async () => {
    // Every series is there before anything happens, at 0, for each queue.
    await until(async () => (await waitingIn('care')) === 0, 'the waiting gauge is exported (team lease held)');
    for (const result of ['offered', 'accepted', 'declined', 'placed', 'completed', 'failed', 'expired'])
      expect([await counted('care', result), await counted('sales', result)]).toEqual([0, 0]);

    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const offersOf = (id: string) =>
      asha.events.filter((e): e is Offered => e.type === 'callback_offered' && e.callbackId === id).length;
    try {
      asha.client.setStatus('away');
      await until(() => asha.state()?.state === 'not_ready', 'Asha is away');

      // One says no thanks; two say yes and wait.
      await turnedAwayAndTapped('447700900911', 1);
      const waiting = [await turnedAwayAndTapped('447700900912', 0), await turnedAwayAndTapped('447700900913', 0)];
      await until(async () => (await waitingIn('care')) === 2, 'two callbacks wait');
      expect(await counted('care', 'offered')).toBe(3);
      expect(await counted('care', 'declined')).toBe(1);
      expect(await counted('care', 'accepted')).toBe(2);

      // Asha calls back the one offered first (their calls came in the same second: either) and the customer answers.
      asha.client.setStatus('available');
      await until(() => asha.events.some((e) => e.type === 'callback_offered'), 'Asha is offered a callback');
      const first = asha.events.find((e): e is Offered => e.type === 'callback_offered')!;
      const completed = first.callbackId;
      const given = waiting.find((id) => id !== completed)!;
      await asha.client.request('callback_answer', { callbackId: completed, answer: 'accept' });
      sim.graph.setPermission(first.customer, 'temporary');
      const sdp = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');
      const { callId } = await asha.client.request('connect', { to: first.customer, sdp, callbackId: completed });
      const accepted = callStatusWebhook({
        callId,
        customer: first.customer,
        phoneNumberId: SECRETS.phoneNumberId,
        status: 'ACCEPTED',
      });
      await postSignedWebhook(relay.webhookUrl, accepted, SECRETS.appSecret);
      await until(async () => (await counted('care', 'completed')) === 1, 'the completed callback is counted');
      expect(await counted('care', 'placed')).toBe(1);
      expect(await waitingIn('care')).toBe(1);
      await asha.client.request('terminate', { callId });
      await asha.wrapUp(callId);

      // The other: her desk cannot place it three times over, and it is given up.
      for (let attempt = 1; attempt <= 3; attempt += 1) {
        await until(() => offersOf(given) === attempt, `Asha is offered the callback (attempt ${attempt})`);
        await asha.client.request('callback_answer', { callbackId: given, answer: 'accept' });
        await asha.client.request('callback_answer', { callbackId: given, answer: 'not_placed', why: 'call_failed' });
      }
      await until(async () => (await counted('care', 'failed')) === 1, 'the given-up callback is counted');
      expect(await waitingIn('care')).toBe(0);

      // One more waits while Asha is away, and its hour runs out: expired.
      asha.client.setStatus('away');
      await until(() => asha.state()?.state === 'not_ready', 'Asha is away again');
      await turnedAwayAndTapped('447700900914', 0);
      await until(async () => (await waitingIn('care')) === 1, 'the last callback waits');
      clock.moveBy(3600_000);
      await until(async () => (await counted('care', 'expired')) === 1, 'the expired callback is counted');
      expect(await waitingIn('care')).toBe(0);

      const figures = await Promise.all(
        ['offered', 'accepted', 'declined', 'placed', 'completed', 'failed', 'expired'].map((r) => counted('care', r)),
      );
      expect(figures).toEqual([4, 3, 1, 1, 1, 1, 1]);
      expect(await counted('sales', 'offered')).toBe(0);
    } finally {
      asha.client.close();
    }
  }, 120_000);
});
