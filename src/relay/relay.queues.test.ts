import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../sim/webhookSender';
import { TeamQueues, type TeamQueuesInput } from '../shared/teamQueues';
import { createMemoryLogger } from '../whatsapp/logger';
import { startRelay, type Relay } from './relayServer';
import { startTestRedis } from './testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from './testSecrets';
import { connectTestAgent } from './testAgent';

const SECRETS = RELAY_TEST_SECRETS;

let redis: Awaited<ReturnType<typeof startTestRedis>>;
/** Reads what the relays keep, as the board and the team model see it. */
let reader: Redis;
let graph: GraphApiSim;
let relays: Relay[] = [];
let clients: Array<{ close(): void }> = [];
let testNo = 0;
/** How far the routing clock is ahead of real time, in the relays of the current test. */
let skewMs = 0;

/** A second WhatsApp Business account's number on the same relay, with its own token. */
const SALES_NUMBER = { phoneNumberId: '222333', accessToken: 'EAAGsalesLineToken000000001', name: 'Sales line' };

const QUEUES: TeamQueuesInput = {
  defaultQueue: 'support',
  repeatCallerMinutes: 30,
  queues: [
    {
      id: 'support',
      name: 'Support',
      ringSeconds: 5,
      overflowSeconds: 60,
      fallback: 'sales',
      agents: { cy: 9, ana: 5, ben: 5 },
    },
    {
      id: 'sales',
      name: 'Sales',
      routing: 'ring_all',
      payloads: ['buy-now'],
      phoneNumberIds: [SALES_NUMBER.phoneNumberId],
      agents: { dee: 3 },
    },
    // Call waiting: Wes, already on a call, may get a second one here (never in the queue below).
    { id: 'waiting', name: 'Waiting', payloads: ['wait'], callWaiting: true, agents: { wes: 5 } },
    { id: 'no-waiting', name: 'No waiting', payloads: ['no-wait'], agents: { wes: 5 } },
    // Zed serves two queues: when he is free again, the caller waiting longest rings first, whichever queue.
    { id: 'zed-first', name: 'Zed first', payloads: ['zed-first'], agents: { zed: 5 } },
    { id: 'zed-second', name: 'Zed second', payloads: ['zed-second'], agents: { zed: 5 } },
    {
      id: 'waiting-all',
      name: 'Waiting, ring all',
      routing: 'ring_all',
      payloads: ['wait-all'],
      callWaiting: true,
      agents: { ria: 5, sol: 5, tam: 5 },
    },
    // A maximum wait: a call everyone declined waits for it, then the queue's message ends it.
    {
      id: 'declined-waits',
      name: 'Declined waits',
      ringSeconds: 5,
      payloads: ['declined-waits'],
      maxWait: { seconds: 30, action: 'message', message: 'Sorry, nobody could take your call.' },
      agents: { kai: 5, lee: 5 },
    },
    // Everyone at once, as the demo's Support: a ring that nobody answers ends after the ring time.
    {
      id: 'ring-out',
      name: 'Ring out',
      routing: 'ring_all',
      ringSeconds: 5,
      overflowSeconds: 60,
      payloads: ['ring-out'],
      agents: { ivy: 5, jon: 5 },
    },
  ],
};

beforeAll(async () => {
  redis = await startTestRedis();
  reader = new Redis(redis.url);
  graph = await startGraphApiSim({
    accessToken: SECRETS.accessToken,
    phoneNumberId: SECRETS.phoneNumberId,
    otherNumbers: { [SALES_NUMBER.phoneNumberId]: SALES_NUMBER.accessToken },
  });
});
afterAll(async () => {
  reader.disconnect();
  await graph.close();
  await redis.stop();
});
afterEach(async () => {
  for (const c of clients) c.close();
  for (const r of relays) await r.close();
  clients = [];
  relays = [];
  skewMs = 0;
});

