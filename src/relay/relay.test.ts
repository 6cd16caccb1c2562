import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSdpFixture } from '../../fixtures/load';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import {
  callMediaWebhook,
  callStatusWebhook,
  connectWebhook,
  outboundAnswerWebhook,
  postSignedWebhook,
  terminateWebhook,
} from '../../sim/webhookSender';
import { createMemoryLogger } from '../whatsapp/logger';
import { connectRelay, type RelayClient } from '../main/transport/relayClient';
import type { CallSignal as RelayCallEvent } from '../shared/callSignals';
import { relayMediaUrl } from '../main/transport/relayTransport';
import { issueAgentToken, issueSupervisorToken } from './agentTokens';
import { signInTestBoard } from './board/testBoard';
import { startRelay, type Relay, type Routing } from './relayServer';
import { startRelayProcess } from './testRelayProcess';
import { startTestRedis } from './testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from './testSecrets';
import { connectTestAgent } from './testAgent';

const SECRETS = RELAY_TEST_SECRETS;
const ANSWER = TEST_ANSWER_SDP;

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let graph: GraphApiSim;
let relays: Relay[] = [];
let agents: Array<{ id: string; client: RelayClient; events: RelayCallEvent[] }> = [];
let testNo = 0;

beforeAll(async () => {
  redis = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
});
afterAll(async () => {
  await graph.close();
  await redis.stop();
});
afterEach(async () => {
  for (const a of agents) a.client.close();
  for (const r of relays) await r.close();
  agents = [];
  relays = [];
});

async function startRelays(count: number, routing: Routing = 'ring_all'): Promise<Relay[]> {
  testNo += 1;
  for (let i = 0; i < count; i += 1) {
    relays.push(
      await startRelay({
        ...SECRETS,
        redisUrl: redis.url,
        graphBaseUrl: graph.baseUrl,
        routing,
        logger: createMemoryLogger(),
        prefix: `t${testNo}`,
      }),
    );
  }
  return relays;
}

async function agent(id: string, urls: string[]) {
  const entry = await connectTestAgent(id, urls);
  agents.push(entry);
  return entry;
}

let callNo = 0;
async function offerCall(relay: Relay): Promise<string> {
  callNo += 1;
  const callId = `wacid.relay${callNo}`;
  graph.offerCall(callId);
  const body = connectWebhook({
    callId,
    from: '447700900123',
    callerName: 'Team Caller',
    phoneNumberId: SECRETS.phoneNumberId,
    sdpOffer: 'v=0\r\n',
  });
  expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
  return callId;
}

