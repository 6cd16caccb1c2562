import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWebhook, postSignedWebhook } from '../../sim/webhookSender';
import { TeamQueues } from '../shared/teamQueues';
import type { Relay } from './relayServer';
import { RELAY_TEST_SECRETS } from './testSecrets';
import { startTestTeamRelays, type TestTeamRelays } from './testTeamRelays';

const SECRETS = RELAY_TEST_SECRETS;
// The queues file: Support and Sales. An admin adds Care on the board and removes Sales.
const QUEUES = TeamQueues.parse({
  defaultQueue: 'support',
  queues: [
    { id: 'support', name: 'Support', routing: 'ring_all', agents: { asha: 1 } },
    { id: 'sales', name: 'Sales', routing: 'ring_all', payloads: ['sales'], agents: { ben: 1 } },
  ],
});
let team: TestTeamRelays;
let relay: Relay;

beforeAll(async () => {
  team = await startTestTeamRelays({
    count: 1,
    queues: QUEUES,
    database: 'metrics_board_queues',
    prefix: 'metrics-board-queues',
  });
  [relay] = team.relays as [Relay];
}, 60_000);
afterAll(async () => {
  await team?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function scrape(): Promise<Map<string, number>> {
  const text = await (await fetch(`${team.httpOf(relay)}/metrics`)).text();
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(100);
  }
}

describe('/metrics follows the queues an admin adds and removes on the board', () => {
  it('a queue added on the board has its series at 0 once the save applies; a removed one still counts its caller', async () => {
    const admin = { Authorization: `Bearer ${await team.adminToken()}`, 'Content-Type': 'application/json' };
    const before = await scrape();
    expect(before.get('wa_relay_queue_calls_waiting{queue="support"}')).toBe(0);
    expect(before.has('wa_relay_queue_calls_waiting{queue="care"}')).toBe(false);
    // A Sales caller waits (nobody of Sales is signed in).
    team.graph.offerCall('wacid.metrics-sales1');
    const connect = connectWebhook({
      callId: 'wacid.metrics-sales1',
      from: '447700900731',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
      ctaPayload: 'sales',
    });
    expect((await postSignedWebhook(relay.webhookUrl, connect, SECRETS.appSecret)).status).toBe(200);
    await until(async () => (await scrape()).get('wa_relay_queue_calls_waiting{queue="sales"}') === 1, 'in Sales');

    // The admin adds Care and removes Sales.
    const inForce = (await (await fetch(`${team.httpOf(relay)}/board/api/queues`, { headers: admin })).json()) as {
      version: number;
      layout: { queues: Array<Record<string, unknown>> };
    };
    const queues = [
      ...inForce.layout.queues.filter((q) => q.id !== 'sales'),
      { id: 'care', name: 'Care', routing: 'ring_all', agents: '*' },
    ];
    const saved = await fetch(`${team.httpOf(relay)}/board/api/queues`, {
      method: 'PUT',
      headers: admin,
      body: JSON.stringify({ queues, basedOn: inForce.version }),
    });
    expect(saved.status).toBe(200);
    const { version } = (await saved.json()) as { version: number };
    const applied = async () => team.logs[0]!.records.some((r) => r.msg === 'queues applied' && r.version === version);
    await until(applied, `queues v${version} applied`);

    // Before any call reaches Care, every series of it reads 0, as the file's queues' did from the start.
    const now = await scrape();
    for (const name of [
      'wa_relay_queue_calls_waiting{queue="care"}',
      'wa_relay_queue_longest_wait_seconds{queue="care"}',
      'wa_relay_calls_offered_total{queue="care"}',
      'wa_relay_calls_answered_total{queue="care"}',
      'wa_relay_calls_missed_total{queue="care"}',
      'wa_relay_calls_turned_away_total{queue="care",reason="closed"}',
      'wa_relay_calls_turned_away_total{queue="care",reason="max_wait"}',
      'wa_relay_ring_time_seconds_count{queue="care"}',
      'wa_relay_handle_time_seconds_count{queue="care"}',
      'wa_relay_callbacks_total{queue="care",result="offered"}',
      'wa_relay_callbacks_waiting{queue="care"}',
    ])
      expect(now.get(name), name).toBe(0);
    // The Sales caller still waits, and still counts where they wait.
    expect(now.get('wa_relay_queue_calls_waiting{queue="sales"}')).toBe(1);
    expect(now.get('wa_relay_queue_longest_wait_seconds{queue="sales"}')).toBeGreaterThan(0);
  });
});
