import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import { callStatusWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import type { WhatsAppSim } from '../../../sim/whatsappSim';
import { QueueCallback } from '../../shared/queueCallbacks';
import { TeamQueues } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import { signInTestBoard, type TestBoard } from '../board/testBoard';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import {
  callbackFromTurnedAwayCall,
  callbackIdOf,
  callbackOffersTo,
  offeredPassingOthersOn,
  tapOffer,
  turnedAway,
  until,
  startCallbackTeam,
  type CallbackTeam,
} from '../testCallbacks';
import { startRelayProcess } from '../testRelayProcess';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { deploymentKeyPrefix } from '../relayKeys';

const SECRETS = RELAY_TEST_SECRETS;
const PREFIX = 'callbacks';
const WORDS = {
  body: '¿Quiere que le llamemos cuando haya un agente libre?',
  accept: 'Llámenme',
  decline: 'No, gracias',
};
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'ring_all',
      ringSeconds: 20,
      agents: { asha: 1, ben: 1, cleo: 1, dan: 1 },
      maxWait: { seconds: 10, action: 'callback', callback: WORDS },
    },
  ],
});

/** Past the queue's maximum wait of 10 s. */
const WAIT_MS = 11_000;

let floor: CallbackTeam;
let team: CallbackTeam['team'];
let sim: WhatsAppSim;
let relay: Relay;
let probe: Redis;
let board: TestBoard;

beforeAll(async () => {
  floor = await startCallbackTeam({ queues: QUEUES, database: 'queue_callbacks', prefix: PREFIX });
  ({ team, sim, relay, redis: probe } = floor);
  board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
  // The customer reached this number within the window and has call permission (callback permission on).
  sim.setOutbound({ answer: 'no_answer' });
}, 60_000);
afterAll(async () => {
  board?.ws.close();
  await floor?.close();
});

type Agent = Awaited<ReturnType<typeof connectTestAgent>>;
const stored = async (id: string) => {
  const raw = await probe.get(`${deploymentKeyPrefix(PREFIX)}:cb:${id}`);
  return raw ? QueueCallback.parse(JSON.parse(raw)) : undefined;
};
const row = async (id: string) =>
  (
    await team.sql<{ state: string; customer: string; queue: string; attempts: number; placed_call_id: string | null }>(
      'SELECT state, customer, queue, attempts, placed_call_id FROM callbacks WHERE callback_id = $1',
      [id],
    )
  )[0];

async function signedIn(id: string, url: string, status: 'available' | 'away'): Promise<Agent> {
  const agent = await connectTestAgent(id, [url]);
  agent.client.setStatus(status);
  await until(() => (agent.state()?.state === 'available') === (status === 'available'), `${id} is ${status}`);
  return agent;
}

/** What the relay asked of Meta about this call and customer, in order: the action or message type, and the status. */
const graphOrder = (callId: string, customer: string) =>
  sim.graph.requests
    .filter((r) => {
      const body = r.body as { call_id?: string; to?: string };
      return body.call_id === callId || body.to === customer;
    })
    .map(
      (r) =>
        `${(r.body as { type?: string; action?: string }).type ?? (r.body as { action: string }).action}:${r.status}`,
    );

