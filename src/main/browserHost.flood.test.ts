import { request, type IncomingMessage } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WINDOW_HEADER } from '../shared/ipcChannels';
import type { BrowserHost } from './browserHost';
import { startTestBrowserHost } from './testDesk';
import { floodAsOtherUser } from './testOtherUser';
import { createMemoryLogger } from '../whatsapp/logger';

let host: BrowserHost;
let port: number;

beforeAll(async () => {
  host = await startTestBrowserHost(createMemoryLogger());
  port = Number(new URL(host.baseUrl).port);
});
afterAll(() => host.close());

/** What a request normally takes here is milliseconds; this is far beyond it even on a loaded machine. */
const NORMAL_MS = 2000;

/** The page's event stream as the page opens it; counts the host's heartbeats. */
function openEventStream(): Promise<{ windowId: string; beats: () => number; close: () => void }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const beats = () => text.split('event: ping').length - 1;
    const req = request({ port, path: '/api/events', agent: false, headers: { Cookie: host.sessionCookie } });
    req.on('response', (res: IncomingMessage) => {
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        const hello = /event: hello\ndata: (.*)\n/.exec(text);
        if (hello) resolve({ ...JSON.parse(hello[1]!), beats, close: () => req.destroy() });
      });
    });
    req.on('error', reject);
    req.setTimeout(NORMAL_MS, () => reject(new Error('the event stream did not open in time')));
    req.end();
  });
}

/** One of the page's requests, on a connection of its own (the worst case: no kept-alive connection to reuse). */
function pageRequest(channel: string, body: unknown, windowId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      port,
      method: 'POST',
      path: `/api/invoke/${channel}`,
      agent: false,
      headers: { Cookie: host.sessionCookie, 'Content-Type': 'application/json', [WINDOW_HEADER]: windowId },
    });
    req.on('response', (res) => res.resume().on('end', () => resolve(res.statusCode ?? 0)));
    req.on('error', (error) => reject(new Error(`${channel}: ${error.message}`)));
    req.setTimeout(NORMAL_MS, () => req.destroy(new Error(`${channel}: no answer within ${NORMAL_MS} ms`)));
    req.end(JSON.stringify(body));
  });
}

const pageRequests: Array<[string, unknown]> = [
  ['app:status', {}],
  ['settings:get', {}],
  ['history:list', { search: '', missedOnly: false, limit: 10 }],
  ['history:toCallBack', {}],
  ['calls:list', {}],
  ['settings:get', {}],
];

describe('browser host while another local user floods its port', () => {
  it('keeps answering the page: its requests, its event stream and a reload', async () => {
    const stream = await openEventStream();
    const flood = await floodAsOtherUser(port, 70, 30);
    try {
      await new Promise((r) => setTimeout(r, 300));
      const beatsBefore = stream.beats();
      for (let round = 0; round < 4; round++) {
        const statuses = await Promise.all(pageRequests.map(([c, b]) => pageRequest(c, b, stream.windowId)));
        expect(statuses).toEqual(pageRequests.map(() => 200));
      }
      await expect.poll(stream.beats, { timeout: NORMAL_MS }).toBeGreaterThan(beatsBefore);
      stream.close();
      await new Promise((r) => setTimeout(r, 100));
      const reloaded = await openEventStream();
      expect(await pageRequest('settings:get', {}, reloaded.windowId)).toBe(200);
      reloaded.close();
    } finally {
      flood.stop();
    }
  });
});

/** A raw connection that records when it was closed and what it was sent. */
function rawConnection(): Promise<{ socket: Socket; closed: Promise<number>; received: () => string }> {
  return new Promise((resolve, reject) => {
    const openedAt = Date.now();
    let text = '';
    const socket = connect(port, '127.0.0.1', () => resolve({ socket, closed, received: () => text }));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', reject);
    const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - openedAt)));
  });
}

const pageGet = () => `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${host.sessionCookie}\r\n\r\n`;

describe('connections without the session secret', () => {
  it('have a few seconds to show it, idle or sending slowly, while the page’s connection stays', async () => {
    const idle = await rawConnection();
    const slow = await rawConnection();
    const dribble = setInterval(() => slow.socket.write('a'), 100);
    slow.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `);
    const page = await rawConnection();
    page.socket.write(pageGet());
    try {
      // Well before the host's 5 s header timeout, which alone would let them linger.
      expect(await idle.closed).toBeLessThan(4500);
      expect(await slow.closed).toBeLessThan(4500);
    } finally {
      clearInterval(dribble);
    }
    expect(page.socket.destroyed).toBe(false);
    page.socket.write(pageGet());
    await expect.poll(() => page.received().split('HTTP/1.1 200').length - 1).toBe(2);
    page.socket.destroy();
  });

  it('are answered once and closed', async () => {
    const stranger = await rawConnection();
    stranger.socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    expect(await stranger.closed).toBeLessThan(NORMAL_MS);
    expect(stranger.received()).toMatch(/^HTTP\/1\.1 401[^]*\r\nConnection: close\r\n/i);
  });
});
