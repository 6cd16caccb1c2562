import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../../fixtures/load';
import { buttonReplyWebhook } from '../../../sim/buttonReplyWebhook';
import type { PermissionMessage } from '../../../sim/messageRules';
import { callStatusWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import type { WhatsAppSim } from '../../../sim/whatsappSim';
import type { CallSignal } from '../../shared/callSignals';
import { QueueCallback } from '../../shared/queueCallbacks';
import { TeamQueues } from '../../shared/teamQueues';
import { relayKeys } from '../relayKeys';
import { issueSupervisorToken } from '../agentTokens';
import { signInTestBoard, type TestBoard } from '../board/testBoard';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startRelayProcess } from '../testRelayProcess';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { startTestTeamRelays, type TestTeamRelays } from '../testTeamRelays';

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

let team: TestTeamRelays & { sim: WhatsAppSim };
let sim: WhatsAppSim;
let relay: Relay;
let probe: Redis;
let board: TestBoard;
/** The routing clock: moved on to let a caller's wait run out without waiting for it. */
let shiftMs = 0;

beforeAll(async () => {
  team = await startTestTeamRelays({
    count: 1,
    queues: QUEUES,
    database: 'queue_callbacks',
    prefix: PREFIX,
    whatsapp: true,
    routingClock: () => Date.now() + shiftMs,
  });
  ({ sim } = team);
  [relay] = team.relays as [Relay];
  probe = new Redis(team.redis.url);
  board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
  // The customer reached this number within the window and has call permission (callback permission on).
  sim.setOutbound({ answer: 'no_answer' });
}, 60_000);
afterAll(async () => {
  if (process.env.RELAY_TEST_LOG) for (const line of team?.logs[0]?.records ?? []) console.log(JSON.stringify(line));
  board?.ws.close();
  probe?.disconnect();
  await team?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(50);
  }
}
type ButtonsMessage = Extract<PermissionMessage, { kind: 'buttons' }>;
const buttonsTo = (customer: string) =>
  sim.graph.textMessages.filter((m): m is ButtonsMessage => m.kind === 'buttons' && m.customer === customer);