describe('queue callbacks, through the relay, real Redis and PostgreSQL and the simulated Meta', () => {
  it('a caller past the maximum wait taps "call me back": a declined offer goes to the next agent, who calls them', async () => {
    const customer = '447700900611';
    const asha = await signedIn('asha', relay.agentUrl, 'away');
    const ben = await signedIn('ben', relay.agentUrl, 'away');
    try {
      const { call, offer } = await turnedAway(floor, customer, WAIT_MS);
      // The call is ended on WhatsApp first; the offer follows, in the queue's words, as Meta's rules take it (200).
      expect(graphOrder(call.callId, customer)).toEqual(['reject:200', 'interactive:200']);
      expect(offer.body).toBe(WORDS.body);
      expect(offer.buttons.map((b) => b.title)).toEqual([WORDS.accept, WORDS.decline]);

      const tap = { customer, offer, which: 0 as const, messageId: 'wamid.tap611' };
      expect((await tapOffer(relay.webhookUrl, tap)).status).toBe(200);
      const id = callbackIdOf(offer);
      await until(async () => (await stored(id))?.state === 'waiting', 'the callback waits in Redis');
      expect(await stored(id)).toMatchObject({ customer, queueId: 'care', callId: call.callId, attempts: 0 });
      await until(async () => (await row(id))?.state === 'waiting', 'the callback is recorded in PostgreSQL');
      expect(await row(id)).toMatchObject({ customer, queue: 'care', attempts: 0 });
      // The supervisor's board lists it: queue, customer, waiting since the original call, no attempt yet.
      await until(() => (board.snapshot()?.callbacks.length ?? 0) === 1, 'the board lists the callback');
      expect(board.snapshot()!.callbacks[0]).toMatchObject({
        callbackId: id,
        queue: 'care',
        customer,
        attempts: 0,
        state: 'waiting',
      });
      expect(board.snapshot()!.callbacks[0]!.sinceMs).toBeLessThanOrEqual(Date.now());
      // The same tap delivered again by Meta changes nothing.
      expect((await tapOffer(relay.webhookUrl, tap)).status).toBe(200);

      // Ben is free first: the callback is offered to him; he passes it on, and Asha, free now, is offered it.
      ben.client.setStatus('available');
      await until(() => callbackOffersTo(ben).length === 1, 'Ben is offered the callback');
      expect(callbackOffersTo(ben)[0]).toMatchObject({ callbackId: id, customer, queue: 'Care', attempts: 0 });
      asha.client.setStatus('available');
      await ben.client.request('callback_answer', { callbackId: id, answer: 'decline' });
      await until(() => callbackOffersTo(asha).length === 1, 'Asha is offered the callback Ben declined');
      await expect(ben.client.request('callback_answer', { callbackId: id, answer: 'accept' })).rejects.toThrow(
        /no longer yours/,
      );
      // Asha passes it too: every free agent of Care has, so it comes round again, to Ben who passed it first, then
      // to Asha; the customer is not left waiting for an agent who will never be asked.
      await asha.client.request('callback_answer', { callbackId: id, answer: 'decline' });
      await until(() => callbackOffersTo(ben).length === 2, 'the callback comes round to Ben again');
      expect(callbackOffersTo(ben)[1]).toMatchObject({ callbackId: id, customer });
      await ben.client.request('callback_answer', { callbackId: id, answer: 'decline' });
      await until(() => callbackOffersTo(asha).length === 2, 'and to Asha after him');
      expect(await asha.client.request('callback_answer', { callbackId: id, answer: 'accept' })).toEqual({ customer });
      expect((await stored(id))?.state).toBe('calling');

      // A colleague cannot place it; Asha places it from her desk through the ordinary outbound path.
      const sdp = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');
      await expect(ben.client.request('connect', { to: customer, sdp, callbackId: id })).rejects.toThrow(
        /no longer yours/,
      );
      sim.graph.setPermission(customer, 'temporary');
      const { callId } = await asha.client.request('connect', { to: customer, sdp, callbackId: id });
      const connect = sim.graph.requests.find(
        (r) => (r.body as { action?: string }).action === 'connect' && r.status === 200,
      );
      expect(connect?.body).toMatchObject({ to: customer, action: 'connect' });
      await until(async () => (await stored(id))?.placedCallId === callId, 'the callback knows its call');

      // The customer answers: the callback is done, gone from Redis, completed in PostgreSQL.
      await postSignedWebhook(
        relay.webhookUrl,
        callStatusWebhook({ callId, customer, phoneNumberId: SECRETS.phoneNumberId, status: 'ACCEPTED' }),
        SECRETS.appSecret,
      );
      await until(async () => (await row(id))?.state === 'completed', 'the callback is completed');
      expect(await stored(id)).toBeUndefined();
      expect(await row(id)).toMatchObject({ placed_call_id: callId, attempts: 0 });
      await until(() => board.snapshot()?.callbacksToday?.completed === 1, 'the board counts it completed');
      expect(board.snapshot()!.callbacksToday).toEqual({ offered: 1, accepted: 1, completed: 1 });
      expect(board.snapshot()!.callbacks).toEqual([]);
    } finally {
      asha.client.close();
      ben.client.close();
    }
  }, 90_000);

  it('an instance killed between the customer’s tap and the offer: another instance offers the callback', async () => {
    const customer = '447700900612';
    // Cleo, not Asha: Asha is still on the call she placed in the test before.
    const cleo = await signedIn('cleo', relay.agentUrl, 'away');
    const other = await startRelayProcess(team.instanceOptions());
    try {
      const { offer } = await turnedAway(floor, customer, WAIT_MS);
      // Meta delivers the tap to the other instance, which then dies before any agent is free.
      const tap = { customer, offer, which: 0 as const, messageId: 'wamid.tap612' };
      expect((await tapOffer(other.webhookUrl, tap)).status).toBe(200);
      await other.kill();
      const id = callbackIdOf(offer);
      expect((await stored(id))?.state).toBe('waiting');
      cleo.client.setStatus('available');
      await until(() => callbackOffersTo(cleo).some((o) => o.callbackId === id), 'Cleo is offered the callback');
      expect(callbackOffersTo(cleo).find((o) => o.callbackId === id)).toMatchObject({ customer, attempts: 0 });
    } finally {
      await other.kill();
      cleo.client.close();
    }
  }, 120_000);

  it('a tap by someone else, or on "no thanks", puts nobody in the callbacks', async () => {
    const customer = '447700900613';
    const { offer } = await turnedAway(floor, customer, WAIT_MS);
    const id = callbackIdOf(offer);
    const someoneElse = { customer: '447700900999', offer, which: 0 as const, messageId: 'wamid.tap613a' };
    expect((await tapOffer(relay.webhookUrl, someoneElse)).status).toBe(200);
    const noThanks = { customer, offer, which: 1 as const, messageId: 'wamid.tap613b' };
    expect((await tapOffer(relay.webhookUrl, noThanks)).status).toBe(200);
    await until(async () => (await row(id))?.state === 'declined', 'the customer’s "no thanks" is recorded');
    expect(await stored(id)).toBeUndefined();
  }, 60_000);
  it('WhatsApp’s ACCEPTED overtaking its reply to connect still completes the callback', async () => {
    const customer = '447700900615';
    const dan = await signedIn('dan', relay.agentUrl, 'away');
    try {
      const id = await callbackFromTurnedAwayCall(floor, customer, { waitMs: WAIT_MS, messageId: 'wamid.tap615' });
      dan.client.setStatus('available');
      // Cleo's callback of the test before (her desk closed while it was offered) is older: Dan passes it on.
      await offeredPassingOthersOn(dan, id);
      await dan.client.request('callback_answer', { callbackId: id, answer: 'accept' });
      sim.graph.setPermission(customer, 'temporary');
      sim.graph.setConnectReplyDelay(400);
      const off = sim.graph.onAction((action, call) => {
        if (action !== 'connect') return;
        const status = callStatusWebhook({
          callId: call.id,
          customer,
          phoneNumberId: SECRETS.phoneNumberId,
          status: 'ACCEPTED',
        });
        void postSignedWebhook(relay.webhookUrl, status, SECRETS.appSecret);
      });
      try {
        const sdp = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');
        await dan.client.request('connect', { to: customer, sdp, callbackId: id });
      } finally {
        off();
        sim.graph.setConnectReplyDelay(0);
      }
      await until(async () => (await row(id))?.state === 'completed', 'the callback is completed');
      expect(await stored(id)).toBeUndefined();
    } finally {
      dan.client.close();
    }
  }, 60_000);

  it('an admin’s erasure of the customer takes their callback away, from Redis, PostgreSQL, the board and the agent it rang for', async () => {
    const customer = '447700900614';
    const id = await callbackFromTurnedAwayCall(floor, customer, { waitMs: WAIT_MS, messageId: 'wamid.tap614' });
    await until(async () => (await row(id))?.state === 'waiting', 'the callback is recorded');
    await until(() => board.snapshot()?.callbacks.some((c) => c.callbackId === id) === true, 'the board lists it');
    // It rings for Ben (free: Asha and Dan are on the calls they placed; he passes on Cleo's older one if it still
    // waits), which holds him on the team.
    const ben = await signedIn('ben', relay.agentUrl, 'away');
    ben.client.setStatus('available');
    await offeredPassingOthersOn(ben, id);
    await until(() => ben.state()?.state === 'reserved', 'Ben is held for the callback');
    const erased = await fetch(`${team.httpOf(relay)}/board/api/customer-data`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' })}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ customer, action: 'erase' }),
    });
    expect(erased.status).toBe(200);
    expect(await stored(id)).toBeUndefined();
    expect(await row(id)).toBeUndefined();
    await until(() => board.snapshot()?.callbacks.every((c) => c.callbackId !== id) === true, 'the board drops it');
    // The offer leaves Ben's desk at once, and he is free again.
    await until(
      () => ben.events.some((e) => e.type === 'callback_withdrawn' && e.callbackId === id),
      'Ben’s desk hears the callback withdrawn',
      5000,
    );
    await until(() => ben.state()?.state === 'available', 'Ben is free again', 5000);
    ben.client.close();
  }, 60_000);
});