async function startRelays(count: number): Promise<Relay[]> {
  testNo += 1;
  const started: Relay[] = [];
  for (let i = 0; i < count; i += 1) {
    started.push(
      await startRelay({
        ...SECRETS,
        redisUrl: redis.url,
        graphBaseUrl: graph.baseUrl,
        logger: createMemoryLogger(),
        prefix: `q${testNo}`,
        queues: TeamQueues.parse(QUEUES),
        routingClock: () => Date.now() + skewMs,
        phoneNumberName: 'Support line',
        extraNumbers: [SALES_NUMBER],
      }),
    );
  }
  relays.push(...started);
  return started;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function agent(id: string, urls: string[]) {
  const desk = await connectTestAgent(id, urls);
  clients.push(desk.client);
  // Signed in one after another, so the first is idle longest.
  await pause(15);
  return desk;
}
type Agent = Awaited<ReturnType<typeof agent>>;

let callNo = 0;
async function offerCall(
  relay: Relay,
  from = '447700900123',
  ctaPayload?: string,
  phoneNumberId = SECRETS.phoneNumberId,
): Promise<string> {
  callNo += 1;
  const callId = `wacid.queue${testNo}.${callNo}`;
  graph.offerCall(callId);
  const body = connectWebhook({ callId, from, phoneNumberId, sdpOffer: 'v=0\r\n', ctaPayload });
  expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
  return callId;
}

async function until(check: () => boolean, ms = 4000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await pause(10);
  }
}
const rang = (a: Agent, callId: string) => a.events.some((e) => e.type === 'call_offered' && e.callId === callId);
const passedOn = (a: Agent, callId: string) => a.events.some((e) => e.type === 'call_passed_on' && e.callId === callId);
/** Why the ring ended, as the desk is told: undefined when it ran out (or never ended). */
const passedOnBecause = (a: Agent, callId: string) => {
  const passed = a.events.find((e) => e.type === 'call_passed_on' && e.callId === callId);
  return passed?.type === 'call_passed_on' ? passed.because : undefined;
};
/** How long the caller had waited in the queue when the relay rang this agent, as the offer says. */
const waitedAtRing = (a: Agent, callId: string) => {
  const offer = a.events.find((e) => e.type === 'call_offered' && e.callId === callId);
  return offer?.type === 'call_offered' ? offer.waitedMs : undefined;
};
const ringing = (team: Agent[], callId: string) =>
  team.filter((a) => rang(a, callId) && !passedOn(a, callId)).map((a) => a.id);
const timesRung = (a: Agent, callId: string) =>
  a.events.filter((e) => e.type === 'call_offered' && e.callId === callId).length;
/** Whom the board shows the call ringing at: those it was offered to and who did not decline it. */
async function boardRingingAt(callId: string): Promise<string[]> {
  const [offered, declined] = await Promise.all([
    reader.smembers(`{q${testNo}}:offered:${callId}`),
    reader.smembers(`{q${testNo}}:declined:${callId}`),
  ]);
  return offered.filter((a) => !declined.includes(a)).sort();
}
/** How each of the call's rings ended in the team model (pending while it rings), agent by agent. */
async function ringsOf(callId: string): Promise<Array<[string, string]>> {
  const raw = await reader.get(`{q${testNo}}:team:call:${callId}`);
  const call = JSON.parse(raw ?? '{"reservations":[]}') as { reservations: Array<{ agentId: string; status: string }> };
  return call.reservations.map((r) => [r.agentId, r.status]);
}

