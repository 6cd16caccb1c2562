import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import WebSocket from 'ws';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueSupervisorToken } from '../agentTokens';
import { IdentityRoles } from '../../shared/identityRoles';
import { startRelay, type Relay } from '../relayServer';
import { connectTestAgent } from '../testAgent';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { signInTestBoard, openTestBoard } from '../board/testBoard';

const SECRETS = RELAY_TEST_SECRETS;
let redis: TestRedis;
let postgres: TestPostgres;
let graph: GraphApiSim;
let relay: Relay;
let base: string;
let agent: Awaited<ReturnType<typeof connectTestAgent>>;
const recordings = mkdtempSync(join(tmpdir(), 'audit-recordings-'));

type Row = {
  actor: string;
  role: string;
  action: string;
  target: string | null;
  detail: string | null;
  source: string;
};

async function sql<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]> {
  const client = new pg.Client(postgres.url);
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The audit lines written since the test began, once one of `action` is there. */
/** The trail once it has an entry of this action (with this detail, when given: an earlier one may be there). */
async function auditLines(action: string, ms = 8000, detail?: string): Promise<Row[]> {
  const end = Date.now() + ms;
  for (;;) {
    const rows = await sql<Row>('SELECT actor, role, action, target, detail, source FROM audit_log ORDER BY id');
    if (rows.some((r) => r.action === action && (detail === undefined || r.detail === detail))) return rows;
    if (Date.now() > end) throw new Error(`no ${action} in the audit trail: ${JSON.stringify(rows)}`);
    await pause(25);
  }
}
const get = (path: string, token: string) => fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });

beforeAll(async () => {
  [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const pageDir = mkdtempSync(join(tmpdir(), 'board-'));
  mkdirSync(join(pageDir, 'assets'));
  writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>board</title>');
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'audit',
    boardDir: pageDir,
    databaseUrl: postgres.url,
    janusRecordingDir: recordings,
    janusConsentNotice: '/opt/janus/consent.opus',
    // Only for its callback: no provider is asked before a sign-in under way is found.
    companySignIn: {
      issuer: 'http://127.0.0.1:9/',
      clientId: 'relay',
      clientSecret: 'secret',
      publicUrl: 'http://127.0.0.1:1',
      roles: IdentityRoles.parse({ roles: { agent: ['phones'] } }),
      sessionMinutes: 5,
    },
  });
  base = relay.agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
  const end = Date.now() + 15_000;
  while ((await sql<{ t: string | null }>("SELECT to_regclass('audit_log')::text AS t"))[0]?.t !== 'audit_log') {
    if (Date.now() > end) throw new Error('the audit_log table never appeared');
    await pause(50);
  }
  agent = await connectTestAgent('asha', [relay.agentUrl]);
}, 60_000);
afterAll(async () => {
  agent?.client.close();
  await relay?.close();
  await graph?.close();
  await redis?.stop();
  await postgres?.stop();
});

