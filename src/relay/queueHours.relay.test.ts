import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWhatsAppSim, type WhatsAppSim } from '../../sim/whatsappSim';
import type { PermissionMessage } from '../../sim/messageRules';
import { TeamQueues, type TeamQueuesInput } from '../shared/teamQueues';
import { createMemoryLogger } from '../whatsapp/logger';
import { issueSupervisorToken } from './agentTokens';
import { signInTestBoard, type TestBoard } from './board/testBoard';
import { startRelay, type Relay } from './relayServer';
import { connectTestAgent } from './testAgent';
import { startTestPostgres, type TestPostgres } from './testPostgres';
import { startTestRedis, type TestRedis } from './testRedis';
import { RELAY_TEST_SECRETS } from './testSecrets';

const SECRETS = RELAY_TEST_SECRETS;
const CLOSED_TEXT = 'We are closed now. Our team answers calls Monday to Friday, 9:00 to 17:30 (London time).';
const LONG_WAIT_TEXT = 'Sorry, all our agents are busy. Please call again in a few minutes.';
const LONDON_HOURS = {
  timeZone: 'Europe/London',
  open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '09:00', to: '17:30' }],
  holidays: ['2026-12-25'],
} satisfies NonNullable<TeamQueuesInput['queues'][number]['hours']>;
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    {
      id: 'care',
      name: 'Care',
      routing: 'ring_all',
      agents: { asha: 1 },
      hours: { ...LONDON_HOURS, closed: { action: 'message', message: CLOSED_TEXT } },
      maxWait: { seconds: 30, action: 'message', message: LONG_WAIT_TEXT },
    },
    // Turned away without a word: the call is only rejected.
    { id: 'sales', name: 'Sales', routing: 'ring_all', payloads: ['sales'], agents: { asha: 1 }, hours: LONDON_HOURS },
  ],
} satisfies TeamQueuesInput);

let redis: TestRedis;
let postgres: TestPostgres;
let sim: WhatsAppSim;
let relay: Relay;
let board: TestBoard;
const log = createMemoryLogger();
const database = 'queue_hours';
/** The routing clock: the real one moved to the instant a test chooses (London's calendar, not this machine's). */
let shiftMs = 0;
const setClock = (iso: string) => (shiftMs = Date.parse(iso) - Date.now());

beforeAll(async () => {
  [redis, postgres, sim] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startWhatsAppSim({
      accessToken: SECRETS.accessToken,
      phoneNumberId: SECRETS.phoneNumberId,
      appSecret: SECRETS.appSecret,
    }),
  ]);
  const admin = new pg.Client(postgres.url);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger: log,
    prefix: 'hours',
    databaseUrl: postgres.url.replace(/\/postgres$/, `/${database}`),
    queues: QUEUES,
    routingClock: () => Date.now() + shiftMs,
  });
  sim.setWebhookUrl(relay.webhookUrl);
  board = await signInTestBoard(relay.agentUrl, await issueSupervisorToken('sam', SECRETS.agentSecret));
}, 60_000);
afterAll(async () => {
  if (process.env.RELAY_TEST_LOG) for (const line of log.records) console.log(JSON.stringify(line));
  board?.ws.close();
  await relay?.close();
  await sim?.close();
  await redis?.stop();
  await postgres?.stop();
});

async function sql<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
  const client = new pg.Client(postgres.url.replace(/\/postgres$/, `/${database}`));
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(25);
  }
}
type TextMessage = Extract<PermissionMessage, { kind: 'text' }>;
const textsTo = (customer: string) =>
  sim.graph.textMessages.filter((m): m is TextMessage => m.kind === 'text' && m.customer === customer);
/** The Graph API requests the relay made for a call or to its customer, in the order the simulated Meta took them. */
function requestsAbout(callId: string, customer: string) {
  return sim.graph.requests.filter((r) => {
    const body = r.body as { call_id?: string; to?: string } | undefined;
    return body?.call_id === callId || body?.to === customer;
  });
}
const record = async (callId: string) =>
  (
    await sql<{ turned_away: string | null; ended_at: Date | null; answered_by: string | null; queue: string | null }>(
      'SELECT turned_away, ended_at, answered_by, queue FROM calls WHERE call_id = $1',
      [callId],
    )
  )[0];
/** The call's record is complete: the queue's reason, and Meta's end confirmed by its terminate webhook. */
const recorded = (callId: string) =>
  until(async () => {
    const row = await record(callId);
    return Boolean(row?.turned_away && row.ended_at);
  }, `the record of ${callId}`);

