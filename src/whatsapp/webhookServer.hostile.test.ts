import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectWebhook, postSignedWebhook } from '../../sim/webhookSender';
import { createMemoryLogger } from './logger';
import { signBody } from './signature';
import { startWebhookServer, type WebhookServer, type WebhookServerOptions } from './webhookServer';

const SECRET = 'app-secret-for-tests';
const PNID = '518638374672395';
let server: WebhookServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await server?.close();
});

async function start(options: Partial<WebhookServerOptions> = {}): Promise<WebhookServer> {
  server = await startWebhookServer({
    appSecret: SECRET,
    verifyToken: 'verify-me',
    logger: createMemoryLogger(),
    onEvent: () => undefined,
    ...options,
  });
  return server;
}

function open(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => resolve(socket));
    socket.on('error', () => undefined);
    sockets.push(socket);
  });
}

/** Resolves with what the server said before closing the socket, or after `ms` if it did neither. */
function replyOf(socket: Socket, ms: number): Promise<{ text: string; closed: boolean }> {
  return new Promise((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve({ text, closed: false }), ms);
    socket.on('data', (d) => (text += d.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closed: true });
    });
  });
}

const signedWebhook = (callId: string) =>
  postSignedWebhook(
    server!.url,
    connectWebhook({ callId, from: '917358580180', phoneNumberId: PNID, sdpOffer: 'v=0\r\n' }),
    SECRET,
  );

