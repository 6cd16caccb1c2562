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

function open(port: number): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
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

  it('buffers only a bounded number of bodies at once; the rest are told to come back', async () => {
    const s = await start({ maxBodiesInFlight: 4 });
    const body = JSON.stringify({ pad: 'x'.repeat(2000) });
    const header = `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${signBody(body, SECRET)}\r\nContent-Length: ${body.length}\r\n\r\n`;
    const slow = await Promise.all(Array.from({ length: 12 }, () => open(s.port)));
    for (const socket of slow) socket.write(header + body.slice(0, 100));
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
