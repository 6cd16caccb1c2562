import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueAgentToken, issueSupervisorToken } from '../agentTokens';
import { startRelay, type Relay } from '../relayServer';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { closedWithin, openTestBoard, signInTestBoard } from './testBoard';

const SECRETS = RELAY_TEST_SECRETS;
let redis: TestRedis;
let graph: GraphApiSim;
let relay: Relay;
let unbuilt: Relay;
let base: string;

beforeAll(async () => {
  redis = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const pageDir = mkdtempSync(join(tmpdir(), 'board-'));
  mkdirSync(join(pageDir, 'assets'));
  writeFileSync(join(pageDir, 'index.html'), '<!doctype html><title>board</title>');
  writeFileSync(join(pageDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tmpdir(), 'secret-beside-board.txt'), 'not for the web');
  const common = { ...SECRETS, redisUrl: redis.url, graphBaseUrl: graph.baseUrl, logger: createMemoryLogger() };
  relay = await startRelay({ ...common, prefix: 'board', boardDir: pageDir });
  unbuilt = await startRelay({ ...common, prefix: 'board2', boardDir: join(pageDir, 'missing') });
  base = relay.agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
});
afterAll(async () => {
  await relay.close();
  await unbuilt.close();
  await graph.close();
  await redis.stop();
});

/** A raw GET, so the path goes out exactly as written (fetch would tidy `..` away). */
function get(url: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += String(c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function openBoard(origin?: string) {
  const board = await openTestBoard(relay.agentUrl, origin);
  return { ...board, closed: board.closed.then(({ code }) => code) };
}
const sameOrigin = () => base;

/** `npm run relay -- revoke <name>`, the operator's real command, against this test's relay. */
async function revoke(name: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'index.ts'), 'revoke', name],
    { env: { ...process.env, REDIS_URL: redis.url, RELAY_PREFIX: 'board' } },
  );
  return stdout;
}

