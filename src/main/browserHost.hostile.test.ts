import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHost } from './browserHost';
import { relayForm, startTestBrowserHost } from './testDesk';
import { createMemoryLogger } from '../whatsapp/logger';

let host: BrowserHost;
let port: number;

beforeAll(async () => {
  host = await startTestBrowserHost(createMemoryLogger());
  port = Number(new URL(host.baseUrl).port);
});
afterAll(() => host.close());

/** A raw HTTP request, so headers (Host, Origin, Cookie) are exactly what an attacker would send. */
function raw(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers, setHost: false },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const own = () => ({ Host: `127.0.0.1:${port}`, Cookie: host.sessionCookie });

describe('browser host against hostile clients', () => {
  it('refuses the event stream, settings and actions to a client without this run’s session', async () => {
    for (const [method, path] of [
      ['GET', '/api/events'],
      ['GET', '/'],
      ['POST', '/api/invoke/settings:get'],
      ['POST', '/api/invoke/history:exportCsv'],
    ] as const) {
      const reply = await raw(path, {
        method,
        headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/json' },
        body: method === 'POST' ? '{}' : undefined,
      });
      expect(reply.status, `${method} ${path}`).toBe(401);
    }
    const forged = await raw('/api/invoke/settings:get', {
      method: 'POST',
      headers: {
        Host: `127.0.0.1:${port}`,
        'Content-Type': 'application/json',
        Cookie: `softphone_session_${port}=guess`,
      },
      body: '{}',
    });
    expect(forged.status).toBe(401);
  });

  it('signs in only through the printed address, with an HttpOnly SameSite=Strict cookie', async () => {
    const url = new URL(host.url);
    const reply = await raw(`${url.pathname}${url.search}`, { headers: { Host: `127.0.0.1:${port}` } });
    expect(reply.status).toBe(303);
    expect(String(reply.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    const wrong = await raw('/?session=not-this-run', { headers: { Host: `127.0.0.1:${port}` } });
    expect(wrong.status).toBe(401);
  });

  it("names its cookie for its port, so another phone's cookie on the same host neither replaces nor opens it", async () => {
    const url = new URL(host.url);
    const reply = await raw(`${url.pathname}${url.search}`, { headers: { Host: `127.0.0.1:${port}` } });
    const cookie = String(reply.headers['set-cookie']).split(';')[0]!;
    expect(cookie).toBe(`softphone_session_${port}=${url.searchParams.get('session')}`);
    const session = url.searchParams.get('session')!;
    const ask = (Cookie: string) =>
      raw('/api/invoke/settings:get', {
        method: 'POST',
        headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/json', Cookie },
        body: '{}',
      });
    // The browser sends every port's cookie to each port of 127.0.0.1: this phone picks its own among them.
    expect((await ask(`softphone_session_${port + 1}=other-desk; ${cookie}`)).status).toBe(200);
    expect((await ask(`softphone_session_${port + 1}=${session}`)).status).toBe(401);
  });

  it('refuses a rebinding attack: the right cookie under a foreign Host name', async () => {
    const reply = await raw('/api/invoke/settings:get', {
      method: 'POST',
      headers: { ...own(), Host: `attacker.example:${port}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(reply.status).toBe(421);
  });

  it('refuses actions sent as text/plain (a cross-site form needs no preflight for that)', async () => {
    const reply = await raw('/api/invoke/preferences:save', {
      method: 'POST',
      headers: { ...own(), 'Content-Type': 'text/plain' },
      body: '{"status":"away","awayAction":"reject"}',
    });
    expect(reply.status).toBe(415);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers malformed percent-encoding with 400 and keeps serving', async () => {
    for (const path of ['/%E0%A4%A', '/api/invoke/%E0%A4', '/%']) {
      expect((await raw(path, { headers: own() })).status).toBe(400);
    }
    expect((await raw('/', { headers: own() })).status).toBe(200);
  });

  it('survives a client that sends garbage or resets mid-request', async () => {
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write('GARBAGE \x00\x01\x02 HTTP/9.9\r\n\r\n');
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    });
    await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `POST /api/invoke/settings:get HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 100\r\n\r\n{"a"`,
        );
        setTimeout(() => {
          socket.resetAndDestroy();
          resolve();
        }, 50);
      });
    });
    expect((await raw('/', { headers: own() })).status).toBe(200);
  });
});

describe('what the window may read back', () => {
  it('never returns the relay address or the agent token once saved', async () => {
    const post = (channel: string, body: unknown) =>
      raw(`/api/invoke/${channel}`, {
        method: 'POST',
        headers: { ...own(), 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const saved = await post(
      'settings:save',
      relayForm('wss://127.0.0.1:1/secret-team-path', 'agent-token-never-echoed-123'),
    );
    expect(saved.status).toBe(200);
    const view = await post('settings:get', {});
    for (const text of [saved.body, view.body]) {
      expect(text).not.toContain('secret-team-path');
      expect(text).not.toContain('agent-token-never-echoed-123');
    }
    expect(JSON.parse(view.body)).toMatchObject({ result: { relayUrlsSet: true, agentTokenSet: true } });
    const again = await post('settings:save', relayForm('', ''));
    expect(JSON.parse(again.body)).toMatchObject({ result: { ok: true, settings: { relayUrlsSet: true } } });
  });
});