describe('queues with skills on the team relay', () => {
  it('rings the most skilled agent alone, skips them after the ring time, then the longest idle; the skipped agent can no longer answer', async () => {
    const [a, b] = await startRelays(2);
    const cy = await agent('cy', [a!.agentUrl]);
    const ben = await agent('ben', [b!.agentUrl]);
    const ana = await agent('ana', [a!.agentUrl]);
    const eve = await agent('eve', [b!.agentUrl]);
    const team = [cy, ben, ana, eve];
    const callId = await offerCall(b!);
    await until(() => rang(cy, callId));
    const offer = cy.events.find((e) => e.type === 'call_offered');
    expect(offer).toMatchObject({ queue: 'Support' });
    expect(ringing(team, callId)).toEqual(['cy']);

    // Nobody answers for 5 s: the call moves on, in real time.
    const started = Date.now();
    await until(() => rang(ben, callId), 8000);
    expect(Date.now() - started).toBeGreaterThan(4000);
    expect(passedOn(cy, callId)).toBe(true);
    expect(ringing(team, callId)).toEqual(['ben']);
    await expect(cy.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP })).rejects.toThrow(
      'not offered to you',
    );
    await ben.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
    expect(graph.actionsFor(callId)).toEqual(['pre_accept:200']);
    // eve serves no queue: never offered anything.
    expect(eve.events.filter((e) => e.type === 'call_offered')).toEqual([]);
  });

  it('a call from a call button with a queue’s payload rings that queue; busy and away agents are not offered calls', async () => {
    const [a] = await startRelays(1);
    const cy = await agent('cy', [a!.agentUrl]);
    const dee = await agent('dee', [a!.agentUrl]);
    const ana = await agent('ana', [a!.agentUrl]);
    cy.client.setStatus('busy');
    ana.client.setStatus('away');
    await pause(100);
    const sale = await offerCall(a!, '447700900555', 'buy-now');
    await until(() => rang(dee, sale));
    expect(dee.events.find((e) => e.type === 'call_offered')).toMatchObject({ queue: 'Sales' });
    const support = await offerCall(a!);
    await pause(400);
    // The only free Support agents are busy or away: the call waits in the queue.
    expect([rang(cy, support), rang(ana, support), rang(dee, support)]).toEqual([false, false, false]);
    ana.client.setStatus('available');
    await until(() => rang(ana, support), 3000);
  });

  it('several numbers on one relay: a call to the sales number goes to its queue, names the line, and is answered with that number’s token; an unknown number is ignored', async () => {
    const [a] = await startRelays(1);
    const cy = await agent('cy', [a!.agentUrl]);
    const dee = await agent('dee', [a!.agentUrl]);
    const sale = await offerCall(a!, '447700900444', undefined, SALES_NUMBER.phoneNumberId);
    await until(() => rang(dee, sale));
    expect(dee.events.find((e) => e.type === 'call_offered' && e.callId === sale)).toMatchObject({
      queue: 'Sales',
      line: 'Sales line',
      phoneNumberId: SALES_NUMBER.phoneNumberId,
    });
    expect(rang(cy, sale)).toBe(false);
    await dee.client.request('pre_accept', { callId: sale, sdp: TEST_ANSWER_SDP });
    await dee.client.request('accept', { callId: sale, sdp: TEST_ANSWER_SDP });
    const used = graph.requests.filter((r) => JSON.stringify(r.body ?? '').includes(sale));
    expect(used.map((r) => [r.path.split('/')[2], r.authorization, r.status])).toEqual([
      [SALES_NUMBER.phoneNumberId, `Bearer ${SALES_NUMBER.accessToken}`, 200],
      [SALES_NUMBER.phoneNumberId, `Bearer ${SALES_NUMBER.accessToken}`, 200],
    ]);
    const support = await offerCall(a!, '447700900445');
    await until(() => rang(cy, support));
    expect(cy.events.find((e) => e.type === 'call_offered' && e.callId === support)).toMatchObject({
      line: 'Support line',
    });
    const stranger = await offerCall(a!, '447700900446', undefined, '999999');
    await pause(300);
    expect([rang(cy, stranger), rang(dee, stranger)]).toEqual([false, false]);
  });

  it('overflow: after the queue’s wait every free agent of it rings; later the fallback queue’s too', async () => {
    const [a] = await startRelays(1);
    const cy = await agent('cy', [a!.agentUrl]);
    const ben = await agent('ben', [a!.agentUrl]);
    const ana = await agent('ana', [a!.agentUrl]);
    const dee = await agent('dee', [a!.agentUrl]);
    const team = [cy, ben, ana, dee];
    const callId = await offerCall(a!);
    await until(() => rang(cy, callId));
    skewMs = 60_000;
    await until(() => ringing(team, callId).length === 3);
    expect(ringing(team, callId).sort()).toEqual(['ana', 'ben', 'cy']);
    // Each ring says how long the caller has waited in the queue: nothing at the first, the queue's wait at overflow.
    expect(waitedAtRing(cy, callId)).toBeLessThan(2000);
    expect(waitedAtRing(ana, callId)).toBeGreaterThanOrEqual(60_000);
    expect(waitedAtRing(ana, callId)).toBeLessThan(62_000);
    skewMs = 120_000;
    await until(() => rang(dee, callId));
    await dee.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
    await until(() => [cy, ben, ana].every((x) => x.events.some((e) => e.type === 'call_taken')));
  });

  it('call waiting: where the queue allows it, a call rings at an agent already on one call, never on two; elsewhere never', async () => {
    const [a] = await startRelays(1);
    const wes = await agent('wes', [a!.agentUrl]);
    const first = await offerCall(a!, '447700900301', 'wait');
    await until(() => rang(wes, first));
    await wes.client.request('pre_accept', { callId: first, sdp: TEST_ANSWER_SDP });
    await wes.client.request('accept', { callId: first, sdp: TEST_ANSWER_SDP });
    await until(() => wes.state()?.state === 'on_call');

    // A queue without call waiting does not ring Wes while he talks.
    const elsewhere = await offerCall(a!, '447700900302', 'no-wait');
    const waiting = await offerCall(a!, '447700900303', 'wait');
    await until(() => rang(wes, waiting));
    expect(wes.state()?.state).toBe('on_call');
    await wes.client.request('pre_accept', { callId: waiting, sdp: TEST_ANSWER_SDP });
    await wes.client.request('accept', { callId: waiting, sdp: TEST_ANSWER_SDP });

    // On two calls, nothing more rings at him, from either queue.
    const third = await offerCall(a!, '447700900304', 'wait');
    await pause(1500);
    expect(rang(wes, third)).toBe(false);
    expect(rang(wes, elsewhere)).toBe(false);

    // One call ends and he writes it up: the waiting queue's call rings at him again, the other queue's still does not.
    await wes.client.request('terminate', { callId: first });
    await pause(500);
    expect(rang(wes, third)).toBe(false);
    await wes.wrapUp(first);
    await until(() => rang(wes, third));
    await pause(500);
    expect(rang(wes, elsewhere)).toBe(false);
  });

  it('call waiting never rings an agent who just answered while colleagues who were ringing are free again', async () => {
    const [a] = await startRelays(1);
    const team = [
      await agent('ria', [a!.agentUrl]),
      await agent('sol', [a!.agentUrl]),
      await agent('tam', [a!.agentUrl]),
    ];
    const [ria] = team as [Agent, Agent, Agent];
    const first = await offerCall(a!, '447700900401', 'wait-all');
    const second = await offerCall(a!, '447700900402', 'wait-all');
    await until(() => team.every((t) => rang(t, first)));
    await ria.client.request('pre_accept', { callId: first, sdp: TEST_ANSWER_SDP });
    await ria.client.request('accept', { callId: first, sdp: TEST_ANSWER_SDP });
    // The second call rings the two colleagues the first call let go, not Ria on her call.
    await until(() => ringing(team, second).length === 2);
    await pause(1000);
    expect(ringing(team, second).sort()).toEqual(['sol', 'tam']);
    expect(rang(ria, second)).toBe(false);
  });

  it('an agent who serves two queues and is free again rings first for the caller who waited longest', async () => {
    const [a] = await startRelays(1);
    const zed = await agent('zed', [a!.agentUrl]);
    const busy = await offerCall(a!, '447700900501', 'zed-first');
    await until(() => rang(zed, busy));
    await zed.client.request('pre_accept', { callId: busy, sdp: TEST_ANSWER_SDP });
    await zed.client.request('accept', { callId: busy, sdp: TEST_ANSWER_SDP });
    // Two callers wait, in two queues: the first 2 s before the second.
    const older = await offerCall(a!, '447700900502', 'zed-first');
    await pause(2000);
    const newer = await offerCall(a!, '447700900503', 'zed-second');
    await pause(1000);
    await zed.client.request('terminate', { callId: busy });
    await zed.wrapUp(busy);
    await until(() => rang(zed, older) || rang(zed, newer), 8000);
    expect(rang(zed, older)).toBe(true);
    expect(rang(zed, newer)).toBe(false);
    // Zed's card can tell him the caller has waited 3 s and more, not only since his ring began.
    expect(waitedAtRing(zed, older)).toBeGreaterThanOrEqual(3000);
  }, 30_000);

  it('a customer calling again rings first at the agent who last spoke to them', async () => {
    const [a] = await startRelays(1);
    const cy = await agent('cy', [a!.agentUrl]);
    const ana = await agent('ana', [a!.agentUrl]);
    const first = await offerCall(a!, '447700900777');
    await until(() => rang(cy, first));
    await cy.client.request('reject', { callId: first });
    await until(() => rang(ana, first));
    await ana.client.request('pre_accept', { callId: first, sdp: TEST_ANSWER_SDP });
    await ana.client.request('accept', { callId: first, sdp: TEST_ANSWER_SDP });
    await ana.client.request('terminate', { callId: first });
    await ana.wrapUp(first);
    const again = await offerCall(a!, '447700900777');
    await until(() => rang(ana, again));
    expect(rang(cy, again)).toBe(false);
    // Another customer still goes to the most skilled agent.
    const other = await offerCall(a!, '447700900888');
    await until(() => rang(cy, other));
  });

  it('the call goes on being routed when the instance that took it dies', async () => {
    const [a, b] = await startRelays(2);
    const cy = await agent('cy', [b!.agentUrl]);
    const ben = await agent('ben', [b!.agentUrl]);
    const callId = await offerCall(a!);
    await until(() => rang(cy, callId));
    await a!.close();
    relays = relays.filter((r) => r !== a);
    // The surviving instance carries on: after cy's ring time, ben rings.
    await until(() => rang(ben, callId), 9000);
    expect(passedOn(cy, callId)).toBe(true);
  });

  it('instances with no call waiting send Redis nothing about routing: no tick, one look per lease at most', async () => {
    const [a, b] = await startRelays(2);
    await agent('cy', [a!.agentUrl]);
    await agent('ben', [b!.agentUrl]);
    await pause(300);
    const monitor = await new Redis(redis.url).monitor();
    let routingCommands = 0;
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // What a script runs inside Redis is listed too: only the commands the relays send count.
      if (source !== 'lua' && args.includes(`{q${testNo}}:routes-due`)) routingCommands += 1;
    });
    await pause(2000);
    monitor.disconnect();
    // The safety look runs once per lease (5 s): none in these 2 s, or one per instance on a slow machine.
    expect(routingCommands).toBeLessThanOrEqual(2);
  });

  it('when every agent who serves the call declines, it is rejected on WhatsApp once', async () => {
    const [a] = await startRelays(1);
    const cy = await agent('cy', [a!.agentUrl]);
    const ben = await agent('ben', [a!.agentUrl]);
    const callId = await offerCall(a!, '447700900999');
    await until(() => rang(cy, callId));
    await cy.client.request('reject', { callId });
    await until(() => rang(ben, callId));
    expect(graph.actionsFor(callId)).toEqual([]);
    await ben.client.request('reject', { callId });
    await until(() => graph.actionsFor(callId).includes('reject:200'));
    expect(graph.actionsFor(callId)).toEqual(['reject:200']);
  });

  it('in a queue with a maximum wait, a call every agent declined waits: a colleague who signs in rings, and the wait ends it with the queue’s message', async () => {
    const [a] = await startRelays(1);
    const kai = await agent('kai', [a!.agentUrl]);
    const callId = await offerCall(a!, '447700900998', 'declined-waits');
    await until(() => rang(kai, callId));
    await kai.client.request('reject', { callId });
    await pause(1500);
    expect(graph.actionsFor(callId)).toEqual([]);
    const lee = await agent('lee', [a!.agentUrl]);
    await until(() => rang(lee, callId));
    await lee.client.request('reject', { callId });
    await pause(1000);
    expect(graph.actionsFor(callId)).toEqual([]);
    expect(timesRung(kai, callId)).toBe(1);
    skewMs = 31_000;
    await until(() => graph.actionsFor(callId).includes('reject:200'), 8000);
    expect(graph.actionsFor(callId)).toEqual(['reject:200']);
    expect(
      graph.textMessages.flatMap((m) => (m.kind === 'text' && m.customer === '447700900998' ? [m.body] : [])),
    ).toEqual(['Sorry, nobody could take your call.']);
  });

  it('tells each desk on signing in whether a call may ring for it while it is on another (its queues’ call waiting)', async () => {
    const [a] = await startRelays(1);
    const said = new Map<string, boolean | undefined>();
    for (const id of ['wes', 'ria', 'cy', 'dee']) {
      const desk = await connectTestAgent(id, [a!.agentUrl], {
        onConnection: (state) => void (state.connected && said.set(id, state.callWaiting)),
      });
      clients.push(desk.client);
    }
    expect(Object.fromEntries(said)).toEqual({ wes: true, ria: true, cy: false, dee: false });
  });

  it('an agent who goes not ready while a call rings at them alone stops ringing at once, and the next agent rings at once', async () => {
    const [a] = await startRelays(1);
    const cy = await agent('cy', [a!.agentUrl]);
    const ben = await agent('ben', [a!.agentUrl]);
    const callId = await offerCall(a!, '447700900601');
    await until(() => rang(cy, callId));
    cy.client.setStatus('away', 'break');
    // Well before cy's 5 s ring time would have run out.
    await until(() => passedOn(cy, callId) && rang(ben, callId), 2500);
    expect(passedOnBecause(cy, callId)).toBe('not_ready');
    await until(() => cy.state()?.state === 'not_ready');
    expect(cy.state()).toMatchObject({ state: 'not_ready', reason: 'break' });
    expect(await boardRingingAt(callId)).toEqual(['ben']);
    expect(await ringsOf(callId)).toEqual([
      ['cy', 'rescinded'],
      ['ben', 'pending'],
    ]);
    await expect(cy.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP })).rejects.toThrow(
      'not offered to you',
    );
  });

  it('ringing everyone: an agent who goes not ready while the call rings stops ringing at once, and rings for it again once available', async () => {
    const [a] = await startRelays(1);
    const ivy = await agent('ivy', [a!.agentUrl]);
    const callId = await offerCall(a!, '447700900602', 'ring-out');
    await until(() => rang(ivy, callId));
    ivy.client.setStatus('away', 'break');
    await until(() => passedOn(ivy, callId), 2000);
    expect(passedOnBecause(ivy, callId)).toBe('not_ready');
    expect(await boardRingingAt(callId)).toEqual([]);
    expect(await ringsOf(callId)).toEqual([['ivy', 'rescinded']]);
    await pause(1500);
    expect(timesRung(ivy, callId)).toBe(1);
    ivy.client.setStatus('available');
    await until(() => timesRung(ivy, callId) === 2, 3000);
    expect(await boardRingingAt(callId)).toEqual(['ivy']);
    expect(graph.actionsFor(callId)).toEqual([]);
  });

  it('ringing everyone: a ring nobody answers ends after the ring time as missed, not declined; the call rings again, and only declines turn it away', async () => {
    const [a] = await startRelays(1);
    const ivy = await agent('ivy', [a!.agentUrl]);
    const jon = await agent('jon', [a!.agentUrl]);
    jon.client.setStatus('away', 'lunch');
    await pause(200);
    const started = Date.now();
    const callId = await offerCall(a!, '447700900603', 'ring-out');
    await until(() => rang(ivy, callId));
    await until(() => passedOn(ivy, callId), 8000);
    expect(Date.now() - started).toBeGreaterThan(4500);
    expect(passedOnBecause(ivy, callId)).toBeUndefined();
    expect(await ringsOf(callId)).toEqual([['ivy', 'timed_out']]);
    expect(await boardRingingAt(callId)).toEqual([]);
    // Still waiting, and nobody else free: it rings Ivy again.
    await until(() => timesRung(ivy, callId) === 2, 3000);
    jon.client.setStatus('available');
    await until(() => rang(jon, callId), 3000);
    // Jon declines; Ivy only let it ring out, so the caller is not turned away.
    await jon.client.request('reject', { callId });
    await until(() => timesRung(ivy, callId) === 3, 10_000);
    expect(graph.actionsFor(callId)).toEqual([]);
    expect((await ringsOf(callId)).filter(([, status]) => status === 'rejected')).toEqual([['jon', 'rejected']]);
    // Once Ivy declines too, everyone who serves the queue has: the call is rejected on WhatsApp.
    await ivy.client.request('reject', { callId });
    await until(() => graph.actionsFor(callId).includes('reject:200'));
  }, 40_000);
});
