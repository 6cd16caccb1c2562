import fc from 'fast-check';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectWebhook } from '../../sim/webhookSender';
import type { CallEvent } from '../shared/parseWebhook';
import { createMemoryLogger } from './logger';
import { signBody } from './signature';
import { startWebhookServer, type WebhookServer } from './webhookServer';

const SECRET = 'fuzz-secret-0123456789';
let server: WebhookServer;
const events: CallEvent[] = [];
const logger = createMemoryLogger();

beforeAll(async () => {
  server = await startWebhookServer({
    appSecret: SECRET,
    verifyToken: 'verify-token',
    logger,
    maxBodyBytes: 256 * 1024,
    onEvent: (e) => events.push(e),
  });
});
afterAll(() => server.close());

async function post(body: string | Uint8Array, signature?: string): Promise<number> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (signature !== undefined) headers['X-Hub-Signature-256'] = signature;
  const response = await fetch(server.url, { method: 'POST', body, headers });
  await response.text();
  return response.status;
}

const validCall = () =>
  connectWebhook({
    callId: `wacid.${Math.random().toString(36).slice(2)}`,
    from: '447700900123',
    phoneNumberId: '1',
    sdpOffer: 'v=0\r\n',
  });

// Any JSON value, including deep and odd ones, in place of a field of a valid call.
const anyJson = fc.jsonValue({ maxDepth: 4 });

describe('webhook endpoint under hostile input', () => {
  it('never rings and answers 401 for unsigned or wrongly signed bodies of any content', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.uint8Array({ maxLength: 2048 }),
          anyJson.map((v) => JSON.stringify(v)),
        ),
        fc.option(fc.string({ maxLength: 80 })),
        async (body, signature) => {
          const before = events.length;
          const status = await post(body, signature ?? undefined);
          expect(status).toBe(401);
          expect(events.length).toBe(before);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('acknowledges signed bodies that are not JSON or not a webhook, and rings for none', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 500 }),
          anyJson.map((v) => JSON.stringify(v)),
        ),
        async (body) => {
          const before = events.length;
          const status = await post(body, signBody(body, SECRET));
          // Random text or JSON is never a WhatsApp webhook; being signed, it is acknowledged so Meta does not retry.
          expect(status).toBe(200);
          expect(events.length).toBe(before);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rings for no call any of whose fields is replaced by a wrong value, and acknowledges the delivery', async () => {
    const notString = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    );
    const wrong: Record<string, fc.Arbitrary<unknown>> = {
      id: notString,
      from: notString,
      to: notString,
      timestamp: fc.oneof(
        notString.filter((v) => typeof v !== 'number' || v < 0 || !Number.isInteger(v)),
        fc.string().filter((v) => !/^\d+$/.test(v)),
      ),
      event: fc.oneof(
        notString,
        fc.string().filter((v) => v !== 'connect' && v !== 'terminate'),
      ),
      session: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string()),
      'session.sdp': fc.oneof(notString, fc.constant('')),
      'session.sdp_type': fc.oneof(
        notString,
        fc.string().filter((v) => v !== 'offer' && v !== 'answer'),
      ),
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(wrong)).chain((path) => fc.tuple(fc.constant(path), wrong[path]!)),
        async ([path, value]) => {
          const body = validCall() as any;
          const keys = path.split('.');
          let target = body.entry[0].changes[0].value.calls[0];
          for (const key of keys.slice(0, -1)) target = target[key];
          target[keys.at(-1)!] = value;
          const raw = JSON.stringify(body);
          const before = events.length;
          const status = await post(raw, signBody(raw, SECRET));
          expect(status).toBe(200);
          expect(events.length).toBe(before);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses huge bodies without buffering them and stays up', async () => {
    const huge = 'x'.repeat(2 * 1024 * 1024);
    expect(await post(huge, signBody(huge, SECRET))).toBe(413);
    expect(await post('{}', 'sha256=00')).toBe(401);
  });

  it('rings once for a signed body replayed many times', async () => {
    const raw = JSON.stringify(validCall());
    const statuses = await Promise.all(Array.from({ length: 20 }, () => post(raw, signBody(raw, SECRET))));
    expect(new Set(statuses)).toEqual(new Set([200]));
    await new Promise((r) => setTimeout(r, 50));
    const callId = JSON.parse(raw).entry[0].changes[0].value.calls[0].id;
    expect(events.filter((e) => e.type === 'call_offered' && e.callId === callId)).toHaveLength(1);
  });

  it('rings a signed call however its bytes are split and paused on the way, as a real network may', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 0, max: 40 })), {
          minLength: 1,
          maxLength: 8,
        }),
        async (pieces) => {
          const raw = JSON.stringify(validCall());
          const callId = (JSON.parse(raw) as any).entry[0].changes[0].value.calls[0].id as string;
          const head = `POST /webhook HTTP/1.1\r\nHost: x\r\nX-Hub-Signature-256: ${signBody(raw, SECRET)}\r\nContent-Length: ${Buffer.byteLength(raw)}\r\nConnection: close\r\n\r\n`;
          expect(await sendInPieces(head + raw, pieces)).toMatch(/^HTTP\/1\.1 200/);
          await expect.poll(() => events.some((e) => 'callId' in e && e.callId === callId)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('logs a reason for every refusal (grouped by reason, counted exactly) and every part it could not read', async () => {
    const refused = () => logger.records.filter((r) => r.msg === 'webhook refused');
    const counted = () => refused().reduce((sum, r) => sum + (r.count as number), 0);
    expect(server.status().rejectedCount).toBeGreaterThan(100);
    // A reason's later refusals within a second are written together when the second is over.
    await expect.poll(counted, { timeout: 3000 }).toBe(server.status().rejectedCount);
    const unparsed = logger.records.filter((r) => r.msg === 'webhook part not understood; acknowledged and skipped');
    expect(unparsed.length).toBeGreaterThan(100);
    for (const r of [...refused(), ...unparsed]) expect(typeof r.reason === 'string' && r.reason.length > 0).toBe(true);
  });
});

// A real network delivers a webhook of a few KB within a second however it splits it; slower is a trickle, which
// the server cuts (its own tests).
const MAX_PAUSES_MS = 300;

/**
 * Writes `text` to the server in pieces of the given sizes, pausing the given milliseconds after each until
 * MAX_PAUSES_MS of pauses are spent.
 */
function sendInPieces(text: string, pieces: Array<[number, number]>): Promise<string> {
  return new Promise((resolve) => {
    let reply = '';
    const socket = connect(server.port, '127.0.0.1', async () => {
      let paused = 0;
      for (let i = 0, at = 0; at < text.length; i += 1) {
        const [size, pauseMs] = pieces[i % pieces.length]!;
        socket.write(text.slice(at, at + size));
        at += size;
        const pause = Math.min(pauseMs, MAX_PAUSES_MS - paused);
        paused += pause;
        await new Promise((r) => (pause > 0 ? setTimeout(r, pause) : setImmediate(r)));
      }
    });
    socket.on('data', (d) => (reply += d.toString()));
    socket.on('close', () => resolve(reply));
    socket.on('error', () => undefined);
  });
}
