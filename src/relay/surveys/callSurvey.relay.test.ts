import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphApiSim } from '../../../sim/graphApiSim';
import { listReplyWebhook } from '../../../sim/listReplyWebhook';
import type { PermissionMessage } from '../../../sim/messageRules';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import type { Report } from '../../shared/reportSchemas';
import { TeamQueues } from '../../shared/teamQueues';
import { issueSupervisorToken } from '../agentTokens';
import { signInTestBoard } from '../board/testBoard';
import type { Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from '../testSecrets';
import { startTestTeamRelays, type TestTeamRelays } from '../testTeamRelays';
import { Redis } from 'ioredis';
import { deploymentKeyPrefix } from '../relayKeys';
import { everyRedisKey, keyKindsOf } from '../testKeySlot';

const SECRETS = RELAY_TEST_SECRETS;
const QUEUES = TeamQueues.parse({
  defaultQueue: 'care',
  queues: [
    { id: 'care', name: 'Care', routing: 'ring_all', agents: { asha: 1 }, survey: {} },
    { id: 'plain', name: 'Plain', routing: 'ring_all', payloads: ['plain'], agents: { asha: 1 } },
  ],
});
let team: TestTeamRelays;
let graph: GraphApiSim;
let relay: Relay;

beforeAll(async () => {
  team = await startTestTeamRelays({ count: 1, queues: QUEUES, database: 'call_surveys', prefix: 'surveys' });
  ({ graph } = team);
  [relay] = team.relays as [Relay];
}, 60_000);
afterAll(async () => {
  await team?.close();
});

const sql: TestTeamRelays['sql'] = (text, values) => team.sql(text, values);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await pause(25);
  }
}
const post = (body: unknown) => postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret);
type ListMessage = Extract<PermissionMessage, { kind: 'list' }>;
const listsTo = (customer: string) =>
  graph.textMessages.filter((m): m is ListMessage => m.kind === 'list' && m.customer === customer);