describe('the audit trail, through the relay and PostgreSQL', () => {
  it('records a board sign-in, a refused one, and a supervisor setting an agent’s state, with who and from where', async () => {
    const token = await issueSupervisorToken('sam', SECRETS.agentSecret);
    const board = await signInTestBoard(relay.agentUrl, token);
    board.ws.send(JSON.stringify({ type: 'set_status', agentId: 'asha', status: 'away' }));
    const rows = await auditLines('set_agent_state');
    expect(rows).toContainEqual({
      actor: 'sam',
      role: 'supervisor',
      action: 'sign_in',
      target: null,
      detail: 'board; queues all',
      source: '127.0.0.1',
    });
    expect(rows).toContainEqual({
      actor: 'sam',
      role: 'supervisor',
      action: 'set_agent_state',
      target: 'asha',
      detail: 'away',
      source: '127.0.0.1',
    });
    board.ws.close();

    const refused = await openTestBoard(relay.agentUrl, base);
    refused.ws.send(JSON.stringify({ type: 'hello', token: 'not-a-token' }));
    await refused.closed;
    expect(await auditLines('sign_in_refused')).toContainEqual(
      expect.objectContaining({
        actor: 'unknown',
        action: 'sign_in_refused',
        detail: 'board: supervisor token malformed',
      }),
    );
  });

  it('records one sign-in for a page moving between the board’s pages with its token, and a new one after a sign-out', async () => {
    const token = await issueSupervisorToken('nina', SECRETS.agentSecret);
    const signInsOfNina = async (mark: string) => {
      const board = await signInTestBoard(relay.agentUrl, token);
      board.ws.send(JSON.stringify({ type: 'set_status', agentId: 'asha', status: 'away', reason: mark }));
      const rows = await auditLines('set_agent_state', 8000, `away: ${mark}`);
      return { board, count: rows.filter((r) => r.actor === 'nina' && r.action === 'sign_in').length };
    };
    const first = await signInsOfNina('lunch');
    expect(first.count).toBe(1);
    // The browser closes a page it leaves (for Reports and back) with 1001.
    first.board.ws.close(1001);
    await first.board.closed;
    const back = await signInsOfNina('break');
    expect(back.count).toBe(1);
    // Sign out closes with 1000: the next sign-in with the same token is one.
    back.board.ws.close(1000);
    await back.board.closed;
    const again = await signInsOfNina('lunch');
    expect(again.count).toBe(2);
    again.board.ws.close(1001);
  });

  it('records a desk’s sign-in and a desk refused', async () => {
    expect(await auditLines('sign_in')).toContainEqual({
      actor: 'asha',
      role: 'agent',
      action: 'sign_in',
      target: null,
      detail: 'desk',
      source: '127.0.0.1',
    });
    const refused = new WebSocket(relay.agentUrl, { headers: { Authorization: 'Bearer forged' } });
    await new Promise((resolve) => refused.on('error', resolve));
    expect(await auditLines('sign_in_refused')).toContainEqual(
      expect.objectContaining({ actor: 'unknown', role: 'agent', detail: 'desk: agent token malformed' }),
    );
  });

  it('records a report viewed on screen, a report exported and a recording played', async () => {
    const token = await issueSupervisorToken('sally', SECRETS.agentSecret);
    expect((await get('/board/api/report?from=2026-01-01&to=2026-01-31&format=json', token)).status).toBe(200);
    expect((await get('/board/api/report?from=2026-01-01&to=2026-01-31&format=csv', token)).status).toBe(200);
    await sql(`INSERT INTO calls (call_id, direction, customer, offered_at, room_recording)
      VALUES ('wacid.rec1', 'inbound', '447700900123', now(), 'wacid.rec1.wav')`);
    writeFileSync(join(recordings, 'wacid.rec1.wav'), Buffer.alloc(64));
    expect((await get('/board/api/recording?callId=wacid.rec1', token)).status).toBe(200);
    const rows = await auditLines('play_recording');
    // The page's on-screen report is a view: no export is recorded for it.
    expect(rows.filter((r) => r.actor === 'sally' && r.action !== 'play_recording')).toEqual([
      {
        actor: 'sally',
        role: 'supervisor',
        action: 'view_report',
        target: null,
        detail: '2026-01-01..2026-01-31 by day',
        source: '127.0.0.1',
      },
      {
        actor: 'sally',
        role: 'supervisor',
        action: 'export_report',
        target: null,
        detail: '2026-01-01..2026-01-31 by day as csv',
        source: '127.0.0.1',
      },
    ]);
    expect(rows).toContainEqual({
      actor: 'sally',
      role: 'supervisor',
      action: 'export_report',
      target: null,
      detail: '2026-01-01..2026-01-31 by day as csv',
      source: '127.0.0.1',
    });
    expect(rows).toContainEqual(
      expect.objectContaining({ actor: 'sally', action: 'play_recording', target: 'wacid.rec1' }),
    );
  });

  it('records a company sign-in refused at the callback', async () => {
    expect((await fetch(`${base}/auth/callback?code=x&state=forged`, { redirect: 'manual' })).status).toBe(302);
    // Written just after the reply: waited for by its own detail (earlier tests left other refusals in the trail).
    const detail = 'failed: no sign-in under way for this state';
    expect(await auditLines('sign_in_refused', 8000, detail)).toContainEqual(
      expect.objectContaining({ action: 'sign_in_refused', detail: 'failed: no sign-in under way for this state' }),
    );
  });

  it('shows the trail to an admin only, as JSON and CSV, and records that export too', async () => {
    const supervisor = await issueSupervisorToken('sam', SECRETS.agentSecret);
    const admin = await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' });
    const today = new Date().toISOString().slice(0, 10);
    const path = `/board/api/audit?from=${today}&to=${today}`;
    expect((await get(path, supervisor)).status).toBe(403);
    expect((await fetch(`${base}${path}`)).status).toBe(401);
    expect((await get(`/board/api/audit?from=${today}&to=2020-01-01`, admin)).status).toBe(400);
    // A day that does not exist is the asker's mistake, not the database's.
    expect((await get(`/board/api/audit?from=2026-02-30&to=${today}`, admin)).status).toBe(400);
    // Enough entries for ids of two digits: the trail reads in the order it was written, 9 before 10.
    for (let i = 0; i < 12; i += 1) expect((await get(path, admin)).status).toBe(200);
    expect(Number((await sql<{ n: string }>('SELECT max(id)::text AS n FROM audit_log'))[0]!.n)).toBeGreaterThan(10);
    const json = (await (await get(path, admin)).json()) as Array<{
      id: string;
      actor: string;
      action: string;
      at: string;
    }>;
    const ids = json.map((r) => Number(r.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(json.map((r) => r.action)).toEqual(
      expect.arrayContaining(['sign_in', 'set_agent_state', 'export_report', 'play_recording', 'sign_in_refused']),
    );
    expect(json[0]!.at).toMatch(new RegExp(`^${today}T`));
    const csv = await get(`${path}&format=csv`, admin);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const lines = parse(await csv.text()) as string[][];
    expect(lines[0]).toEqual(['id', 'at', 'actor', 'role', 'action', 'target', 'detail', 'source']);
    expect(lines.some((l) => l[2] === 'sam' && l[4] === 'set_agent_state' && l[5] === 'asha')).toBe(true);
    const trail = await auditLines('export_audit');
    expect(trail).toContainEqual(
      expect.objectContaining({
        actor: 'ada',
        role: 'admin',
        action: 'export_audit',
        detail: `${today}..${today} as csv`,
      }),
    );
    // Reading it on screen is recorded as reading, each time (13 JSON reads above), not as an export.
    expect(trail.filter((r) => r.actor === 'ada' && r.action === 'view_audit')).toHaveLength(13);
    expect(trail.filter((r) => r.actor === 'ada' && r.action === 'export_audit')).toHaveLength(1);
  });

  it('cannot be changed or emptied, even by the database owner', async () => {
    await expect(sql("UPDATE audit_log SET actor = 'nobody'")).rejects.toThrow(/append-only/);
    await expect(sql('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(sql('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await sql<{ n: string }>('SELECT count(*)::text AS n FROM audit_log'))[0]!.n).not.toBe('0');
  });
});
