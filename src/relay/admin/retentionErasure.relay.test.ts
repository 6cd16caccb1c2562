import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { connectRelay } from '../../main/transport/relayClient';
import type { RecordEvent } from '../../shared/callRecords';
import type { TeamDataPolicy } from '../../shared/retention';
import { customerDigest } from '../../whatsapp/customerDigest';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueAgentToken, issueSupervisorToken } from '../agentTokens';
import { startRelay, type Relay } from '../relayServer';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { createRetentionSweeper } from './retentionSweeper';
import { deploymentKeyPrefix } from '../relayKeys';

const SECRETS = RELAY_TEST_SECRETS;
const DAY = 24 * 3600_000;
const SWEEP_MS = 1500;
let redis: TestRedis;
let postgres: TestPostgres;
let graph: GraphApiSim;
let first: Relay;
let second: Relay;
let recordings: string;

async function sql<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client(postgres.url);
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
const httpOf = (relay: Relay) => relay.agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
const admin = () => issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });

/** A call of `customer` `daysAgo`, answered by asha, with notes, a room recording, the bot's note and a rating. */
function callEvents(callId: string, customer: string, daysAgo: number): RecordEvent[] {
  const at = Date.now() - daysAgo * DAY;
  writeFileSync(join(recordings, `${callId}.wav`), `RIFF voice of ${customer}`);
  return [
    { kind: 'offered', callId, customer, phoneNumberId: SECRETS.phoneNumberId, queue: 'support', atMs: at },
    { kind: 'rang', callId, agentIds: ['asha'], atMs: at + 10 },
    { kind: 'answered', callId, agentId: 'asha', atMs: at + 2000 },
    { kind: 'ended', callId, customer, status: 'COMPLETED', atMs: at + 60_000 },
    {
      kind: 'wrap_up',
      callId,
      agentId: 'asha',
      outcome: 'Resolved',
      notes: `promised ${customer} a refund`,
      atMs: at + 90_000,
    },
    { kind: 'room_recording', callId, file: `${callId}.wav`, atMs: at + 2100 },
    {
      kind: 'assistant',
      callId,
      summary: 'wants a refund',
      facts: { order: '1234' },
      transcript: [{ speaker: 'customer', text: `this is ${customer}` }],
      atMs: at + 1000,
    },
    { kind: 'csat', callId, agentId: 'asha', score: 4, atMs: at + 120_000 },
  ];
}
const postData = (relay: Relay, token: string | undefined, body: unknown) =>
  fetch(`${httpOf(relay)}/board/api/customer-data`, {
    method: 'POST',
    headers: { ...(token && { Authorization: `Bearer ${token}` }), 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

beforeAll(async () => {
  [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  recordings = mkdtempSync(join(tmpdir(), 'room-recordings-'));
  const common = {
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    prefix: 'retention',
    databaseUrl: postgres.url,
    janusRecordingDir: recordings,
    janusConsentNotice: '/opt/janus/consent.opus',
    retentionSweepMs: SWEEP_MS,
  };
  first = await startRelay({ ...common, logger: createMemoryLogger() });
  second = await startRelay({ ...common, logger: createMemoryLogger() });
  const end = Date.now() + 15_000;
  while ((await sql<{ t: string | null }>("SELECT to_regclass('customer_erasures')::text AS t"))[0]?.t === null) {
    if (Date.now() > end) throw new Error('the customer_erasures table never appeared');
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

describe('one customer’s data, exported or erased by an admin', () => {
  it('refuses anyone but an admin, a forged or expired token, and a customer that is not a number or user ID', async () => {
    await first.records!.db.write(callEvents('hostile-1', '447700900555', 1));
    const body = { customer: '447700900555', action: 'erase' };
    const forged = await issueSupervisorToken('ada', 'not-the-team-secret-at-all', { role: 'admin' });
    const expired = await issueSupervisorToken('ada', SECRETS.agentSecret, {
      role: 'admin',
      now: Date.now() - 3600_000,
      lifetimeMs: 60_000,
    });
    expect((await postData(first, undefined, body)).status).toBe(401);
    expect((await postData(first, forged, body)).status).toBe(401);
    expect((await postData(first, expired, body)).status).toBe(401);
    expect((await postData(first, await issueAgentToken('asha', SECRETS.agentSecret), body)).status).toBe(401);
    const supervisor = await postData(first, await issueSupervisorToken('sam', SECRETS.agentSecret), body);
    expect(supervisor.status).toBe(403);
    expect(await supervisor.text()).toBe('Only an admin may export or erase a customer’s data.\n');
    const wrong = await postData(first, await admin(), { customer: 'alice@example.com', action: 'erase' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { problems: string[] }).problems[0]).toMatch(/^customer: /);
    expect((await postData(first, await admin(), { ...body, extra: 1 })).status).toBe(400);
    expect((await postData(first, await admin(), 'x'.repeat(5000))).status).toBe(413);
    const get = await fetch(`${httpOf(first)}/board/api/customer-data`, {
      headers: { Authorization: `Bearer ${await admin()}` },
    });
    expect(get.status).toBe(405);
    // Nothing was erased by any of them.
    expect(await sql("SELECT call_id FROM calls WHERE customer = '447700900555'")).toEqual([{ call_id: 'hostile-1' }]);
    expect(existsSync(join(recordings, 'hostile-1.wav'))).toBe(true);
    expect(await sql("SELECT 1 FROM audit_log WHERE action IN ('erase_customer', 'export_customer')")).toEqual([]);
  });

  it('exports everything kept about a customer as one tar.gz, erases it everywhere, and says so when nothing is kept', async () => {
    const ana = '447700900731';
    await first.records!.db.write([
      ...callEvents('ana-1', ana, 10),
      ...callEvents('ana-2', ana, 3),
      ...callEvents('ben-1', '447700900732', 3),
    ]);
    // A desk on the other instance, signed in before the erasure, hears of it within seconds.
    const policies: TeamDataPolicy[] = [];
    const desk = connectRelay({
      urls: [second.agentUrl],
      token: await issueAgentToken('asha', SECRETS.agentSecret),
      onEvent: () => undefined,
      onTeamDataPolicy: (p) => policies.push(p),
    });
    try {
      await desk.ready();
      const exported = await postData(first, await admin(), { customer: '+44 7700 900731', action: 'export' });
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toBe('application/gzip');
      expect(JSON.parse(exported.headers.get('x-customer-data')!)).toEqual({
        calls: 2,
        notes: 2,
        roomRecordings: 2,
        transcripts: 2,
        surveyAnswers: 2,
      });
      const dir = mkdtempSync(join(tmpdir(), 'customer-archive-'));
      writeFileSync(join(dir, 'archive.tar.gz'), Buffer.from(await exported.arrayBuffer()));
      // Read by the system's own tar: the archive is a plain tar.gz any tool opens.
      const listed = execFileSync('tar', ['-tzf', join(dir, 'archive.tar.gz')], { encoding: 'utf8' });
      expect(listed.trim().split('\n').sort()).toEqual([
        'customer.json',
        'recordings/ana-1.wav',
        'recordings/ana-2.wav',
      ]);
      mkdirSync(join(dir, 'out'));
      execFileSync('tar', ['-xzf', join(dir, 'archive.tar.gz'), '-C', join(dir, 'out')]);
      const document = JSON.parse(readFileSync(join(dir, 'out', 'customer.json'), 'utf8')) as {
        customer: string;
        calls: Array<Record<string, unknown>>;
        rings: unknown[];
      };
      expect(document.customer).toBe(ana);
      expect(document.calls.map((c) => c.call_id)).toEqual(['ana-1', 'ana-2']);
      expect(document.calls[0]).toMatchObject({
        notes: `promised ${ana} a refund`,
        csat_score: 4,
        room_recording: 'ana-1.wav',
        assistant: { summary: 'wants a refund', transcript: [{ speaker: 'customer', text: `this is ${ana}` }] },
      });
      expect(document.rings).toHaveLength(2);
      expect(readFileSync(join(dir, 'out', 'recordings', 'ana-2.wav'), 'utf8')).toBe(`RIFF voice of ${ana}`);

      // What Redis keeps about Ana for days: who asked her for permission, who dealt with her missed call, her last
      // agent, an open survey (and its answer mark); Ben's survey beside it.
      const kv = new Redis(redis.url);
      const keyPrefix = deploymentKeyPrefix('retention');
      await kv.set(`${keyPrefix}:permreq:${ana}`, 'asha', 'EX', 600);
      await kv.set(`${keyPrefix}:missed-handled:${ana}`, '1', 'EX', 600);
      await kv.set(`${keyPrefix}:last-agent:${ana}`, 'asha', 'EX', 600);
      await kv.set(`${keyPrefix}:survey:s-ana`, JSON.stringify({ callId: 'ana-2', agentId: 'asha', customer: ana }));
      await kv.set(`${keyPrefix}:survey-answered:s-ana`, '4');
      await kv.set(`${keyPrefix}:survey:s-ben`, JSON.stringify({ callId: 'ben-1', agentId: 'asha', customer: 'x' }));

      const erased = await postData(first, await admin(), { customer: ana, action: 'erase' });
      expect(erased.status).toBe(200);
      expect(await erased.json()).toEqual({
        found: { calls: 2, notes: 2, roomRecordings: 2, transcripts: 2, surveyAnswers: 2 },
      });
      expect(await sql('SELECT call_id FROM calls WHERE customer = $1', [ana])).toEqual([]);
      expect(await sql("SELECT call_id FROM call_offers WHERE call_id LIKE 'ana-%'")).toEqual([]);
      expect([existsSync(join(recordings, 'ana-1.wav')), existsSync(join(recordings, 'ana-2.wav'))]).toEqual([
        false,
        false,
      ]);
      // Another customer's calls and recording stay.
      expect(await sql("SELECT notes FROM calls WHERE call_id = 'ben-1'")).toEqual([
        { notes: 'promised 447700900732 a refund' },
      ]);
      expect(existsSync(join(recordings, 'ben-1.wav'))).toBe(true);
      expect((await kv.keys(`${keyPrefix}:*`)).filter((k) => k.includes(ana) || k.includes(':survey'))).toEqual([
        `${keyPrefix}:survey:s-ben`,
      ]);
      kv.disconnect();

      const nothing = await postData(first, await admin(), { customer: '447700900000', action: 'erase' });
      expect(nothing.status).toBe(404);
      expect(await nothing.json()).toEqual({
        found: { calls: 0, notes: 0, roomRecordings: 0, transcripts: 0, surveyAnswers: 0 },
      });
      const nothingToExport = await postData(first, await admin(), { customer: ana, action: 'export' });
      expect(nothingToExport.status).toBe(404);

      // The desk signed in on the other instance learns whom to forget, by digest, within seconds.
      await expect
        .poll(() => policies.at(-1)?.erasedCustomers?.map((e) => e.digest), { timeout: 8000, interval: 100 })
        .toContain(customerDigest(ana));
      expect(JSON.stringify(policies)).not.toContain(ana);

      const audit = await sql<{ actor: string; action: string; target: string; detail: string }>(
        "SELECT actor, action, target, detail FROM audit_log WHERE action IN ('erase_customer', 'export_customer') ORDER BY id",
      );
      const anaTarget = `customer #${customerDigest(ana).slice(0, 16)}`;
      expect(audit).toEqual([
        {
          actor: 'ada',
          action: 'export_customer',
          target: anaTarget,
          detail: 'calls: 2, notes: 2, room recordings: 2, transcripts: 2, survey answers: 2',
        },
        {
          actor: 'ada',
          action: 'erase_customer',
          target: anaTarget,
          detail: 'calls: 2, notes: 2, room recordings: 2, transcripts: 2, survey answers: 2',
        },
        {
          actor: 'ada',
          action: 'erase_customer',
          target: `customer #${customerDigest('447700900000').slice(0, 16)}`,
          detail: 'nothing kept at the team',
        },
        // Looking for what is no longer there leaves its trace too.
        { actor: 'ada', action: 'export_customer', target: anaTarget, detail: 'nothing kept at the team' },
      ]);
      // The append-only trail keeps no trace of the number itself.
      expect(await sql("SELECT id FROM audit_log WHERE concat(target, detail) LIKE '%900731%'")).toEqual([]);
    } finally {
      desk.close();
    }
  });

  it('never writes an erased call back: its hang-up, wrap-up and rating arriving later, and a call still on its way, stay gone; a later call is kept', async () => {
    const cara = '447700900741';
    // One call recorded before the erasure; another whose events were still on their way when it happened.
    await first.records!.db.write([
      {
        kind: 'offered',
        callId: 'cara-1',
        customer: cara,
        phoneNumberId: SECRETS.phoneNumberId,
        atMs: Date.now() - 5000,
      },
    ]);
    const inFlight = callEvents('cara-2', cara, 0).map((e) => ({ ...e, atMs: Date.now() - 4000 }));
    expect((await postData(first, await admin(), { customer: cara, action: 'erase' })).status).toBe(200);

    const late = callEvents('cara-1', cara, 0).filter((e) => e.kind !== 'offered');
    await first.records!.db.write(late);
    await second.records!.db.write(inFlight);
    // A call the customer places after the erasure is a new record, kept as any other.
    const after = Date.now() + 1000;
    await first.records!.db.write([
      { kind: 'offered', callId: 'cara-3', customer: cara, phoneNumberId: SECRETS.phoneNumberId, atMs: after },
    ]);
    expect(await sql("SELECT call_id, customer FROM calls WHERE call_id LIKE 'cara-%' ORDER BY call_id")).toEqual([
      { call_id: 'cara-3', customer: cara },
    ]);
    expect(await sql("SELECT call_id FROM call_offers WHERE call_id LIKE 'cara-%'")).toEqual([]);
    expect(await sql("SELECT call_id FROM call_parties WHERE call_id LIKE 'cara-%'")).toEqual([]);
    expect(await sql("SELECT call_id FROM erased_calls WHERE call_id LIKE 'cara-%' ORDER BY call_id")).toEqual([
      { call_id: 'cara-1' },
      { call_id: 'cara-2' },
    ]);
  });
});

describe('retention set by the admin', () => {
  it('deletes expired data once, by one instance, from PostgreSQL and the recordings folder, with a count in the audit trail; desks hear the policy', async () => {
    await first.records!.db.write([
      ...callEvents('kept-old', '447700900801', 400),
      ...callEvents('kept-mid', '447700900802', 40),
      ...callEvents('kept-new', '447700900803', 2),
    ]);
    const policies: TeamDataPolicy[] = [];
    const desk = connectRelay({
      urls: [first.agentUrl],
      token: await issueAgentToken('ben', SECRETS.agentSecret),
      onEvent: () => undefined,
      onTeamDataPolicy: (p) => policies.push(p),
    });
    try {
      await desk.ready();
      // Nothing expires before the admin says so.
      await new Promise((r) => setTimeout(r, SWEEP_MS * 1.5));
      expect(await sql("SELECT 1 FROM calls WHERE call_id = 'kept-old'")).toHaveLength(1);

      const retention = { callRecords: 365, notes: 30, roomRecordings: 30, surveyAnswers: 30, metaMedia: 7 };
      const saved = await fetch(`${httpOf(second)}/board/api/settings`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${await admin()}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ notReadyReasons: ['break'], wrapUpCodes: ['Resolved'], retention }),
      });
      expect(saved.status).toBe(200);
      await expect.poll(() => policies.at(-1)?.retention, { timeout: 8000, interval: 100 }).toEqual(retention);
      await expect
        .poll(() => sql("SELECT detail FROM audit_log WHERE action = 'retention_sweep'"), {
          timeout: 15_000,
          interval: 200,
        })
        .toHaveLength(1);
      const [sweep] = await sql<{ actor: string; detail: string }>(
        "SELECT actor, detail FROM audit_log WHERE action = 'retention_sweep'",
      );
      expect(sweep!.detail).toBe('call records: 1, notes: 1, room recordings: 2, survey answers: 1');
      expect([`relay ${first.instance}`, `relay ${second.instance}`]).toContain(sweep!.actor);

      expect(await sql("SELECT call_id FROM calls WHERE call_id LIKE 'kept-%' ORDER BY call_id")).toEqual([
        { call_id: 'kept-mid' },
        { call_id: 'kept-new' },
      ]);
      expect(await sql("SELECT 1 FROM call_offers WHERE call_id = 'kept-old'")).toEqual([]);
      expect(
        await sql("SELECT notes, assistant, room_recording, csat_score, outcome FROM calls WHERE call_id = 'kept-mid'"),
      ).toEqual([{ notes: null, assistant: null, room_recording: null, csat_score: null, outcome: 'Resolved' }]);
      expect(await sql("SELECT notes, room_recording, csat_score FROM calls WHERE call_id = 'kept-new'")).toEqual([
        { notes: 'promised 447700900803 a refund', room_recording: 'kept-new.wav', csat_score: 4 },
      ]);
      expect(['kept-old', 'kept-mid', 'kept-new'].map((id) => existsSync(join(recordings, `${id}.wav`)))).toEqual([
        false,
        false,
        true,
      ]);
      // The next sweeps (after the day's lease runs out, on either instance) find nothing more to delete.
      await new Promise((r) => setTimeout(r, SWEEP_MS * 2.5));
      expect(await sql("SELECT 1 FROM audit_log WHERE action = 'retention_sweep'")).toHaveLength(1);
    } finally {
      desk.close();
    }
  });

  it('is swept by one instance at a time: two sweepers on one Redis never overlap and sweep once per period', async () => {
    const client = new Redis(redis.url);
    const sweeps: Array<{ who: string; start: number; end: number }> = [];
    const make = (who: string) =>
      createRetentionSweeper({
        redis: client,
        key: 'lease-test:retention-lease',
        instance: who,
        policy: () => ({ callRecords: 30 }),
        async sweep() {
          const start = Date.now();
          await new Promise((r) => setTimeout(r, 150));
          sweeps.push({ who, start, end: Date.now() });
          return { callRecords: 0, notes: 0, roomRecordings: 0, surveyAnswers: 0 };
        },
        onSwept: () => undefined,
        log: createMemoryLogger(),
        everyMs: 1000,
      });
    const a = make('a');
    const b = make('b');
    a.start();
    b.start();
    await new Promise((r) => setTimeout(r, 3500));
    await a.stop();
    await b.stop();
    client.disconnect();
    sweeps.sort((x, y) => x.start - y.start);
    // About one sweep a second (fewer on a loaded machine), never two at once, never two within one lease.
    expect(sweeps.length).toBeGreaterThanOrEqual(2);
    expect(sweeps.length).toBeLessThanOrEqual(4);
    for (let i = 1; i < sweeps.length; i++) {
      expect(sweeps[i]!.start).toBeGreaterThanOrEqual(sweeps[i - 1]!.end);
      // The lease is a second in Redis; measured here, give or take the round trips' jitter.
      expect(sweeps[i]!.start - sweeps[i - 1]!.start).toBeGreaterThanOrEqual(900);
    }
  });
});