describe('webhook server under a flood', () => {
  it('refuses an unsigned request before reading its body', async () => {
    const s = await start();
    const socket = await open(s.port);
    socket.write(
      `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3000000\r\n\r\n`,
    );
    const reply = await replyOf(socket, 2000);
    expect(reply.text).toMatch(/^HTTP\/1\.1 401/);
  });

  it('buffers only a bounded number of large bodies at once; the rest are told to come back', async () => {
    const s = await start({ maxBodiesInFlight: 4, maxBodiesPerClient: 4 });
    const body = JSON.stringify({ pad: 'x'.repeat(100_000) });
    const header = `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${signBody(body, SECRET)}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const slow = await Promise.all(Array.from({ length: 12 }, () => open(s.port)));
    for (const socket of slow) socket.write(header + body.slice(0, 70_000));
    const replies = await Promise.all(slow.map((socket) => replyOf(socket, 500)));
    expect(replies.filter((r) => /^HTTP\/1\.1 503/.test(r.text)).length).toBe(8);
    for (const socket of slow) socket.destroy();
    expect((await signedWebhook('after-flood')).status).toBe(200);
  });

  it('cuts a body that trickles in too slowly', async () => {
    const s = await start({ requestTimeoutMs: 1000 });
    const socket = await open(s.port);
    const body = '{"object":"whatsapp_business_account"}';
    socket.write(
      `POST /webhook HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: ${signBody(body, SECRET)}\r\nContent-Length: ${body.length}\r\n\r\n{`,
    );
    const reply = await replyOf(socket, 4000);
    expect(reply.closed).toBe(true);
  });

  it('drops connections past its cap, closes idle ones, and answers Meta again within seconds', async () => {
    const s = await start({ maxConnections: 20, headersTimeoutMs: 1000 });
    const idle = await Promise.all(Array.from({ length: 60 }, () => open(s.port)));
    const outcomes = await Promise.all(idle.map((socket) => replyOf(socket, 4000)));
    expect(outcomes.every((o) => o.closed)).toBe(true);
    expect((await signedWebhook('after-idle-flood')).status).toBe(200);
  });
});

/** A signed delivery sent from `localAddress` over its own connection, as Meta's servers would. */
function deliverFrom(localAddress: string, port: number, callId: string, padBytes = 0): Promise<number> {
  const call = connectWebhook({ callId, from: '917358580180', phoneNumberId: PNID, sdpOffer: 'v=0\r\n' });
  const body = JSON.stringify(padBytes ? { ...call, pad: 'x'.repeat(padBytes) } : call);
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhook',
        method: 'POST',
        localAddress,
        agent: false,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'X-Hub-Signature-256': signBody(body, SECRET),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/**
 * The attack of issue 23: a made-up signature, a large Content-Length, then a byte a second; every connection the
 * server drops is opened again after `reconnectMs`. Runs until `stop()`.
 */
function slowBodyAttack(
  port: number,
  addresses: string[],
  socketsEach: number,
  { contentLength = 3_000_000, reconnectMs = 50 } = {},
) {
  let running = true;
  const live = new Set<Socket>();
  const header =
    'POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `X-Hub-Signature-256: sha256=${'ab'.repeat(32)}\r\nContent-Length: ${contentLength}\r\n\r\n{`;
  const attack = (localAddress: string): void => {
    if (!running) return;
    const socket = connect({ port, host: '127.0.0.1', localAddress }, () => socket.write(header));
    live.add(socket);
    const drip = setInterval(() => socket.writable && socket.write(' '), 1000);
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.on('close', () => {
      clearInterval(drip);
      live.delete(socket);
      setTimeout(() => attack(localAddress), reconnectMs);
    });
  };
  for (const address of addresses) for (let i = 0; i < socketsEach; i += 1) attack(address);
  return {
    stop(): void {
      running = false;
      for (const socket of live) socket.destroy();
    },
  };
}

/** Signed deliveries at 5 a second from `localAddress` for `count` calls; resolves with each one's status. */
async function deliveriesAtFivePerSecond(localAddress: string, port: number, count: number, prefix: string) {
  const sent: Array<Promise<number>> = [];
  for (let i = 0; i < count; i += 1) {
    sent.push(deliverFrom(localAddress, port, `${prefix}${i}`));
    await new Promise((r) => setTimeout(r, 200));
  }
  return Promise.all(sent);
}

const loopback = (from: number, count: number) => Array.from({ length: count }, (_, i) => `127.0.0.${from + i}`);

describe('webhook server against slow bodies (issue 23)', () => {
  it('rings every signed delivery while slow bodies from many sockets try to hold every body slot', async () => {
    const rung: string[] = [];
    const s = await start({ onEvent: (e) => void rung.push('callId' in e ? e.callId : e.type) });
    const attack = slowBodyAttack(s.port, loopback(2, 8), 8);
    await new Promise((r) => setTimeout(r, 1500));
    const statuses = await deliveriesAtFivePerSecond('127.0.0.50', s.port, 10, 'wacid.slowflood');
    attack.stop();
    expect(statuses).toEqual(Array(10).fill(200));
    await expect.poll(() => rung.filter((id) => id.startsWith('wacid.slowflood')).length).toBe(10);
  });

  it('rings every delivery when the attack comes from the same address as Meta (a reverse proxy in front)', async () => {
    const rung: string[] = [];
    const s = await start({ onEvent: (e) => void rung.push('callId' in e ? e.callId : e.type) });
    const attack = slowBodyAttack(s.port, ['127.0.0.60'], 48);
    await new Promise((r) => setTimeout(r, 1500));
    const statuses = await deliveriesAtFivePerSecond('127.0.0.60', s.port, 10, 'wacid.proxied');
    attack.stop();
    expect(statuses).toEqual(Array(10).fill(200));
    await expect.poll(() => rung.filter((id) => id.startsWith('wacid.proxied')).length).toBe(10);
  });

  it('rings every signed delivery while reconnecting slow bodies from many addresses keep the port full', async () => {
    const rung: string[] = [];
    const refusals: string[] = [];
    const s = await start({
      maxConnections: 60,
      onEvent: (e) => void rung.push('callId' in e ? e.callId : e.type),
      onConnectionRefused: (reason) => void refusals.push(reason),
    });
    // 200 sockets from 10 addresses (each under its 64), every one back 20 ms after the server drops it.
    const attack = slowBodyAttack(s.port, loopback(100, 10), 20, { contentLength: 5000, reconnectMs: 20 });
    await new Promise((r) => setTimeout(r, 1500));
    const statuses = await deliveriesAtFivePerSecond('127.0.0.120', s.port, 10, 'wacid.fullport');
    attack.stop();
    // The port was full all along: newcomers found no free connection.
    expect(refusals.filter((r) => r === 'port_full' || r === 'gave_way').length).toBeGreaterThan(100);
    expect(statuses).toEqual(Array(10).fill(200));
    await expect.poll(() => rung.filter((id) => id.startsWith('wacid.fullport')).length).toBe(10);
  });

  it('gives one client only its share of the slots for large bodies; another client still gets in', async () => {
    const rung: string[] = [];
    const s = await start({ onEvent: (e) => void rung.push('callId' in e ? e.callId : e.type) });
    const body = JSON.stringify({ pad: 'x'.repeat(100_000) });
    const header = `POST /webhook HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: ${signBody(body, SECRET)}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const greedy = await Promise.all(Array.from({ length: 8 }, () => open(s.port, '127.0.0.70')));
    for (const socket of greedy) socket.write(header + body.slice(0, 70_000));
    const replies = await Promise.all(greedy.map((socket) => replyOf(socket, 500)));
    expect(replies.filter((r) => /^HTTP\/1\.1 503/.test(r.text)).length).toBe(4);
    expect(await deliverFrom('127.0.0.71', s.port, 'wacid.large', 100_000)).toBe(200);
    await expect.poll(() => rung).toContain('wacid.large');
  });

  it('cuts a body that falls behind a real sender’s pace, long before the request deadline', async () => {
    const s = await start();
    const socket = await open(s.port);
    socket.write(
      `POST /webhook HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: sha256=${'ab'.repeat(32)}\r\nContent-Length: 3000000\r\n\r\n{`,
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    const startedMs = Date.now();
    const reply = await replyOf(socket, 8000);
    clearInterval(drip);
    expect(reply.text).toMatch(/^HTTP\/1\.1 408/);
    expect(Date.now() - startedMs).toBeLessThan(5000);
  });
});
