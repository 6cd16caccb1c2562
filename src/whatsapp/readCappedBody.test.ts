import { Agent, createServer, request, type ClientRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closeUnlessBodyRead, readCappedBody } from './readCappedBody';

const CAP = 1024;
const DEADLINE_MS = 500;

let server: Server;
let port = 0;
let connections = 0;
let agent: Agent;

beforeAll(async () => {
  // Answers 200 with the body read, or the refusal's status, as the relay's APIs do.
  server = createServer((req, res) => {
    readCappedBody(req, res, { maxBytes: CAP, deadlineMs: DEADLINE_MS })
      .then((body) => (body.ok ? res.writeHead(200).end(body.text) : res.writeHead(body.status).end('refused\n')))
      // The client went away mid-body: nobody to answer.
      .catch(() => res.destroy());
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});
afterEach(() => {
  agent.destroy();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Whether the request went on a connection an earlier request had used. */
  reused: boolean;
}

/** One PUT through the keep-alive agent; `send` writes the body (ends the request by default). */
function put(send: (req: ClientRequest) => void = (req) => req.end()): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'PUT', path: '/', agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
          reused: req.reusedSocket,
        }),
      );
    });
    req.on('error', reject);
    send(req);
  });
}
const putBody = (body: string | Buffer) => put((req) => req.end(body));

/** Writes `body` in 64 KB chunks as the socket takes them (no Content-Length: chunked). */
function streamChunks(req: ClientRequest, body: Buffer): void {
  let at = 0;
  const more = (): void => {
    while (at < body.length) {
      const chunk = body.subarray(at, at + 64 * 1024);
      at += chunk.length;
      if (!req.write(chunk)) return void req.once('drain', more);
    }
    req.end();
  };
  more();
}

describe('readCappedBody over a real HTTP server', () => {
  it('reads a body of exactly the cap whole (a character split across chunks too) and keeps the connection', async () => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = connections;
    const body = Buffer.from('é'.repeat(CAP / 2));
    const first = await put((req) => {
      // Chunked, with the first chunk ending halfway through a two-byte character.
      req.write(body.subarray(0, 101));
      setTimeout(() => req.end(body.subarray(101)), 20);
    });
    expect([first.status, first.text]).toEqual([200, 'é'.repeat(CAP / 2)]);
    expect(first.headers.connection).toBe('keep-alive');
    const next = await putBody('{}');
    expect([next.status, next.text, next.reused]).toEqual([200, '{}', true]);
    expect(connections - before).toBe(1);
  });

  it('refuses one byte over the cap with 413 and closes; the next request goes on a new connection', async () => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const before = connections;
    const refused = await putBody('x'.repeat(CAP + 1));
    expect([refused.status, refused.headers.connection]).toEqual([413, 'close']);
    const next = await putBody('after');
    expect([next.status, next.text, next.reused]).toEqual([200, 'after', false]);
    expect(connections - before).toBe(2);
  });

  it('refuses a body without a length that passes the cap on its way the same way', async () => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const refused = await put((req) => {
      req.write('x'.repeat(CAP - 10));
      setTimeout(() => req.end('x'.repeat(20)), 20);
    });
    expect([refused.status, refused.headers.connection]).toEqual([413, 'close']);
    const next = await putBody('after');
    expect([next.status, next.reused]).toEqual([200, false]);
  });

  it('answers a body thousands of times the cap with 413, not a reset, and the next request succeeds', async () => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const huge = Buffer.alloc(8 * 1024 * 1024, 'x');
    for (let round = 0; round < 6; round += 1) {
      // Declared (refused before a byte is read) and chunked without a length (refused once past the cap).
      const refused = await (round % 2 === 0 ? putBody(huge) : put((req) => streamChunks(req, huge)));
      expect([refused.status, refused.headers.connection]).toEqual([413, 'close']);
      const next = await putBody('after');
      expect([next.status, next.text]).toEqual([200, 'after']);
    }
  });

  it('answers a body still coming at the deadline with 408 and closes its connection', async () => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const startedMs = Date.now();
    let sent: ClientRequest | undefined;
    // Half the body, then nothing more: the answer arrives while the request is still open.
    const slow = await put((req) => {
      sent = req;
      req.write('x'.repeat(CAP / 2));
    });
    const tookMs = Date.now() - startedMs;
    expect([slow.status, slow.headers.connection]).toEqual([408, 'close']);
    expect(sent?.writableEnded).toBe(false);
    expect(tookMs).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    sent?.destroy();
    const next = await putBody('after');
    expect([next.status, next.reused]).toEqual([200, false]);
  });
});

describe('a refusal before the body is read', () => {
  let refusing: Server;
  let refusingPort = 0;
  beforeAll(async () => {
    // Refuses a request without a token before reading its body; reads and echoes one with a token.
    refusing = createServer((req, res) => {
      closeUnlessBodyRead(req, res);
      if (req.headers.authorization !== 'Bearer ok') return void res.writeHead(401).end('not signed in\n');
      void readCappedBody(req, res, { maxBytes: CAP }).then((body) =>
        body.ok ? res.writeHead(200).end(body.text) : res.writeHead(body.status).end(),
      );
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    refusingPort = (refusing.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => refusing.close(resolve));
  });

  it('closes the connection of a client trickling a body nobody will read, and keeps one whose body was read', async () => {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const ask = (token: string | undefined, send: (req: ClientRequest) => void) =>
      new Promise<{ status: number; connection?: string; reused: boolean; closedMs: Promise<number> }>(
        (resolve, reject) => {
          const startedMs = Date.now();
          const req = request(
            {
              host: '127.0.0.1',
              port: refusingPort,
              method: 'POST',
              agent,
              headers: { 'Content-Length': '1000', ...(token && { Authorization: `Bearer ${token}` }) },
            },
            (res) => {
              res.resume();
              const closedMs = new Promise<number>((done) =>
                req.socket?.once('close', () => done(Date.now() - startedMs)),
              );
              resolve({
                status: res.statusCode ?? 0,
                connection: res.headers.connection,
                reused: req.reusedSocket,
                closedMs,
              });
            },
          );
          req.on('error', () => undefined);
          send(req);
          setTimeout(() => reject(new Error('no answer')), 5000);
        },
      );
    // One byte of a 1000-byte body, and then a byte every 200 ms: the 401 comes at once and the socket closes.
    let trickle: ReturnType<typeof setInterval> | undefined;
    const refused = await ask(undefined, (req) => {
      req.write('x');
      trickle = setInterval(() => req.write('x'), 200);
    });
    expect([refused.status, refused.connection]).toEqual([401, 'close']);
    expect(await refused.closedMs).toBeLessThan(3000);
    clearInterval(trickle);
    // A signed-in request's body is read whole: its connection stays open for the next request.
    const read = await ask('ok', (req) => req.end('y'.repeat(1000)));
    expect([read.status, read.connection === 'close']).toEqual([200, false]);
    const next = await ask('ok', (req) => req.end('z'.repeat(1000)));
    expect([next.status, next.reused]).toEqual([200, true]);
  });
});
