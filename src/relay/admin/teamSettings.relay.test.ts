import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectRelay } from '../../main/transport/relayClient';
import type { CallSignal } from '../../shared/callSignals';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueAgentToken, issueSupervisorToken } from '../agentTokens';
import { startRelay, type Relay } from '../relayServer';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from '../testSecrets';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../../sim/webhookSender';
import { AgentFacingError } from '../../shared/agentErrors';

const SECRETS = RELAY_TEST_SECRETS;
let redis: TestRedis;
let postgres: TestPostgres;
let graph: GraphApiSim;
let first: Relay;
let second: Relay;

async function sql<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  const client = new pg.Client(postgres.url);
  await client.connect();
  try {
    return (await client.query<R>(text)).rows;
  } finally {
    await client.end();
  }
}
const httpOf = (relay: Relay) => relay.agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
const put = (relay: Relay, token: string, body: unknown) =>
  fetch(`${httpOf(relay)}/board/api/settings`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const common = {
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    prefix: 'settings',
    databaseUrl: postgres.url,
  };
  first = await startRelay({ ...common, logger: createMemoryLogger() });
  second = await startRelay({ ...common, logger: createMemoryLogger() });
  const end = Date.now() + 15_000;
  while (
    (await sql<{ t: string | null }>("SELECT to_regclass('team_settings')::text AS t"))[0]?.t !== 'team_settings'
  ) {
    if (Date.now() > end) throw new Error('the team_settings table never appeared');
    await new Promise((r) => setTimeout(r, 50));
  }
}, 60_000);
afterAll(async () => {
  await first?.close();
  await second?.close();
  await graph?.close();
  await redis?.stop();
  await postgres?.stop();
});

