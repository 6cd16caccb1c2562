import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import type { WhatsAppSim } from '../../../sim/whatsappSim';
import type { CallSignal } from '../../shared/callSignals';
import { TeamQueues } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import { signInTestBoard } from '../board/testBoard';
import type { Relay } from '../relayServer';
import { createTeamStore } from '../team/teamStore';
import { connectTestAgent } from '../testAgent';
import {
  callbackFromTurnedAwayCall,
  callbackOffersTo,
  pause,
  until,
  startCallbackTeam,
  type CallbackTeam,
} from '../testCallbacks';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { deploymentKeyPrefix } from '../relayKeys';

const SECRETS = RELAY_TEST_SECRETS;
const PREFIX = 'cbhold';
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'ring_all',
      ringSeconds: 60,
      agents: { asha: 1, ben: 1, cara: 1, dev: 1 },
      maxWait: { seconds: 10, action: 'callback' },
    },
  ],
});
/** Past the queue's maximum wait of 10 s. */
const WAIT_MS = 11_000;

let floor: CallbackTeam;
let sim: WhatsAppSim;
let relay: Relay;
let probe: Redis;

beforeAll(async () => {
  floor = await startCallbackTeam({ queues: QUEUES, database: 'queue_callbacks_hold', prefix: PREFIX });
  ({ sim, relay, redis: probe } = floor);
}, 60_000);
afterAll(async () => {
  await floor?.close();
});

type Agent = Awaited<ReturnType<typeof connectTestAgent>>;
const rungFor = (agent: Agent, callId: string) =>
  agent.events.some((e) => e.type === 'call_offered' && e.callId === callId);

describe('an agent holding a callback is not free for a queue call, through the relay and real Redis', () => {
  it('rings a colleague, not the agent a callback rings for or who is placing one; placing it frees the hold', async () => {
    const customer = '447700900811';
    const team = createTeamStore(probe, deploymentKeyPrefix(PREFIX));
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const ben = await connectTestAgent('ben', [relay.agentUrl]);
    try {
      // A caller nobody took waits past the queue's maximum and asks to be called back.
      const id = await callbackFromTurnedAwayCall(floor, customer, { waitMs: WAIT_MS, messageId: 'wamid.tap811' });

      // Asha becomes free: the callback rings on her desk, and the team holds her for it (reserved).
      asha.client.setStatus('available');
      await until(() => callbackOffersTo(asha).some((o) => o.callbackId === id), 'Asha is offered the callback');
      await until(() => asha.state()?.state === 'reserved', 'Asha is reserved for the callback');
      // The board says she holds a callback, not that a call rings at her.
      const board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
      const onBoard = (id: string) => board.snapshot()?.agents.find((a) => a.id === id);
      await until(() => onBoard('asha')?.holdingCallback === true, 'the board shows Asha holding a callback');
      expect(onBoard('asha')).toMatchObject({ state: 'reserved', holdingCallback: true });

      // A customer calls while the callback rings at Asha: ring_all rings every free agent, and that is Ben alone.
      ben.client.setStatus('available');
      const second = await sim.placeCall({ from: '447700900812' });
      await until(() => rungFor(ben, second.callId), 'the call rings at Ben');
      // A customer's call ringing is said as ringing.
      await until(() => onBoard('ben')?.state === 'reserved', 'the board shows the call ringing at Ben');
      expect(onBoard('ben')?.holdingCallback).toBeUndefined();
      board.ws.close();
      await pause(1500);
      expect(rungFor(asha, second.callId)).toBe(false);
      expect((await team.agent('asha'))!.reservations).toEqual([`callback:${id}`]);

      // Asha takes the callback: placing it, she is still held; the caller hangs up and another calls.
      await asha.client.request('callback_answer', { callbackId: id, answer: 'accept' });
      await sim.hangUp(second.callId);
      await until(async () => (await team.agent('ben'))?.state === 'available', 'Ben is free again');
      const third = await sim.placeCall({ from: '447700900813' });
      await until(() => rungFor(ben, third.callId), 'the next call rings at Ben');
      await pause(1500);
      expect(rungFor(asha, third.callId)).toBe(false);
      expect(asha.state()?.state).toBe('reserved');

      // She places the callback's call: the hold ends as she is on her call.
      sim.graph.setPermission(customer, 'temporary');
      const sdp = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');
      await asha.client.request('connect', { to: customer, sdp, callbackId: id });
      await until(() => asha.state()?.state === 'on_call', 'Asha is on the callback’s call');
      expect((await team.agent('asha'))!.reservations).toEqual([]);
      expect((await team.call(`callback:${id}`))!.reservations).toMatchObject([
        { agentId: 'asha', purpose: 'callback', status: 'rescinded' },
      ]);
      await sim.hangUp(third.callId);
    } finally {
      asha.client.close();
      ben.client.close();
    }
  }, 90_000);

  it('an agent going not ready lets the callback offered to them go: it rings at the next free agent at once', async () => {
    const customer = '447700900821';
    const team = createTeamStore(probe, deploymentKeyPrefix(PREFIX));
    const cara = await connectTestAgent('cara', [relay.agentUrl]);
    const dev = await connectTestAgent('dev', [relay.agentUrl]);
    try {
      dev.client.setStatus('away');
      cara.client.setStatus('away');
      const id = await callbackFromTurnedAwayCall(floor, customer, { waitMs: WAIT_MS, messageId: 'wamid.tap821' });

      // The callback rings at Cara (for the queue's 60 s); Dev becomes free meanwhile.
      cara.client.setStatus('available');
      await until(() => callbackOffersTo(cara).some((o) => o.callbackId === id), 'Cara is offered the callback');
      dev.client.setStatus('available');
      await until(async () => (await team.agent('dev'))?.state === 'available', 'Dev is free');
      await pause(1500);
      expect(callbackOffersTo(dev).some((o) => o.callbackId === id)).toBe(false);

      // Cara goes not ready: the offer leaves her desk and rings at Dev, long before her 60 s would have run out.
      const awayAtMs = Date.now();
      cara.client.setStatus('away');
      const withdrawn = (e: CallSignal) => e.type === 'callback_withdrawn' && e.callbackId === id;
      await until(() => cara.events.some(withdrawn), 'the offer is withdrawn from Cara');
      await until(() => callbackOffersTo(dev).some((o) => o.callbackId === id), 'the callback rings at Dev');
      expect(Date.now() - awayAtMs).toBeLessThan(30_000);
      expect(await team.agent('cara')).toMatchObject({ state: 'not_ready', reservations: [] });
      await until(async () => (await team.agent('dev'))?.state === 'reserved', 'Dev is held for the callback');
      expect((await team.agent('dev'))!.reservations).toEqual([`callback:${id}`]);
      // Answering Cara's old offer is refused: it is no longer hers.
      await expect(cara.client.request('callback_answer', { callbackId: id, answer: 'accept' })).rejects.toThrow();
    } finally {
      cara.client.close();
      dev.client.close();
    }
  }, 90_000);
});