/** A call from `customer` that Asha answers and hangs up; Meta's terminate follows. */
async function answeredCall(callId: string, customer: string, ctaPayload?: string): Promise<void> {
  const asha = await connectTestAgent('asha', [relay.agentUrl]);
  try {
    graph.offerCall(callId);
    const offer = connectWebhook({
      callId,
      from: customer,
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
      ctaPayload,
    });
    expect((await post(offer)).status).toBe(200);
    await until(() => asha.events.some((e) => e.type === 'call_offered' && e.callId === callId), 'asha rings');
    await asha.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
    await asha.client.request('accept', { callId, sdp: TEST_ANSWER_SDP });
    await asha.client.request('terminate', { callId });
    await asha.wrapUp(callId);
    const end = terminateWebhook({ callId, from: customer, phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' });
    expect((await post(end)).status).toBe(200);
    await until(
      async () => (await sql('SELECT 1 FROM calls WHERE call_id = $1 AND ended_at IS NOT NULL', [callId])).length > 0,
      'the call ended in the records',
    );
  } finally {
    asha.client.close();
  }
}
const rating = async (callId: string) =>
  (
    await sql<{ csat_score: number | null; csat_agent: string | null }>(
      'SELECT csat_score, csat_agent FROM calls WHERE call_id = $1',
      [callId],
    )
  )[0];
const written = () => until(async () => (await relay.records!.outbox.pending()) === 0, 'every record written');

describe('the post-call survey', () => {
  it('after an answered call the customer gets a 1-5 list message; their choice is kept with the call for its agent and shows in the figures', async () => {
    const customer = '447700900321';
    const callId = 'wacid.survey.rated';
    await answeredCall(callId, customer);
    // The simulated Meta took the list by its own rules (a list it refused would not be here).
    await until(() => listsTo(customer).length === 1, 'the survey reaches the customer');
    const list = listsTo(customer)[0]!;
    expect(list.button).toBe('Rate the call');
    expect(list.rows.map((r) => r.title)).toEqual(['1 - Very poor', '2 - Poor', '3 - OK', '4 - Good', '5 - Very good']);
    for (const [i, row] of list.rows.entries())
      expect(row.id).toMatch(new RegExp(`^csat\\.[A-Za-z0-9_-]{16,32}\\.${i + 1}$`));
    // Nothing of WhatsApp's call or of the agent is in what the customer can read back.
    expect(JSON.stringify(list)).not.toContain(callId);
    expect(JSON.stringify(list)).not.toContain('asha');

    const four = list.rows[3]!;
    const reply = (rowId: string, messageId: string, from = customer) =>
      post(listReplyWebhook({ customer: from, phoneNumberId: SECRETS.phoneNumberId, rowId, title: '4', messageId }));
    expect((await reply(four.id, 'wamid.SURVEY.1')).status).toBe(200);
    await until(async () => (await rating(callId))?.csat_score === 4, 'the rating is kept');
    expect(await rating(callId)).toEqual({ csat_score: 4, csat_agent: 'asha' });

    // Dropped: a second answer, the same answer delivered again, another customer's tap on this list, a survey id
    // nobody sent, a row that is not a survey's, and a malformed reply.
    expect((await reply(list.rows[0]!.id, 'wamid.SURVEY.2')).status).toBe(200);
    expect((await reply(four.id, 'wamid.SURVEY.1')).status).toBe(200);
    expect((await reply(list.rows[0]!.id, 'wamid.SURVEY.3', '447700900999')).status).toBe(200);
    expect((await reply('csat.AAAAAAAAAAAAAAAAAAAAAA.1', 'wamid.SURVEY.4')).status).toBe(200);
    expect((await reply('priority_express', 'wamid.SURVEY.5')).status).toBe(200);
    const malformed = listReplyWebhook({
      customer,
      phoneNumberId: SECRETS.phoneNumberId,
      rowId: four.id,
      title: '4',
      messageId: 'wamid.SURVEY.6',
    });
    delete (malformed.entry[0]!.changes[0]!.value.messages[0]!.interactive.list_reply as { id?: string }).id;
    expect((await post(malformed)).status).toBe(200);
    await written();
    expect(await rating(callId)).toEqual({ csat_score: 4, csat_agent: 'asha' });

    // A desk signing in asks for its calls' ratings: Asha gets hers; Ben, asking for the same call, gets nothing.
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    const ben = await connectTestAgent('ben', [relay.agentUrl]);
    try {
      expect(await asha.client.request('call_ratings', { callIds: [callId, 'wacid.never'] })).toEqual({
        ratings: { [callId]: 4 },
      });
      expect(await ben.client.request('call_ratings', { callIds: [callId] })).toEqual({ ratings: {} });
      // More than 200 calls at once is outside the protocol: refused, nothing read.
      const many = Array.from({ length: 201 }, (_, i) => `wacid.${i}`);
      await expect(asha.client.request('call_ratings', { callIds: many })).rejects.toThrow();
    } finally {
      asha.client.close();
      ben.client.close();
    }

    // The report and the board's figures: CSAT per queue and per agent.
    const base = team.httpOf(relay);
    const d = new Date();
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const token = await issueSupervisorToken('sam', SECRETS.agentSecret);
    const response = await fetch(`${base}/board/api/report?from=${day}&to=${day}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const report = (await response.json()) as Report;
    expect(report.byQueue.find((q) => q.queue === 'care')).toMatchObject({ csatAvg: 4, csatCount: 1 });
    expect(report.byAgent.find((a) => a.agent === 'asha')).toMatchObject({ csatAvg: 4, csatCount: 1 });
    const csv = await fetch(`${base}/board/api/report?from=${day}&to=${day}&format=csv`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const lines = (await csv.text()).split('\n');
    expect(lines[0]).toContain('"csatAvg","csatCount"');
    // Read by the header's column, whatever columns come after it.
    const header = lines[0]!.trim().split(',');
    const ashaRow = lines
      .find((l) => l.startsWith('"agent","asha"'))!
      .trim()
      .split(',');
    expect([ashaRow[header.indexOf('"csatAvg"')], ashaRow[header.indexOf('"csatCount"')]]).toEqual(['"4"', '"1"']);
    const board = await signInTestBoard(relay.agentUrl, token);
    await until(() => {
      const today = board.snapshot()?.today;
      return Boolean(today?.ok && today.byAgent.find((a) => a.agent === 'asha')?.csatAvg === 4);
    }, 'the board shows Asha’s CSAT');
    board.ws.close();
  }, 40_000);

  it('sends nothing for a call every agent declined (its claim names who declined last, not who answered)', async () => {
    const callId = 'wacid.survey.declined';
    const customer = '447700900884';
    const asha = await connectTestAgent('asha', [relay.agentUrl]);
    try {
      graph.offerCall(callId);
      const offer = connectWebhook({
        callId,
        from: customer,
        phoneNumberId: SECRETS.phoneNumberId,
        sdpOffer: 'v=0\r\n',
      });
      expect((await post(offer)).status).toBe(200);
      await until(() => asha.events.some((e) => e.type === 'call_offered' && e.callId === callId), 'asha rings');
      await asha.client.request('reject', { callId });
      await until(() => graph.actionsFor(callId).includes('reject:200'), 'rejected on WhatsApp');
      const missed = async () => {
        const text = await (await fetch(`${relay.agentUrl.replace(/^ws/, 'http')}metrics`)).text();
        return Number(/^wa_relay_calls_missed_total\{queue="care"\} (\d+)/m.exec(text)?.[1] ?? 0);
      };
      const missedBefore = await missed();
      const end = terminateWebhook({ callId, from: customer, phoneNumberId: SECRETS.phoneNumberId, status: 'FAILED' });
      expect((await post(end)).status).toBe(200);
      await until(
        async () => (await sql('SELECT 1 FROM calls WHERE call_id = $1 AND ended_at IS NOT NULL', [callId])).length > 0,
        'the call ended in the records',
      );
      // Long enough for a survey to have gone out after the terminate (it is sent once the webhook is answered).
      await pause(1500);
      expect(listsTo(customer)).toEqual([]);
      expect(await rating(callId)).toEqual({ csat_score: null, csat_agent: null });
      // And the figures count it missed, not answered.
      expect(await missed()).toBe(missedBefore + 1);
    } finally {
      asha.client.close();
    }
  });

  it('sends nothing for a queue without a survey, nor when WhatsApp’s 24-hour window is closed', async () => {
    await answeredCall('wacid.survey.plain', '447700900322', 'plain');
    const closed = '447700900323';
    graph.closeServiceWindow(closed);
    await answeredCall('wacid.survey.closed', closed);
    await written();
    await pause(500);
    expect(listsTo('447700900322')).toEqual([]);
    expect(listsTo(closed)).toEqual([]);
    // The refused list was asked for (and refused by Meta's rule), and nothing is waiting for an answer.
    expect(graph.requests.some((r) => JSON.stringify(r.body ?? '').includes(closed))).toBe(true);
  }, 40_000);

  it('every key the relay wrote for the surveys and their calls carries the deployment’s hash tag', async () => {
    const reader = new Redis(team.redis.url);
    try {
      const keys = await everyRedisKey(reader);
      expect(keyKindsOf(keys)).toEqual(expect.arrayContaining(['{surveys}:survey', '{surveys}:survey-answered']));
      expect(keys.filter((k) => !k.startsWith(`${deploymentKeyPrefix('surveys')}:`))).toEqual([]);
    } finally {
      reader.disconnect();
    }
  });
});