describe('team settings an admin changes, applied by every instance without restart', () => {
  it('refuses a wrong value naming the field, and anyone but an admin', async () => {
    const admin = await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });
    const wrong = await put(first, admin, { notReadyReasons: ['break', 'Break!'], wrapUpCodes: [] });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toEqual({
      problems: [
        'notReadyReasons.1: a reason is 1 to 40 letters (lower-case where the script has cases), digits, spaces, - or _',
        'wrapUpCodes: name at least one outcome code',
      ],
      issues: [
        { path: ['notReadyReasons', 1], rule: 'reasonFormat' },
        { path: ['wrapUpCodes'], rule: 'codesMin' },
      ],
    });
    const notJson = await put(first, admin, '{not json');
    expect([notJson.status, await notJson.json()]).toEqual([
      400,
      { problems: ['(settings): not JSON'], issues: [{ path: [], rule: 'notJson' }] },
    ]);
    expect((await put(first, admin, 'x'.repeat(20_000))).status).toBe(413);
    const supervisor = await issueSupervisorToken('sam', SECRETS.agentSecret);
    expect((await put(first, supervisor, { notReadyReasons: ['break'], wrapUpCodes: ['Resolved'] })).status).toBe(403);
    // Reading is no change: a supervisor's board reads what is in force.
    const read = await fetch(`${httpOf(first)}/board/api/settings`, {
      headers: { Authorization: `Bearer ${supervisor}` },
    });
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({
      version: 0,
      settings: { wrapUpCodes: ['Resolved', 'Follow-up needed', 'Sales', 'Complaint'] },
    });
    expect(await sql('SELECT version FROM team_settings')).toEqual([]);
  });

  it('a change saved on one instance reaches a desk on the other within seconds, and its new reason is taken', async () => {
    const reasons: string[][] = [];
    const events: CallSignal[] = [];
    const desk = connectRelay({
      urls: [second.agentUrl],
      token: await issueAgentToken('asha', SECRETS.agentSecret),
      onEvent: (e) => events.push(e),
      onConnection: (state) => state.notReadyReasons && reasons.push(state.notReadyReasons),
    });
    try {
      await desk.ready();
      expect(reasons.at(-1)).not.toContain('coaching');
      // Before the change, the desk cannot be not ready for coaching.
      desk.setStatus('busy', 'coaching');
      await new Promise((r) => setTimeout(r, 300));
      expect(events.some((e) => e.type === 'agent_state' && e.reason === 'coaching')).toBe(false);

      const admin = await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });
      const saved = await put(first, admin, {
        notReadyReasons: ['break', 'coaching'],
        wrapUpCodes: ['Resolved', 'Callback booked'],
      });
      expect(saved.status).toBe(200);
      expect(await saved.json()).toEqual({ version: 1 });
      const savedAt = Date.now();
      await expect.poll(() => reasons.at(-1), { timeout: 5000, interval: 50 }).toEqual(['break', 'coaching']);
      expect(Date.now() - savedAt).toBeLessThan(5000);

      desk.setStatus('busy', 'coaching');
      await expect
        .poll(() => events.some((e) => e.type === 'agent_state' && e.state === 'not_ready' && e.reason === 'coaching'))
        .toBe(true);

      const current = await fetch(`${httpOf(second)}/board/api/settings`, {
        headers: { Authorization: `Bearer ${admin}` },
      });
      expect(await current.json()).toMatchObject({
        version: 1,
        changedBy: 'ada',
        settings: { notReadyReasons: ['break', 'coaching'], wrapUpCodes: ['Resolved', 'Callback booked'] },
      });
      expect(await sql("SELECT actor, target FROM audit_log WHERE action = 'config_change'")).toEqual([
        { actor: 'ada', target: 'team settings v1' },
      ]);
    } finally {
      desk.close();
    }
  });

  it('a wrap-up is kept once, with one of the team’s outcomes: another outcome or a second save is refused by key', async () => {
    const admin = await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });
    const settings = { notReadyReasons: ['break'], wrapUpCodes: ['Resolved', 'Callback booked'] };
    expect((await put(first, admin, settings)).status).toBe(200);
    const events: CallSignal[] = [];
    let codes: string[] | undefined;
    const desk = connectRelay({
      urls: [second.agentUrl],
      token: await issueAgentToken('bea', SECRETS.agentSecret),
      onEvent: (e) => events.push(e),
      onConnection: (state) => (codes = state.wrapUpCodes ?? codes),
    });
    const refusalOf = (outcome: string) =>
      desk.request('wrap_up', { callId, outcome, notes: 'asked about the order' }).then(
        () => undefined,
        (error: unknown) => (error instanceof AgentFacingError ? error.said : error),
      );
    const callId = 'wacid.settings.wrapup';
    try {
      await desk.ready();
      await expect.poll(() => codes, { timeout: 5000 }).toEqual(settings.wrapUpCodes);
      desk.setStatus('available');
      const call = { callId, from: '447700900811', phoneNumberId: SECRETS.phoneNumberId };
      graph.offerCall(callId);
      await postSignedWebhook(first.webhookUrl, connectWebhook({ ...call, sdpOffer: 'v=0\r\n' }), SECRETS.appSecret);
      await expect.poll(() => events.some((e) => e.type === 'call_offered' && e.callId === callId)).toBe(true);
      await desk.request('pre_accept', { callId, sdp: TEST_ANSWER_SDP });
      await desk.request('accept', { callId, sdp: TEST_ANSWER_SDP });
      await postSignedWebhook(first.webhookUrl, terminateWebhook({ ...call, status: 'COMPLETED' }), SECRETS.appSecret);

      expect(await refusalOf('Sold')).toEqual({ key: 'relayUnknownOutcome', values: { outcome: 'Sold' } });
      expect(await refusalOf('Resolved')).toBeUndefined();
      expect(await refusalOf('Callback booked')).toEqual({ key: 'relayWrappedUpAlready' });
      await expect
        .poll(
          async () => await sql<{ outcome: string | null }>(`SELECT outcome FROM calls WHERE call_id = '${callId}'`),
          {
            timeout: 10_000,
          },
        )
        .toEqual([{ outcome: 'Resolved' }]);
    } finally {
      desk.close();
    }
  });

  it('a save based on an older version is refused instead of undoing a newer one, and fields left out stay', async () => {
    const admin = await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });
    const read = async () =>
      (await (
        await fetch(`${httpOf(second)}/board/api/settings`, { headers: { Authorization: `Bearer ${admin}` } })
      ).json()) as { version: number; settings: Record<string, unknown> };
    const opened = (await read()).version;
    // Tab B saves a retention and a maximum wait.
    const tabB = await put(first, admin, {
      notReadyReasons: ['break'],
      wrapUpCodes: ['Resolved'],
      retention: { callRecords: 30 },
      basedOn: opened,
    });
    expect(tabB.status).toBe(200);
    // Tab A, opened before, changes only the reasons: refused, naming who saved meanwhile.
    const tabA = await put(first, admin, {
      notReadyReasons: ['break', 'lunch'],
      wrapUpCodes: ['Resolved'],
      basedOn: opened,
    });
    expect(tabA.status).toBe(409);
    expect(await tabA.json()).toEqual({ version: opened + 1, changedBy: 'ada' });
    expect((await read()).settings).toMatchObject({ notReadyReasons: ['break'], retention: { callRecords: 30 } });
    // A change that names only some fields (README's example, an API script) keeps the others.
    expect((await put(first, admin, { notReadyReasons: ['break', 'lunch'] })).status).toBe(200);
    expect((await read()).settings).toMatchObject({
      notReadyReasons: ['break', 'lunch'],
      wrapUpCodes: ['Resolved'],
      retention: { callRecords: 30 },
    });
  });

  it('of saves made at once on the same version one lands and the others are told the newest; unversioned ones all land', async () => {
    const admin = await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });
    const newest = async () =>
      (await sql<{ v: number | null }>('SELECT max(version) AS v FROM team_settings'))[0]!.v ?? 0;
    const opened = await newest();
    // Eight tabs opened on the same version save together, on both instances.
    const replies = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        put(i % 2 ? first : second, admin, {
          notReadyReasons: ['break', `tab ${i}`],
          wrapUpCodes: ['Resolved'],
          basedOn: opened,
        }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    // The winner's number need not be opened + 1: a refused insert still draws a number from the sequence.
    const won = ((await replies.find((r) => r.status === 200)!.json()) as { version: number }).version;
    expect(won).toBeGreaterThan(opened);
    expect(await newest()).toBe(won);
    // Each refused tab is told the version that won, not the one it read before the winner landed.
    for (const r of replies.filter((r) => r.status === 409))
      expect(await r.json()).toMatchObject({ version: won, changedBy: 'ada' });

    // Saves that name no version (an API script) each land, one after another.
    const scripts = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        put(i % 2 ? first : second, admin, { notReadyReasons: ['break', `s${i}`], wrapUpCodes: ['Resolved'] }),
      ),
    );
    expect(scripts.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const versions = await Promise.all(scripts.map(async (r) => ((await r.json()) as { version: number }).version));
    // Six versions, each its own (a save that lost a turn leaves a gap in the numbers, never a repeat).
    expect(new Set(versions).size).toBe(6);
    expect(Math.min(...versions)).toBeGreaterThan(won);
    expect(await newest()).toBe(Math.max(...versions));
  });

  it('a save that changes nothing is no new version, and the audit trail records no change', async () => {
    const admin = await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });
    const { version, settings } = (await (
      await fetch(`${httpOf(second)}/board/api/settings`, { headers: { Authorization: `Bearer ${admin}` } })
    ).json()) as { version: number; settings: { wrapUpCodes: string[] } & Record<string, unknown> };
    const newest = async () => (await sql<{ v: number }>('SELECT max(version) AS v FROM team_settings'))[0]!.v;
    const audited = async () =>
      (await sql<{ target: string }>("SELECT target FROM audit_log WHERE action = 'config_change' ORDER BY id")).map(
        (r) => r.target,
      );
    const before = await audited();
    // The settings in force sent back as they are, with their version (a second Save) or without (a script's retry).
    for (const body of [{ ...settings, basedOn: version }, settings, { notReadyReasons: settings.notReadyReasons }]) {
      const same = await put(first, admin, body);
      expect(same.status).toBe(200);
      expect(await same.json()).toEqual({ version, unchanged: true });
    }
    expect(await newest()).toBe(version);
    // A real change is the next version, and the only change the trail records.
    const wrapUpCodes = [...settings.wrapUpCodes, 'Nothing else'];
    const changed = await put(first, admin, { ...settings, wrapUpCodes, basedOn: version });
    const { version: next } = (await changed.json()) as { version: number };
    expect(next).toBeGreaterThan(version);
    await expect.poll(audited, { timeout: 10_000 }).toEqual([...before, `team settings v${next}`]);
  });
});