type Agent = Awaited<ReturnType<typeof connectTestAgent>>;
type Offered = Extract<CallSignal, { type: 'callback_offered' }>;
const offersTo = (agent: Agent) => agent.events.filter((e): e is Offered => e.type === 'callback_offered');
const stored = async (id: string) => {
  const raw = await probe.get(`${PREFIX}:cb:${id}`);
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

/** A call nobody takes, turned away past the queue's maximum wait; returns the callback offer the customer got. */
async function turnedAwayWithOffer(customer: string) {
  const call = await sim.placeCall({ from: customer });
  await until(async () => (await probe.exists(relayKeys(PREFIX).route(call.callId))) === 1, 'the call waits');
  shiftMs += 11_000;
  await until(() => sim.graph.actionsFor(call.callId).includes('reject:200'), 'the call is rejected at Meta');
  await until(() => buttonsTo(customer).length === 1, 'the customer gets the callback offer');
  const order = sim.graph.requests
    .filter((r) => {
      const body = r.body as { call_id?: string; to?: string };
      return body.call_id === call.callId || body.to === customer;
    })
    .map(
      (r) =>
        `${(r.body as { type?: string; action?: string }).type ?? (r.body as { action: string }).action}:${r.status}`,
    );
  return { call, offer: buttonsTo(customer)[0]!, order };
}
/** Waits until the agent is offered this callback, passing on older ones earlier tests left waiting. */
async function offeredPassingOthersOn(agent: Agent, callbackId: string): Promise<void> {
  const passed = new Set<string>();
  await until(async () => {
    for (const other of offersTo(agent).filter((o) => o.callbackId !== callbackId && !passed.has(o.callbackId))) {
      passed.add(other.callbackId);
      await agent.client.request('callback_answer', { callbackId: other.callbackId, answer: 'decline' });
    }
    return offersTo(agent).some((o) => o.callbackId === callbackId);
  }, `${agent.id} is offered the callback`);
}
const tap = (url: string, customer: string, offer: ButtonsMessage, which: 0 | 1, messageId: string) =>
  postSignedWebhook(
    url,
    buttonReplyWebhook({
      customer,
      phoneNumberId: SECRETS.phoneNumberId,
      buttonId: offer.buttons[which]!.id,
      title: offer.buttons[which]!.title,
      messageId,
    }),
    SECRETS.appSecret,
  );

describe('queue callbacks, through the relay, real Redis and PostgreSQL and the simulated Meta', () => {
  it('a caller past the maximum wait taps "call me back": a declined offer goes to the next agent, who calls them', async () => {
    const customer = '447700900611';
    const asha = await signedIn('asha', relay.agentUrl, 'away');
    const ben = await signedIn('ben', relay.agentUrl, 'away');
    try {
      const { call, offer, order } = await turnedAwayWithOffer(customer);
      // The call is ended on WhatsApp first; the offer follows, in the queue's words, as Meta's rules take it (200).
      expect(order).toEqual(['reject:200', 'interactive:200']);
      expect(offer.body).toBe(WORDS.body);
      expect(offer.buttons.map((b) => b.title)).toEqual([WORDS.accept, WORDS.decline]);

      expect((await tap(relay.webhookUrl, customer, offer, 0, 'wamid.tap611')).status).toBe(200);
      const id = /^cb\.([\w-]+)\.yes$/.exec(offer.buttons[0]!.id)![1]!;
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
      expect((await tap(relay.webhookUrl, customer, offer, 0, 'wamid.tap611')).status).toBe(200);

      // Ben is free first: the callback is offered to him; he passes it on, and Asha, free now, is offered it.
      ben.client.setStatus('available');
      await until(() => offersTo(ben).length === 1, 'Ben is offered the callback');
      expect(offersTo(ben)[0]).toMatchObject({ callbackId: id, customer, queue: 'Care', attempts: 0 });
      asha.client.setStatus('available');
      await ben.client.request('callback_answer', { callbackId: id, answer: 'decline' });
      await until(() => offersTo(asha).length === 1, 'Asha is offered the callback Ben declined');
      await expect(ben.client.request('callback_answer', { callbackId: id, answer: 'accept' })).rejects.toThrow(
        /no longer yours/,
      );
      // Asha passes it too: every free agent of Care has, so it comes round again, to Ben who passed it first, then
      // to Asha; the customer is not left waiting for an agent who will never be asked.
      await asha.client.request('callback_answer', { callbackId: id, answer: 'decline' });
      await until(() => offersTo(ben).length === 2, 'the callback comes round to Ben again');
      expect(offersTo(ben)[1]).toMatchObject({ callbackId: id, customer });
      await ben.client.request('callback_answer', { callbackId: id, answer: 'decline' });
      await until(() => offersTo(asha).length === 2, 'and to Asha after him');
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
      const { offer } = await turnedAwayWithOffer(customer);
      // Meta delivers the tap to the other instance, which then dies before any agent is free.
      expect((await tap(other.webhookUrl, customer, offer, 0, 'wamid.tap612')).status).toBe(200);
      await other.kill();
      const id = /^cb\.([\w-]+)\.yes$/.exec(offer.buttons[0]!.id)![1]!;
      expect((await stored(id))?.state).toBe('waiting');
      cleo.client.setStatus('available');
      await until(() => offersTo(cleo).some((o) => o.callbackId === id), 'Cleo is offered the callback');
      expect(offersTo(cleo).find((o) => o.callbackId === id)).toMatchObject({ customer, attempts: 0 });
    } finally {
      await other.kill();
      cleo.client.close();
    }
  }, 120_000);

  it('a tap by someone else, or on "no thanks", puts nobody in the callbacks', async () => {
    const customer = '447700900613';
    const { offer } = await turnedAwayWithOffer(customer);
    const id = /^cb\.([\w-]+)\.yes$/.exec(offer.buttons[0]!.id)![1]!;
    expect((await tap(relay.webhookUrl, '447700900999', offer, 0, 'wamid.tap613a')).status).toBe(200);
    expect((await tap(relay.webhookUrl, customer, offer, 1, 'wamid.tap613b')).status).toBe(200);
    await until(async () => (await row(id))?.state === 'declined', 'the customer’s "no thanks" is recorded');
    expect(await stored(id)).toBeUndefined();
  }, 60_000);
  it('WhatsApp’s ACCEPTED overtaking its reply to connect still completes the callback', async () => {
    const customer = '447700900615';
    const dan = await signedIn('dan', relay.agentUrl, 'away');
    try {
      const { offer } = await turnedAwayWithOffer(customer);
      const id = /^cb\.([\w-]+)\.yes$/.exec(offer.buttons[0]!.id)![1]!;
      expect((await tap(relay.webhookUrl, customer, offer, 0, 'wamid.tap615')).status).toBe(200);
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
    const { offer } = await turnedAwayWithOffer(customer);
    const id = /^cb\.([\w-]+)\.yes$/.exec(offer.buttons[0]!.id)![1]!;
    expect((await tap(relay.webhookUrl, customer, offer, 0, 'wamid.tap614')).status).toBe(200);
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
    // The callback is gone from under Ben's hold: the relay finds the hold left over and frees him.
    await until(() => ben.state()?.state === 'available', 'Ben is free again', 30_000);
    ben.client.close();
  }, 60_000);
});