const until = async (check: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const offers = (a: { events: RelayCallEvent[] }, callId: string) =>
  a.events.filter((e) => e.type === 'call_offered' && e.callId === callId).length;

describe('team relay on Redis', () => {
  it('without queues, an agent who goes not ready while a call rings at them stops ringing at once; it moves on', async () => {
    const passedOn = (a: { events: RelayCallEvent[] }, callId: string) =>
      a.events.some((e) => e.type === 'call_passed_on' && e.callId === callId);
    for (const routing of ['longest_idle', 'ring_all'] as const) {
      const [a] = await startRelays(1, routing);
      const alice = await agent(`alice-${routing}`, [a!.agentUrl]);
      await new Promise((r) => setTimeout(r, 15));
      const bob = await agent(`bob-${routing}`, [a!.agentUrl]);
      const callId = await offerCall(a!);
      await until(() => offers(alice, callId) === 1);
      alice.client.setStatus('away', 'break');
      // Longest idle rings bob now; ringing everyone, bob rang already and still does.
      await until(() => passedOn(alice, callId) && offers(bob, callId) === 1, 2000);
      const passed = alice.events.find((e) => e.type === 'call_passed_on' && e.callId === callId);
      expect(passed).toMatchObject({ because: 'not_ready' });
      await expect(alice.client.request('pre_accept', { callId, sdp: ANSWER })).rejects.toThrow('not offered to you');
      expect(passedOn(bob, callId)).toBe(false);
      await bob.client.request('pre_accept', { callId, sdp: ANSWER });
      for (const x of agents) x.client.close();
      for (const r of relays) await r.close();
      agents = [];
      relays = [];
    }
  });

  it('rings every available agent on every instance, once, even when Meta retries to another instance', async () => {
    const [a, b] = await startRelays(2);
    const alice = await agent('alice', [a!.agentUrl]);
    const bob = await agent('bob', [b!.agentUrl]);
    const callId = await offerCall(a!);
    const retry = connectWebhook({
      callId,
      from: '447700900123',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
    });
    await postSignedWebhook(b!.webhookUrl, retry, SECRETS.appSecret);
    await until(() => offers(alice, callId) === 1 && offers(bob, callId) === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect([offers(alice, callId), offers(bob, callId)]).toEqual([1, 1]);
  });

  it('lets exactly one agent win when several answer at once, in every trial', async () => {
    const [a, b] = await startRelays(2);
    const team = await Promise.all(
      ['ann', 'ben', 'cat', 'dan', 'eve', 'fay'].map((id, i) => agent(id, [(i % 2 ? b : a)!.agentUrl])),
    );
    for (let trial = 0; trial < 15; trial += 1) {
      const callId = await offerCall(trial % 2 ? b! : a!);
      await until(() => team.every((t) => offers(t, callId) === 1));
      const results = await Promise.allSettled(
        team.map((t) => t.client.request('pre_accept', { callId: callId, sdp: ANSWER })),
      );
      const winners = results.filter((r) => r.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const r of results)
        if (r.status === 'rejected') {
          expect(String(r.reason)).toContain('Another agent answered this call.');
          // The desk gets the refusal by key too, to word it in the agent's language.
          expect((r.reason as { said?: unknown }).said).toEqual({ key: 'relayAnsweredElsewhere' });
        }
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200']);
      await until(() => team.every((t) => t.events.some((e) => e.type === 'call_taken' && e.callId === callId)));
      const winner = team[results.findIndex((r) => r.status === 'fulfilled')]!;
      await winner.client.request('accept', { callId: callId, sdp: ANSWER });
      await winner.client.request('terminate', { callId: callId });
      expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
      // The winner writes the call up (after-call work), and is free for the next trial.
      await winner.wrapUp(callId);
    }
  });

  it('an agent whose relay instance stopped and who does not come back is shown offline, not available', async () => {
    const started = [];
    for (let i = 0; i < 2; i += 1)
      started.push(
        await startRelay({
          ...SECRETS,
          redisUrl: redis.url,
          graphBaseUrl: graph.baseUrl,
          logger: createMemoryLogger(),
          prefix: 'lapsed',
          teamMetricsLeaseMs: 1500,
        }),
      );
    const [a, b] = started as [Relay, Relay];
    relays.push(b);
    const gone = await connectTestAgent('gone-with-a', [a.agentUrl]);
    const stays = await agent('stays-on-b', [b.agentUrl]);
    const board = await signInTestBoard(b.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
    const stateOf = (id: string) => board.snapshot()?.agents.find((x) => x.id === id)?.state;
    await expect.poll(() => stateOf('gone-with-a'), { timeout: 5000 }).toBe('available');
    // Instance A stops; the desk can reach no other instance, so it is gone.
    await a.close();
    // Its liveness lapses (ALIVE_MS, 15 s) and the lease holder's next sweep signs it out.
    await expect.poll(() => stateOf('gone-with-a'), { timeout: 30_000 }).toBe('offline');
    expect(stateOf('stays-on-b')).toBe('available');
    // A desk still connected is never left signed out: its heartbeat signs it in again.
    expect(stays.state()?.state).toBe('available');
    board.ws.close();
    gone.client.close();
  }, 45_000);

  it('refuses an agent with a bad token', async () => {
    const [a] = await startRelays(1);
    const states: Array<{ connected: boolean; error?: { key: string } }> = [];
    const client = connectRelay({
      urls: [a!.agentUrl],
      token: 'mallory.9999999999999.forged',
      onEvent: () => undefined,
      onConnection: (s) => states.push(s),
    });
    await until(() => states.some((s) => s.error?.key === 'relayTokenRefused'));
    client.close();
    expect(a!.connectedAgents()).toEqual([]);
  });

  it('longest idle first: offers to the agent idle longest, and passes on when that agent declines or disconnects', async () => {
    const [a, b] = await startRelays(2, 'longest_idle');
    const first = await agent('first', [a!.agentUrl]);
    await new Promise((r) => setTimeout(r, 20));
    const second = await agent('second', [b!.agentUrl]);
    await new Promise((r) => setTimeout(r, 20));
    const third = await agent('third', [a!.agentUrl]);
    const callId = await offerCall(b!);
    await until(() => offers(first, callId) === 1);
    expect([offers(second, callId), offers(third, callId)]).toEqual([0, 0]);
    await first.client.request('reject', { callId: callId });
    await until(() => offers(second, callId) === 1);
    second.client.close();
    await until(() => offers(third, callId) === 1);
    expect(graph.actionsFor(callId)).toEqual([]);
    await third.client.request('reject', { callId: callId });
    // Nobody left: the call is rejected on WhatsApp rather than left ringing.
    await until(() => graph.actionsFor(callId).includes('reject:200'));
  });

  it('in ring-all, an agent leaving mid-ring leaves the others ringing; all declining rejects the call once', async () => {
    const [a] = await startRelays(1);
    const ann = await agent('ann', [a!.agentUrl]);
    const ben = await agent('ben', [a!.agentUrl]);
    const callId = await offerCall(a!);
    await until(() => offers(ann, callId) === 1 && offers(ben, callId) === 1);
    ann.client.close();
    await until(() => !a!.connectedAgents().includes('ann'));
    await ben.client.request('reject', { callId: callId });
    await until(() => graph.actionsFor(callId).includes('reject:200'));
    expect(graph.actionsFor(callId)).toEqual(['reject:200']);
  });

  it('keeps a call going when its relay instance dies: the agent moves to another instance and can still hang up', async () => {
    const [a, b] = await startRelays(2);
    const ann = await agent('ann', [a!.agentUrl, b!.agentUrl]);
    const callId = await offerCall(a!);
    await until(() => offers(ann, callId) === 1);
    await ann.client.request('pre_accept', { callId: callId, sdp: ANSWER });
    await ann.client.request('accept', { callId: callId, sdp: ANSWER });
    await a!.close();
    relays = relays.filter((r) => r !== a);
    await ann.client.ready();
    await until(() => b!.connectedAgents().includes('ann'));
    // Meta's terminate for another call reaches the agent through the surviving instance.
    await ann.client.request('terminate', { callId: callId });
    expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
    const term = terminateWebhook({
      callId,
      from: '447700900123',
      phoneNumberId: SECRETS.phoneNumberId,
      status: 'COMPLETED',
    });
    await postSignedWebhook(b!.webhookUrl, term, SECRETS.appSecret);
    await until(() => ann.events.some((e) => e.type === 'call_terminated' && e.callId === callId));
  });

  it('refuses a transfer or the team hold room for a call that is not yours, or whose audio goes straight to the desk', async () => {
    const [a] = await startRelays(1);
    const ann = await agent('ann', [a!.agentUrl]);
    const ben = await agent('ben', [a!.agentUrl]);
    const callId = await offerCall(a!);
    await until(() => offers(ben, callId) === 1);
    await ann.client.request('pre_accept', { callId, sdp: ANSWER });
    await expect(ben.client.request('transfer', { callId, to: 'ann' })).rejects.toThrow('not yours to transfer');
    await expect(ann.client.request('transfer', { callId, to: 'ben' })).rejects.toThrow(
      'its audio goes straight to your desk',
    );
    expect(await ann.client.request('colleagues', {})).toEqual({ agents: ['ben'] });
    // The team's hold room: only someone on the call may ask, and only where the media is anchored.
    await expect(ben.client.request('hold_customer', { callId, held: true })).rejects.toThrow(
      'You are not on this call.',
    );
    await expect(ann.client.request('hold_customer', { callId, held: true })).rejects.toThrow(
      'this call’s audio goes straight to your desk. Use Hold instead.',
    );
  });

  it('refuses to let an agent accept or end a call it did not win', async () => {
    const [a] = await startRelays(1);
    const ann = await agent('ann', [a!.agentUrl]);
    const ben = await agent('ben', [a!.agentUrl]);
    const callId = await offerCall(a!);
    await until(() => offers(ben, callId) === 1);
    await ann.client.request('pre_accept', { callId: callId, sdp: ANSWER });
    await expect(ben.client.request('accept', { callId: callId, sdp: ANSWER })).rejects.toThrow('not yours to accept');
    await expect(ben.client.request('terminate', { callId: callId })).rejects.toThrow('not yours to end');
  });

  it('places an agent’s outbound call with the relay’s token and sends its answer and statuses to that agent only', async () => {
    const [a, b] = await startRelays(2);
    const ann = await agent('ann', [a!.agentUrl]);
    const ben = await agent('ben', [b!.agentUrl]);
    graph.setPermission('447700900999', 'temporary');
    expect(await ann.client.request('permission', { to: '447700900999' })).toMatchObject({
      permission: { status: 'temporary' },
    });
    // WhatsApp's answer overtakes the reply to connect.
    graph.setConnectReplyDelay(200);
    const off = graph.onAction((action, call) => {
      if (action !== 'connect') return;
      const base = { callId: call.id, customer: '447700900999', phoneNumberId: SECRETS.phoneNumberId };
      void postSignedWebhook(
        b!.webhookUrl,
        outboundAnswerWebhook({ ...base, sdpAnswer: 'v=0 answer' }),
        SECRETS.appSecret,
      );
    });
    const { callId } = await ann.client.request('connect', {
      to: '447700900999',
      sdp: loadSdpFixture('03-meta-doc-business-initiated-offer.sdp'),
    });
    off();
    graph.setConnectReplyDelay(0);
    await postSignedWebhook(
      b!.webhookUrl,
      callStatusWebhook({ callId, customer: '447700900999', phoneNumberId: SECRETS.phoneNumberId, status: 'ACCEPTED' }),
      SECRETS.appSecret,
    );
    await until(() => ann.events.some((e) => e.type === 'outbound_answered' && e.callId === callId));
    await until(() => ann.events.some((e) => e.type === 'outbound_status' && e.status === 'ACCEPTED'));
    expect(ben.events.filter((e) => e.type === 'outbound_answered' || e.type === 'outbound_status')).toEqual([]);
    await ann.client.request('terminate', { callId: callId });
    expect(graph.actionsFor(callId)).toEqual(['terminate:200']);
    await expect(ben.client.request('terminate', { callId: callId })).rejects.toThrow('not yours to end');
  });

  it('survives a relay process killed with SIGKILL mid-call: the desk moves over and the call can still be ended', async () => {
    testNo += 1;
    const prefix = `t${testNo}`;
    // Instance A in its own process, so it can really be killed; instance B in this one.
    const child = await startRelayProcess({ ...SECRETS, redisUrl: redis.url, graphBaseUrl: graph.baseUrl, prefix });
    const ready = { webhook: child.webhookUrl, agents: child.agentUrl };
    const b = await startRelay({
      ...SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix,
    });
    relays.push(b);
    const ann = await agent('ann', [ready.agents, b.agentUrl]);
    callNo += 1;
    const callId = `wacid.killed${callNo}`;
    graph.offerCall(callId);
    await postSignedWebhook(
      ready.webhook,
      connectWebhook({ callId, from: '447700900123', phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }),
      SECRETS.appSecret,
    );
    await until(() => offers(ann, callId) === 1);
    await ann.client.request('pre_accept', { callId: callId, sdp: ANSWER });
    await ann.client.request('accept', { callId: callId, sdp: ANSWER });
    await child.kill();
    await until(() => b.connectedAgents().includes('ann'), 5000);
    await ann.client.request('terminate', { callId: callId });
    expect(graph.actionsFor(callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  });

  it("passes WhatsApp's recording to the agent who answered, asked for on accept, and to nobody else", async () => {
    const [a, b] = await startRelays(2);
    const ann = await agent('ann', [a!.agentUrl]);
    const ben = await agent('ben', [b!.agentUrl]);
    const callId = await offerCall(a!);
    await until(() => offers(ann, callId) === 1 && offers(ben, callId) === 1);
    const enabled = { status: 'ENABLED' as const, purpose: 'training', announcement_language: 'en' as const };
    await ann.client.request('pre_accept', { callId, sdp: ANSWER });
    await ann.client.request('accept', { callId, sdp: ANSWER, capture: { recording: enabled } });
    expect(graph.announcements.at(-1)).toEqual({
      callId,
      text: 'The audio of this call will be recorded for the following purpose: training.',
    });
    const audio = Buffer.from('OggS a recording');
    const file = graph.addMedia(audio, 'audio/ogg; codecs=opus');
    const notice = callMediaWebhook({
      callId,
      from: '447700900123',
      phoneNumberId: SECRETS.phoneNumberId,
      kind: 'recording',
      file: { ...file, mimeType: 'audio/ogg; codecs=opus' },
    });
    // Delivered to the other instance: the notice reaches ann through Redis all the same.
    expect((await postSignedWebhook(b!.webhookUrl, notice, SECRETS.appSecret)).status).toBe(200);
    await until(() => ann.events.some((e) => e.type === 'call_media'));
    expect(ben.events.some((e) => e.type === 'call_media')).toBe(false);

    const fetchAs = async (
      relay: Relay,
      agentId: string | undefined,
      kind: 'recording' | 'transcript' = 'recording',
    ) => {
      const token = agentId ? await issueAgentToken(agentId, SECRETS.agentSecret) : 'forged';
      return fetch(relayMediaUrl(relay.agentUrl, { callId, kind }), { headers: { Authorization: `Bearer ${token}` } });
    };
    const got = await fetchAs(b!, 'ann');
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('audio/ogg; codecs=opus');
    expect(Buffer.from(await got.arrayBuffer()).equals(audio)).toBe(true);
    expect((await fetchAs(a!, 'ben')).status).toBe(403);
    expect((await fetchAs(a!, undefined)).status).toBe(401);
    expect((await fetchAs(a!, 'ann', 'transcript')).status).toBe(404);
    const odd = await fetch(`${a!.agentUrl.replace('ws:', 'http:')}media/%E0%A4%A/recording`, {
      headers: { Authorization: `Bearer ${await issueAgentToken('ann', SECRETS.agentSecret)}` },
    });
    expect(odd.status).toBe(400);
    expect(graph.media.get(file.id)?.downloads).toBe(1);
  });

  it('tells the rest of the team when an agent dealt with a missed caller, and desks that were away ask on sign-in', async () => {
    const [a, b] = await startRelays(2);
    const ann = await agent('ann', [a!.agentUrl]);
    const ben = await agent('ben', [b!.agentUrl]);
    await ann.client.request('missed_handled', { customer: '447700900123' });
    await until(() => ben.events.some((e) => e.type === 'missed_handled'));
    expect(ben.events.find((e) => e.type === 'missed_handled')).toMatchObject({
      customer: '447700900123',
      by: 'ann',
    });
    expect(ann.events.some((e) => e.type === 'missed_handled')).toBe(false);
    const cleo = await agent('cleo', [b!.agentUrl]);
    const { handled } = await cleo.client.request('missed_check', { customers: ['447700900123', '447700900999'] });
    expect(Object.keys(handled)).toEqual(['447700900123']);
    expect(handled['447700900123']).toBeGreaterThan(Date.now() - 10_000);
  });

  it('reports calls, agents and Redis for Prometheus, and says when it is ready for traffic', async () => {
    const [a] = await startRelays(1);
    const ann = await agent('ann', [a!.agentUrl]);
    const http = a!.agentUrl.replace('ws:', 'http:');
    expect((await fetch(`${http}healthz`)).status).toBe(200);
    // No company sign-in set up: the board's question is answered as such, not with the desks' 426.
    const company = await fetch(`${http}auth/company`);
    expect([company.status, await company.json()]).toEqual([200, { enabled: false }]);
    const ready = await fetch(`${http}readyz`);
    expect([ready.status, (await ready.text()).trim()]).toEqual([200, 'ready']);

    const answered = await offerCall(a!);
    await until(() => offers(ann, answered) === 1);
    await ann.client.request('pre_accept', { callId: answered, sdp: ANSWER });
    await ann.client.request('accept', { callId: answered, sdp: ANSWER });
    const end = (callId: string, durationSec?: number) =>
      postSignedWebhook(
        a!.webhookUrl,
        terminateWebhook({
          callId,
          from: '447700900123',
          phoneNumberId: SECRETS.phoneNumberId,
          status: 'COMPLETED',
          durationSec,
        }),
        SECRETS.appSecret,
      );
    await end(answered, 42);
    await ann.wrapUp(answered);
    const missed = await offerCall(a!);
    await until(() => offers(ann, missed) === 1);
    await end(missed);
    await postSignedWebhook(a!.webhookUrl, '{"forged":true}', 'not-the-app-secret');
    // A Graph API refusal met by an agent's request is counted by Meta's code.
    graph.addFault({ action: 'terminate', status: 400, body: { error: { message: 'x', code: 138006 } } });
    const third = await offerCall(a!);
    await until(() => offers(ann, third) === 1);
    await ann.client.request('pre_accept', { callId: third, sdp: ANSWER });
    await ann.client.request('terminate', { callId: third }).catch(() => undefined);

    const text = await (await fetch(`${http}metrics`)).text();
    const value = (line: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(line))
          ?.split(' ')
          .at(-1),
      );
    expect(value('wa_relay_calls_offered_total{queue="team"}')).toBe(3);
    expect(value('wa_relay_calls_answered_total{queue="team"}')).toBe(1);
    expect(value('wa_relay_calls_missed_total{queue="team"}')).toBe(1);
    expect(value('wa_relay_handle_time_seconds_count{queue="team"}')).toBe(1);
    expect(value('wa_relay_handle_time_seconds_sum{queue="team"}')).toBe(42);
    expect(value('wa_relay_webhook_deliveries_refused_total')).toBe(1);
    expect(value('wa_relay_graph_api_errors_total{code="138006"}')).toBe(1);
    expect(value('wa_relay_agents{status="on_call"}') + value('wa_relay_agents{status="available"}')).toBe(1);
    expect(value('wa_relay_redis_up')).toBe(1);
    expect(text).toContain('wa_relay_process_');
  });
});