describe('supervisor board route', () => {
  it('serves the page with a strict content security policy, and nothing outside its folder', async () => {
    const page = await get(base, '/board');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-security-policy'])).toContain("default-src 'self'");
    expect((await get(base, '/board/assets/app.js')).status).toBe(200);
    for (const path of [
      '/board/../secret-beside-board.txt',
      '/board/assets/..%2f..%2fsecret-beside-board.txt',
      '/board/%00',
    ])
      expect((await get(base, path)).status).toBe(404);
    const missing = await get(unbuilt.agentUrl.replace(/^ws/, 'http'), '/board');
    expect(missing.status).toBe(503);
    expect(missing.body).toContain('npm run build:board');
  });

  it('reports need a supervisor token, sensible dates, and call records', async () => {
    const url = new URL(base);
    const ask = (path: string, token?: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(
          {
            hostname: url.hostname,
            port: url.port,
            path,
            headers: token ? { Authorization: `Bearer ${token}` } : {},
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += String(c)));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end();
      });
    const path = '/board/api/report?from=2026-12-01&to=2026-12-02';
    expect((await ask(path)).status).toBe(401);
    expect((await ask(path, await issueAgentToken('asha', SECRETS.agentSecret))).status).toBe(401);
    const supervisor = await issueSupervisorToken('sam', SECRETS.agentSecret);
    const reversed = await ask('/board/api/report?from=2026-12-05&to=2026-12-01', supervisor);
    expect(reversed).toEqual({ status: 400, body: 'to must not be before from\n' });
    expect((await ask('/board/api/report?from=%00&to=x', supervisor)).status).toBe(400);
    // This relay keeps no call records.
    expect((await ask(path, supervisor)).status).toBe(404);
  });

  it('refuses the live socket from another origin or without one', async () => {
    await expect(openBoard('http://evil.example')).rejects.toThrow('HTTP 403');
    await expect(openBoard()).rejects.toThrow('HTTP 403');
  });

  it('opens only with a supervisor token: an agent token, a forged one, or a request before hello is refused', async () => {
    for (const token of [await issueAgentToken('asha', SECRETS.agentSecret), 'forged.token.here']) {
      const board = await openBoard(sameOrigin());
      board.ws.send(JSON.stringify({ type: 'hello', token }));
      expect(await board.closed).toBe(4001);
      expect(board.messages).toEqual([
        { type: 'error', message: 'This supervisor token is not accepted; ask for a new one.' },
      ]);
    }
    const early = await openBoard(sameOrigin());
    early.ws.send(JSON.stringify({ type: 'set_status', agentId: 'asha', status: 'away' }));
    expect(await early.closed).toBe(4001);
  });

  it('closes on a malformed frame and survives it; a signed-in supervisor gets the board', async () => {
    const bad = await openBoard(sameOrigin());
    bad.ws.send('{not json');
    expect(await bad.closed).toBe(1008);
    const good = await openBoard(sameOrigin());
    good.ws.send(JSON.stringify({ type: 'hello', token: await issueSupervisorToken('sam', SECRETS.agentSecret) }));
    await expect.poll(() => good.messages.length).toBeGreaterThanOrEqual(2);
    expect(good.messages[0]).toEqual({ type: 'welcome', supervisor: 'sam' });
    expect(good.messages[1]).toMatchObject({ type: 'snapshot', snapshot: { waiting: [], inProgress: [] } });
    // An agent who does not exist cannot be changed.
    good.ws.send(JSON.stringify({ type: 'set_status', agentId: 'nobody', status: 'away' }));
    await expect
      .poll(() => good.messages.some((m) => JSON.stringify(m).includes('There is no agent nobody')))
      .toBe(true);
    good.ws.close();
  });

  it('listening in: refused with a sentence where media is not anchored; a page cannot answer, barge or stop a line it did not ask for; listening before sign-in closes the socket', async () => {
    const early = await openBoard(sameOrigin());
    early.ws.send(JSON.stringify({ type: 'listen', callId: 'wacid.any' }));
    expect(await early.closed).toBe(4001);

    const board = await openBoard(sameOrigin());
    board.ws.send(JSON.stringify({ type: 'hello', token: await issueSupervisorToken('sam', SECRETS.agentSecret) }));
    await expect.poll(() => board.messages.length).toBeGreaterThanOrEqual(1);
    board.ws.send(JSON.stringify({ type: 'listen', callId: 'wacid.someone-elses' }));
    await expect
      .poll(() => board.messages.find((m) => m.type === 'listen_ended'))
      .toEqual({
        type: 'listen_ended',
        callId: 'wacid.someone-elses',
        reason: 'Listening in needs the team’s media server: no queue of this relay anchors its media.',
      });
    for (const request of [
      { type: 'listen_answer', callId: 'wacid.someone-elses', sdp: 'v=0' },
      { type: 'barge', callId: 'wacid.someone-elses' },
    ])
      board.ws.send(JSON.stringify(request));
    await expect
      .poll(
        () => board.messages.filter((m) => JSON.stringify(m).includes('You are not listening to that call.')).length,
      )
      .toBe(2);
    // An SDP too large for the schema closes the socket; the relay goes on serving the board.
    board.ws.send(JSON.stringify({ type: 'listen_answer', callId: 'x', sdp: 'a'.repeat(12_001) }));
    expect(await board.closed).toBe(1008);
    expect((await get(base, '/board')).status).toBe(200);
  });

  it('a revoked supervisor’s board closes within 5 s with no snapshot after it; the token opens nothing', async () => {
    const token = await issueSupervisorToken('rita', SECRETS.agentSecret);
    const board = await signInTestBoard(relay.agentUrl, token);
    expect(await revoke('rita')).toContain('rita');
    // The relays hear of a revocation at once: the board may close before the operator's command has exited.
    const revokedAt = Date.now();
    const closed = await closedWithin(board.closed, 8000);
    expect(closed?.code, 'the board stayed open after revoke').toBe(4001);
    expect(closed!.atMs - revokedAt).toBeLessThan(5000);
    // The page is told why, and that is the last it receives: no snapshot after it.
    expect(board.arrivals.at(-1)?.message).toEqual({
      type: 'error',
      message: 'Your sign-in has ended: your supervisor token was withdrawn. Ask the operator for a new one.',
    });
    const again = await openBoard(sameOrigin());
    again.ws.send(JSON.stringify({ type: 'hello', token }));
    expect(await again.closed).toBe(4001);
    const report = await fetch(`${base}/board/api/report?from=2026-12-01&to=2026-12-02`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(report.status).toBe(401);
  });

  it('a board signed in with a short-lived token is closed when the token expires, not later', async () => {
    const token = await issueSupervisorToken('sam', SECRETS.agentSecret, { lifetimeMs: 3000 });
    const expiresAtMs = decodeJwt(token).exp! * 1000;
    const board = await signInTestBoard(relay.agentUrl, token);
    expect(board.arrivals[0]?.message).toEqual({ type: 'welcome', supervisor: 'sam' });
    const closed = await closedWithin(board.closed, expiresAtMs - Date.now() + 5000);
    expect(closed?.code, 'the board stayed open after its token expired').toBe(4001);
    // Timers may fire a millisecond early; a loaded machine may run them late.
    expect(closed!.atMs).toBeGreaterThanOrEqual(expiresAtMs - 50);
    expect(closed!.atMs).toBeLessThan(expiresAtMs + 1500);
    expect(board.arrivals.at(-1)?.message).toEqual({
      type: 'error',
      message: 'Your sign-in has ended: your supervisor token expired. Ask the operator for a new one.',
    });
  });
});
