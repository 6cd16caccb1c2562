import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../sim/webhookSender';
import { TeamQueues } from '../shared/teamQueues';
import { createMemoryLogger } from '../whatsapp/logger';
import { startRelay, type Relay, type RelayOptions } from './relayServer';
import { createTeamStore } from './team/teamStore';
import { connectTestAgent } from './testAgent';
import { startTestRedis, type TestRedis } from './testRedis';
import { RELAY_TEST_SECRETS } from './testSecrets';
import { deploymentKeyPrefix } from './relayKeys';

const SECRETS = RELAY_TEST_SECRETS;
let redis: TestRedis;
let graph: GraphApiSim;
let relays: Relay[] = [];
let desks: Array<{ close(): void }> = [];
let testNo = 0;

beforeAll(async () => {
  [redis, graph] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
});
afterAll(async () => {
  await graph.close();
  await redis.stop();
});
beforeEach(() => {
  testNo += 1;
});
afterEach(async () => {
  for (const desk of desks) desk.close();
  for (const relay of relays) await relay.close();
  desks = [];
  relays = [];
});

const QUEUES = TeamQueues.parse({
  defaultQueue: 'sales',
  queues: [
    { id: 'sales', name: 'Sales', routing: 'ring_all', agents: '*' },
    { id: 'support', name: 'Support', routing: 'longest_idle', agents: '*' },
  ],
});

async function startRelays(count: number, more: Partial<RelayOptions> = {}): Promise<Relay[]> {
  for (let i = 0; i < count; i += 1)
    relays.push(
      await startRelay({
        ...SECRETS,
        redisUrl: redis.url,
        graphBaseUrl: graph.baseUrl,
        logger: createMemoryLogger(),
        prefix: `metrics${testNo}`,
        queues: QUEUES,
        teamMetricsLeaseMs: 1500,
        ...more,
      }),
    );
  return relays;
}

const scrape = async (relay: Relay) => (await fetch(`${relay.agentUrl.replace('ws:', 'http:')}metrics`)).text();