describe('a queue’s business hours and maximum wait, through the relay and the simulated Meta', () => {
  it('a call arriving a second before opening is rejected at once, after the closed-hours text, and rings nobody', async () => {
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    try {
      // Monday 30 March 2026, 08:59:59 in London (BST, the day after the clocks went forward).
      setClock('2026-03-30T07:59:59Z');
      const customer = '447700900501';
      const call = await sim.placeCall({ from: customer });
      await until(() => sim.graph.actionsFor(call.callId).includes('reject:200'), 'the call is rejected at Meta');
      const requests = requestsAbout(call.callId, customer);
      // The text first, then the reject; each accepted by the simulated Meta's rules (200).
      expect(
        requests.map((r) => [
          (r.body as { type?: string; action?: string }).type ?? (r.body as { action: string }).action,
          r.status,
        ]),
      ).toEqual([
        ['text', 200],
        ['reject', 200],
      ]);
      expect(textsTo(customer).map((m) => m.body)).toEqual([CLOSED_TEXT]);
      const rejectedAfterMs = requests[1]!.atMs - call.webhookSentAtMs!;
      expect(rejectedAfterMs).toBeLessThan(5000);
      expect(call.endedBy).toBe('business_reject');
      await recorded(call.callId);
      expect(await record(call.callId)).toMatchObject({ turned_away: 'closed', answered_by: null, queue: 'care' });
      expect(asha.events.some((e) => e.type === 'call_offered' && e.callId === call.callId)).toBe(false);
      // Prometheus counts it turned away, closed, not missed (WhatsApp's terminate for it was recorded above).
      const metrics = await (await fetch(`${relay.agentUrl.replace(/^ws/, 'http')}metrics`)).text();
      expect(metrics).toMatch(/^wa_relay_calls_turned_away_total\{queue="care",reason="closed"\} 1$/m);
      expect(metrics).toMatch(/^wa_relay_calls_missed_total\{queue="care"\} 0$/m);
      console.log(`closed: rejected ${rejectedAfterMs} ms after the connect webhook left the simulated Meta`);
    } finally {
      asha.client.close();
    }
  });

  it('a call just inside hours rings; once the caller has waited past the maximum it is ended with the message', async () => {
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    try {
      // Monday 30 March 2026, 09:00:00 in London: open.
      setClock('2026-03-30T08:00:00Z');
      const customer = '447700900502';
      const call = await sim.placeCall({ from: customer });
      await until(
        () => asha.events.some((e) => e.type === 'call_offered' && e.callId === call.callId),
        'the call rings at Asha',
      );
      expect(sim.graph.actionsFor(call.callId)).toEqual([]);
      // Asha lets it ring; 30 s of the caller's waiting pass on the routing clock.
      shiftMs += 31_000;
      await until(() => sim.graph.actionsFor(call.callId).includes('reject:200'), 'the call is ended at Meta');
      const requests = requestsAbout(call.callId, customer);
      expect(
        requests.map(
          (r) => (r.body as { type?: string; action?: string }).type ?? (r.body as { action: string }).action,
        ),
      ).toEqual(['text', 'reject']);
      expect(textsTo(customer).map((m) => m.body)).toEqual([LONG_WAIT_TEXT]);
      // Her ring stopped, and she can no longer answer it.
      await until(
        () => asha.events.some((e) => e.type === 'call_terminated' && e.callId === call.callId),
        'Asha’s ring stops',
      );
      await expect(asha.client.request('pre_accept', { callId: call.callId, sdp: 'v=0\r\n' })).rejects.toThrow();
      expect(sim.graph.actionsFor(call.callId).filter((a) => a.startsWith('pre_accept'))).toEqual([]);
      await recorded(call.callId);
      expect(await record(call.callId)).toMatchObject({ turned_away: 'max_wait', answered_by: null });
      expect(asha.state()?.state).toBe('available');
    } finally {
      asha.client.close();
    }
  });

  it('a holiday closes the queue all day; a queue without a message only rejects', async () => {
    // Friday 25 December 2026, 10:00 in London: a weekday inside the periods, but a holiday.
    setClock('2026-12-25T10:00:00Z');
    const withText = await sim.placeCall({ from: '447700900503' });
    const quiet = await sim.placeCall({ from: '447700900504', ctaPayload: 'sales' });
    for (const call of [withText, quiet])
      await until(() => sim.graph.actionsFor(call.callId).includes('reject:200'), 'the holiday call is rejected');
    expect(textsTo('447700900503').map((m) => m.body)).toEqual([CLOSED_TEXT]);
    expect(textsTo('447700900504')).toEqual([]);
    await recorded(withText.callId);
    await recorded(quiet.callId);
    expect(await record(quiet.callId)).toMatchObject({ turned_away: 'closed', queue: 'sales' });

    // The board shows both queues closed for the holiday, and counts why today's calls ended.
    await until(() => (board.snapshot()?.closedQueues.length ?? 0) === 2, 'the board shows the queues closed');
    expect(board.snapshot()!.closedQueues).toEqual([
      { queue: 'care', why: 'holiday' },
      { queue: 'sales', why: 'holiday' },
    ]);
    await until(() => {
      const today = board.snapshot()?.today;
      return today?.ok === true && today.team.closed === 3;
    }, 'the board counts the calls turned away');
    const today = board.snapshot()!.today;
    if (!today.ok) throw new Error('no figures');
    expect(today.team).toMatchObject({ offered: 4, answered: 0, missed: 0, abandoned: 0, closed: 3, waitedTooLong: 1 });
    const care = today.byQueue.find((q) => q.queue === 'care');
    expect(care).toMatchObject({ offered: 3, closed: 2, waitedTooLong: 1, missed: 0, abandoned: 0 });
    expect(today.byQueue.find((q) => q.queue === 'sales')).toMatchObject({ offered: 1, closed: 1 });
  });
});
