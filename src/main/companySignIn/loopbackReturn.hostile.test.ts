import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../whatsapp/logger';
import { listenForSignInReturn } from './loopbackReturn';

const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhc2hhIn0.c2lnbmF0dXJl';

/** A GET with exactly the Host header given (fetch would not let a test forge it). */
function get(url: string, host?: string): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.pathname + target.search,
        headers: { Host: host ?? target.host },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += String(chunk)));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const refusedConnection = (port: string) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(Number(port), '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(true));
  });

/** Runs `script` as another Unix user (nobody) when the tests run as root, else as this one; resolves with its output. */
function asOtherUser(script: string, ...args: string[]): Promise<string> {
  const other = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const child = spawn(process.execPath, ['-e', script, ...args], {
    ...other,
    cwd: '/',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += String(chunk)));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}`)))),
  );
}

describe('the desk’s loopback listener for a company sign-in, attacked', () => {
  it('takes the token once, on this sign-in’s own path, and then is gone', async () => {
    const log = createMemoryLogger();
    const listener = await listenForSignInReturn({ deadlineMs: 60_000, log });
    expect(listener.returnUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/signed-in\/[\w-]{32}$/);
    const landed = await get(`${listener.returnUrl}?session=${TOKEN}`, undefined);
    expect(landed.status).toBe(200);
    expect(landed.body).toContain('You can close this tab');
    expect(await listener.result).toEqual({ ok: true, token: TOKEN });
    // A second use (the same address replayed) finds nothing listening.
    expect(await refusedConnection(new URL(listener.returnUrl).port)).toBe(true);
  });

  it('ignores a wrong state, another host name and other methods, and still takes the real return', async () => {
    const log = createMemoryLogger();
    const listener = await listenForSignInReturn({ deadlineMs: 60_000, log });
    const { port, pathname } = new URL(listener.returnUrl);
    const base = `http://127.0.0.1:${port}`;
    expect((await get(`${base}/signed-in/guessed?session=${TOKEN}`)).status).toBe(404);
    expect((await get(`${base}${pathname.slice(0, -1)}?session=${TOKEN}`)).status).toBe(404);
    // DNS rebinding: a page on another name that resolves here sends its own Host.
    expect((await get(`${listener.returnUrl}?session=${TOKEN}`, `evil.example:${port}`)).status).toBe(421);
    expect((await get(`${listener.returnUrl}?session=${TOKEN}`, `localhost:${port}`)).status).toBe(421);
    const posted = await fetch(`${listener.returnUrl}?session=${TOKEN}`, { method: 'POST' });
    expect(posted.status).toBe(405);
    expect(log.records.filter((r) => r.msg === 'company sign-in return refused')).toHaveLength(5);
    // None of them settled the sign-in: the browser's return still does.
    const real = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJiZW4ifQ.cmVhbA';
    expect((await get(`${listener.returnUrl}?session=${real}`)).status).toBe(200);
    expect(await listener.result).toEqual({ ok: true, token: real });
  });

  it('another local user without the state cannot settle the sign-in or flood it out', async () => {
    const log = createMemoryLogger();
    const listener = await listenForSignInReturn({ deadlineMs: 60_000, log });
    const { port } = new URL(listener.returnUrl);
    const script = `
      const http = require('node:http');
      const net = require('node:net');
      const port = Number(process.argv[1]);
      // Idle connections, more than the listener keeps.
      for (let i = 0; i < 40; i++) net.connect(port, '127.0.0.1').on('error', () => {});
      const statuses = [];
      let left = 3;
      for (const path of ['/signed-in/x?session=a.b.c', '/?session=a.b.c', '/signed-in/?refused=failed'])
        http.get({ host: '127.0.0.1', port, path }, (res) => {
          statuses.push(res.statusCode);
          res.resume();
          if (--left === 0) { console.log(statuses.sort().join(',')); process.exit(0); }
        }).on('error', (e) => { console.log('error ' + e.code); process.exit(0); });
    `;
    expect(await asOtherUser(script, port)).toBe('404,404,404');
    const real = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaGVuIn0.cmVhbA';
    expect((await get(`${listener.returnUrl}?session=${real}`)).status).toBe(200);
    expect(await listener.result).toEqual({ ok: true, token: real });
  });

  it('reports the relay’s refusal and a provider that does not answer, and never takes a malformed token', async () => {
    const log = createMemoryLogger();
    for (const [query, reason] of [
      ['refused=no_role', 'no_role'],
      ['refused=failed', 'refused'],
      ['refused=unavailable', 'unavailable'],
      ['session=not-a-token', 'refused'],
      ['session=<script>', 'refused'],
    ] as const) {
      const listener = await listenForSignInReturn({ deadlineMs: 60_000, log });
      expect((await get(`${listener.returnUrl}?${query}`)).status).toBe(200);
      expect(await listener.result, query).toEqual({ ok: false, reason });
    }
  });

  it('gives up at its deadline and stops listening', async () => {
    const listener = await listenForSignInReturn({ deadlineMs: 300, log: createMemoryLogger() });
    expect(await listener.result).toEqual({ ok: false, reason: 'timed_out' });
    expect(await refusedConnection(new URL(listener.returnUrl).port)).toBe(true);
  });

  it('answers in the browser’s language', async () => {
    const listener = await listenForSignInReturn({ deadlineMs: 60_000, log: createMemoryLogger() });
    const answer = await fetch(`${listener.returnUrl}?session=${TOKEN}`, {
      headers: { 'Accept-Language': 'ar-EG,ar;q=0.9' },
    });
    const body = await answer.text();
    expect(body).toContain('dir="rtl"');
    expect(body).toContain('يمكنك إغلاق');
    expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'");
  });
});
