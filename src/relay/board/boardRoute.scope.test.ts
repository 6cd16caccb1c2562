import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../../../sim/webhookSender';
import { TeamQueues } from '../../shared/teamQueues';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueSupervisorToken } from '../agentTokens';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from '../testSecrets';
import { signInTestBoard, type TestBoard } from './testBoard';

const SECRETS = RELAY_TEST_SECRETS;
const QUEUES = {
  defaultQueue: 'support',
  queues: [
    { id: 'sales', name: 'Sales', routing: 'ring_all', payloads: ['sales'], agents: { asha: 1 } },
    { id: 'support', name: 'Support', routing: 'ring_all', agents: { ben: 1 } },
  ],
};
let redis: TestRedis;
let postgres: TestPostgres;
let graph: GraphApiSim;
let relay: Relay;
let queuesFile: string;
const desks: Array<{ close(): void }> = [];

beforeAll(async () => {
  [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  queuesFile = join(mkdtempSync(join(tmpdir(), 'scope-queues-')), 'queues.json');
  writeFileSync(queuesFile, JSON.stringify(QUEUES));
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'scope',
    databaseUrl: postgres.url,
    queues: TeamQueues.parse(QUEUES),
  });
}, 60_000);
afterAll(async () => {
  for (const d of desks) d.close();
  await relay?.close();
  await graph?.close();
  await redis?.stop();
  await postgres?.stop();
});

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not in time: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `npm run relay -- token …`, the operator's real command, with this test's queues file. */
async function tokenCommand(...words: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'index.ts'), 'token', ...words],
    { env: { ...process.env, RELAY_AGENT_SECRET: SECRETS.agentSecret, RELAY_QUEUES_FILE: queuesFile } },
  );
  return stdout.trim();
}

/** A call that rings the agent its queue sends it to, who answers it: it is then in progress. */
async function answeredCall(agentId: string, callId: string, from: string, ctaPayload?: string): Promise<void> {
  const desk = await connectTestAgent(agentId, [relay.agentUrl]);
  desks.push(desk.client);
  graph.offerCall(callId);
  const body = connectWebhook({
    callId,
    from,
    phoneNumberId: SECRETS.phoneNumberId,
    sdpOffer: 'v=0\r\n',
    ctaPayload,
  });
  await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret);
  await until(() => desk.events.some((e) => e.type === 'call_offered' && e.callId === callId), `${callId} rings`);
  await desk.client.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
  await desk.client.request('accept', { callId, sdp: TEST_ANSWER_SDP });
}

const todayIso = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const base = () => relay.agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
const api = (path: string, token: string) =>
  fetch(`${base()}${path}`, { headers: { Authorization: `Bearer ${token}` } });
const lastError = (board: TestBoard) => [...board.messages].reverse().find((m) => m.type === 'error');

describe('a supervisor limited to some queues', () => {
  it('sees only their queues’ calls, agents and figures, and nothing of the others’', async () => {
    await expect(tokenCommand('--supervisor', 'sally', '--queues', 'sales,nope')).rejects.toThrow('no queue nope');
    await expect(tokenCommand('asha', '--queues', 'sales')).rejects.toThrow('--supervisor');
    const sally = await tokenCommand('--supervisor', 'sally', '--queues', 'sales');
    expect(decodeJwt(sally)).toMatchObject({ sub: 'sally', queues: ['sales'] });
    const sam = await issueSupervisorToken('sam', SECRETS.agentSecret);

    await answeredCall('ben', 'wacid.scope.support', '447700900601');
    await answeredCall('asha', 'wacid.scope.sales', '447700900602', 'sales');
    const whole = await signInTestBoard(relay.agentUrl, sam);
    await until(
      () => whole.snapshot()?.inProgress.length === 2 && whole.snapshot()?.today.ok === true,
      'both calls on the whole team’s board',
    );
    await until(() => {
      const today = whole.snapshot()!.today;
      return today.ok && today.team.offered === 2;
    }, 'both calls in today’s figures');

    const scoped = await signInTestBoard(relay.agentUrl, sally);
    const seen = scoped.snapshot()!;
    expect(seen.inProgress.map((c) => c.callId)).toEqual(['wacid.scope.sales']);
    // The wallboard turns through the board's queues: hers only; the whole team's board has every queue.
    expect(seen.queues).toEqual(['sales']);
    expect(whole.snapshot()!.queues).toEqual(['sales', 'support']);
    expect(seen.agents.map((a) => [a.id, a.queues])).toEqual([['asha', ['sales']]]);
    expect(seen.today).toMatchObject({ ok: true, team: { offered: 1 }, byQueue: [{ queue: 'sales', offered: 1 }] });
    expect(seen.today.ok && seen.today.byAgent.map((a) => a.agent)).toEqual(['asha']);
    expect(JSON.stringify(scoped.messages)).not.toContain('wacid.scope.support');

    scoped.ws.send(JSON.stringify({ type: 'listen', callId: 'wacid.scope.support' }));
    await until(() => scoped.messages.some((m) => m.type === 'listen_ended'), 'listen refused');
    expect(scoped.messages.find((m) => m.type === 'listen_ended')).toEqual({
      type: 'listen_ended',
      callId: 'wacid.scope.support',
      reason: 'That call is in a queue outside your board, so you cannot listen to it.',
    });
    for (const request of [
      { type: 'agent_calls', agentId: 'ben' },
      { type: 'set_status', agentId: 'ben', status: 'away' },
    ]) {
      const before = scoped.messages.length;
      scoped.ws.send(JSON.stringify(request));
      await until(() => scoped.messages.slice(before).some((m) => m.type === 'error'), `${request.type} refused`);
      expect(lastError(scoped)).toEqual({ type: 'error', message: 'ben does not serve your queues.' });
    }
    expect(scoped.messages.some((m) => m.type === 'agent_calls')).toBe(false);
    await new Promise((r) => setTimeout(r, 1200));
    expect(whole.snapshot()!.agents.find((a) => a.id === 'ben')?.reason).not.toBe('away');

    const report = `/board/api/report?from=${todayIso()}&to=${todayIso()}`;
    const scopedReport = (await (await api(report, sally)).json()) as { team: { offered: number }; byQueue: unknown[] };
    expect(scopedReport.team.offered).toBe(1);
    expect(scopedReport.byQueue).toEqual([expect.objectContaining({ queue: 'sales', offered: 1 })]);
    const wholeReport = (await (await api(report, sam)).json()) as { team: { offered: number } };
    expect(wholeReport.team.offered).toBe(2);

    const recording = (callId: string, token: string) => api(`/board/api/recording?callId=${callId}`, token);
    expect((await recording('wacid.scope.support', sally)).status).toBe(403);
    expect((await recording('wacid.scope.support', sam)).status).toBe(404);
    expect((await recording('wacid.scope.sales', sally)).status).toBe(404);
    whole.ws.close();
    scoped.ws.close();
  }, 60_000);
});