/** Prometheus text as series -> value (comments left out). */
function series(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** What `sum by (status) (wa_relay_agents)` over every instance gives. */
async function summedAgents(): Promise<Record<string, number>> {
  const sums: Record<string, number> = {};
  for (const relay of relays)
    for (const [name, value] of series(await scrape(relay))) {
      const status = /^wa_relay_agents\{status="(\w+)"\}$/.exec(name)?.[1];
      if (status) sums[status] = (sums[status] ?? 0) + value;
    }
  return sums;
}

describe('the relay’s /metrics', () => {
  it('names each series once, with no gauge called _total and every labelled series there before anything happens', async () => {
    const [a] = await startRelays(1);
    const text = await scrape(a!);
    expect(text).not.toContain('wa_relay_process_process_');
    expect(text).toMatch(/^wa_relay_process_cpu_seconds_total /m);
    expect(text).toMatch(/^wa_relay_nodejs_heap_size_used_bytes /m);
    const gaugesNamedTotal = [...text.matchAll(/^# TYPE (\S+) gauge$/gm)]
      .map((m) => m[1]!)
      .filter((n) => /_total$/.test(n));
    expect(gaugesNamedTotal).toEqual([]);
    const now = series(text);
    // Before the first call, the first refusal and the first Graph API error, their series read 0.
    for (const queue of ['sales', 'support', 'team']) {
      expect(now.get(`wa_relay_calls_offered_total{queue="${queue}"}`), queue).toBe(0);
      expect(now.get(`wa_relay_calls_answered_total{queue="${queue}"}`), queue).toBe(0);
      expect(now.get(`wa_relay_calls_missed_total{queue="${queue}"}`), queue).toBe(0);
      expect(now.get(`wa_relay_ring_time_seconds_count{queue="${queue}"}`), queue).toBe(0);
      expect(now.get(`wa_relay_handle_time_seconds_count{queue="${queue}"}`), queue).toBe(0);
    }
    for (const port of ['webhook', 'agent'])
      for (const reason of ['port_full', 'address_full', 'no_request_in_time', 'no_message_in_time', 'gave_way'])
        expect(now.get(`wa_relay_connections_refused_total{port="${port}",reason="${reason}"}`)).toBe(0);
    expect(now.get('wa_relay_graph_api_errors_total{code="0"}')).toBe(0);
    expect(now.get('wa_relay_graph_api_errors_total{code="138006"}')).toBe(0);
    for (const queue of ['sales', 'support']) {
      expect(now.get(`wa_relay_queue_calls_waiting{queue="${queue}"}`), queue).toBe(0);
      expect(now.get(`wa_relay_queue_longest_wait_seconds{queue="${queue}"}`), queue).toBe(0);
    }
    for (const status of ['offline', 'available', 'reserved', 'on_call', 'after_call_work', 'not_ready'])
      expect(now.get(`wa_relay_agents{status="${status}"}`), status).toBe(0);
  });

  it('team-wide gauges come from one instance, so summing over instances counts each agent once', async () => {
    const [a, b] = await startRelays(2);
    for (const [id, relay] of [
      ['ana', a],
      ['ben', b],
      ['cho', b],
    ] as const) {
      const desk = await connectTestAgent(id, [relay!.agentUrl]);
      desks.push(desk.client);
    }
    await expect.poll(summedAgents, { timeout: 10_000 }).toMatchObject({ available: 3 });
    const holders = async () =>
      Promise.all(relays.map(async (r) => series(await scrape(r)).get('wa_relay_team_metrics_holder')));
    const held = await holders();
    expect([...held].sort()).toEqual([0, 1]);
    // The holder goes away: the other takes the team-wide gauges over.
    const holder = relays[held.indexOf(1)]!;
    await holder.close();
    relays = relays.filter((r) => r !== holder);
    await expect.poll(holders, { timeout: 10_000 }).toEqual([1]);
    const total = Object.values(await summedAgents()).reduce((a, b) => a + b, 0);
    expect(total).toBe(3);
  });

  it('leaves out agents not signed in for the configured days: the team’s figures and the board’s floor shrink', async () => {
    const day = 24 * 3600_000;
    const writer = new Redis(redis.url);
    const team = createTeamStore(writer, deploymentKeyPrefix(`metrics${testNo}`));
    for (const [id, daysAgo] of [
      ['old-timer', 40],
      ['on-leave', 10],
    ] as const) {
      await team.apply({ kind: 'sign_in', agentId: id }, Date.now() - (daysAgo + 1) * day);
      await team.apply({ kind: 'sign_out', agentId: id }, Date.now() - daysAgo * day);
    }
    const [a] = await startRelays(1, { forgetAgentsAfterDays: 30 });
    const now = series(await scrape(a!));
    expect(now.get('wa_relay_agents{status="offline"}')).toBe(1);
    expect((await team.agents()).map((agent) => agent.id)).toEqual(['on-leave']);
    writer.disconnect();
  });

  it('shows each queue’s waiting calls and longest wait, once across instances', async () => {
    const [a, b] = await startRelays(2);
    const call = (callId: string, customer: string) =>
      connectWebhook({ callId, from: customer, phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' });
    // Nobody is signed in: both calls wait in the default queue (sales).
    for (const [callId, customer] of [
      ['wacid.metrics-wait1', '447700900611'],
      ['wacid.metrics-wait2', '447700900612'],
    ] as const)
      expect((await postSignedWebhook(a!.webhookUrl, call(callId, customer), SECRETS.appSecret)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const summed = async (name: string) => {
      let sum = 0;
      for (const relay of [a!, b!]) sum += series(await scrape(relay)).get(name) ?? 0;
      return sum;
    };
    expect(await summed('wa_relay_queue_calls_waiting{queue="sales"}')).toBe(2);
    expect(await summed('wa_relay_queue_calls_waiting{queue="support"}')).toBe(0);
    expect(await summed('wa_relay_queue_longest_wait_seconds{queue="sales"}')).toBeGreaterThanOrEqual(1);
    // The first caller hangs up: one waits.
    await postSignedWebhook(
      b!.webhookUrl,
      terminateWebhook({
        callId: 'wacid.metrics-wait1',
        from: '447700900611',
        phoneNumberId: SECRETS.phoneNumberId,
        status: 'FAILED',
      }),
      SECRETS.appSecret,
    );
    await expect.poll(() => summed('wa_relay_queue_calls_waiting{queue="sales"}')).toBe(1);
  });
});
