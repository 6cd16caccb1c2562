import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../../sim/webhookSender';
import type { CallEvent } from '../shared/parseWebhook';
import { loadWebhookFixture } from '../../fixtures/load';
import { createMemoryLogger } from './logger';
import { signBody } from './signature';
import { startWebhookServer, WebhookServerStartError, type WebhookServer } from './webhookServer';

const SECRET = 'app-secret-for-tests';
const PNID = '518638374672395';
let server: WebhookServer;
let events: CallEvent[];
let logger: ReturnType<typeof createMemoryLogger>;

beforeEach(async () => {
  events = [];
  logger = createMemoryLogger({ secrets: () => [SECRET] });
  server = await startWebhookServer({
    appSecret: SECRET,
    verifyToken: 'verify-me',
    logger,
    maxBodyBytes: 64 * 1024,
    onEvent: (e) => events.push(e),
  });
});
afterEach(() => server.close());

const until = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i += 1) await new Promise((r) => setTimeout(r, 5));
};
const offer = (callId: string) =>
  connectWebhook({ callId, from: '917358580180', phoneNumberId: PNID, sdpOffer: 'v=0\r\n' });

describe('webhook server', () => {
  it('answers Meta verification with the challenge only for the right token', async () => {
    const ok = await fetch(`${server.url}?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=verify-me`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const wrong = await fetch(`${server.url}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope`);
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('verify token');
    expect((await fetch(`${server.url}?hub.verify_token=verify-me`)).status).toBe(400);
  });

  it('binds to loopback by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
  });

  it('accepts a signed live connect, and skips it as stale once a quicker delivery shows how late it came', async () => {
    await postSignedWebhook(server.url, offer('wacid.fresh'), SECRET);
    await until(() => events.length > 0);
    const reply = await postSignedWebhook(
      server.url,
      loadWebhookFixture('live-connect-user-initiated-2025-10-17.json'),
      SECRET,
    );
    expect(reply.status).toBe(200);
    await until(() => logger.records.some((r) => r.reason === 'stale'));
    // The live capture arrives about a year after its timestamp; the parse still succeeded.
    expect(logger.records.some((r) => r.msg === 'webhook event skipped' && r.reason === 'stale')).toBe(true);
    expect(events).toEqual([
      expect.objectContaining({ type: 'call_offered', callId: 'wacid.fresh', from: '917358580180' }),
    ]);
  });

  it('answers 401 to a bad or missing signature and emits nothing', async () => {
    const raw = JSON.stringify(offer('wacid.unsigned'));
    const noSig = await fetch(server.url, {
      method: 'POST',
      body: raw,
      headers: { 'Content-Type': 'application/json' },
    });
    expect(noSig.status).toBe(401);
    const badSig = await fetch(server.url, {
      method: 'POST',
      body: raw,
      headers: { 'X-Hub-Signature-256': signBody(raw, 'not-the-secret') },
    });
    expect(badSig.status).toBe(401);
    await new Promise((r) => setTimeout(r, 30));
    expect(events).toEqual([]);
    expect(logger.records.filter((r) => r.msg === 'webhook refused' && r.status === 401)).toHaveLength(2);
    expect(server.status().rejectedCount).toBe(2);
  });

  it('writes a flood of one refusal at most once a second with its count, and counts every one in the status', async () => {
    const raw = JSON.stringify(offer('wacid.refusedflood'));
    const startedMs = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 40 }, () =>
        fetch(server.url, {
          method: 'POST',
          body: raw,
          headers: { 'X-Hub-Signature-256': signBody(raw, 'not-the-secret') },
        }).then((r) => r.status),
      ),
    );
    expect(statuses).toEqual(Array(40).fill(401));
    expect(server.status().rejectedCount).toBe(40);
    const lines = () => logger.records.filter((r) => r.msg === 'webhook refused');
    expect(lines()[0]).toMatchObject({ level: 'warn', status: 401, count: 1 });
    await expect.poll(() => lines().reduce((sum, r) => sum + (r.count as number), 0), { timeout: 3000 }).toBe(40);
    expect(lines().length).toBeLessThanOrEqual(1 + Math.ceil((Date.now() - startedMs) / 1000));
  });

  it('acknowledges a signed body it cannot read (Meta would only retry it), counts it and says why', async () => {
    const badJson = await postSignedWebhook(server.url, '{"object":', SECRET);
    expect(badJson.status).toBe(200);
    expect(server.status().lastUnparsed?.reason).toContain('not valid JSON');
    const body = offer('wacid.shape') as any;
    delete body.entry[0].changes[0].value.calls[0].from;
    const badShape = await postSignedWebhook(server.url, body, SECRET);
    expect(badShape.status).toBe(200);
    expect(server.status()).toMatchObject({
      unparsedCount: 2,
      lastUnparsed: { path: 'entry[0].changes[0].value.calls[0]', reason: expect.stringContaining('calls[0].from') },
    });
    expect(logger.records.at(-1)).toMatchObject({ level: 'warn', path: 'entry[0].changes[0].value.calls[0]' });
    expect(events).toEqual([]);
  });

  it('rings for the valid call of a mixed delivery: one connect and one event it does not know', async () => {
    const body = offer('wacid.mixed') as any;
    body.entry[0].changes.push({
      field: 'calls',
      value: { ...body.entry[0].changes[0].value, calls: [{ event: 'call_created', id: 'x' }] },
    });
    body.entry[0].changes.push({ field: 'account_update', value: { event: 'anything' } });
    expect((await postSignedWebhook(server.url, body, SECRET)).status).toBe(200);
    await until(() => events.length > 0);
    expect(events.map((e) => e.type === 'call_offered' && e.callId)).toEqual(['wacid.mixed']);
  });

  it('refuses a body over the size limit with 413', async () => {
    const big = JSON.stringify({ object: 'whatsapp_business_account', pad: 'x'.repeat(70 * 1024) });
    const reply = await postSignedWebhook(server.url, big, SECRET);
    expect(reply.status).toBe(413);
  });

  it('rings once for a duplicated connect webhook', async () => {
    for (let i = 0; i < 3; i += 1)
      expect((await postSignedWebhook(server.url, offer('wacid.dup'), SECRET)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 30));
    expect(events.filter((e) => e.type === 'call_offered')).toHaveLength(1);
  });

  it('handles a terminate that overtakes its connect: no ring, terminate delivered', async () => {
    const term = terminateWebhook({ callId: 'wacid.fast', from: '1', phoneNumberId: PNID, status: 'COMPLETED' });
    await postSignedWebhook(server.url, term, SECRET);
    await postSignedWebhook(server.url, offer('wacid.fast'), SECRET);
    await new Promise((r) => setTimeout(r, 30));
    expect(events.map((e) => e.type)).toEqual(['call_terminated']);
  });

  it('answers 200 even when processing the event fails afterwards, and logs the failure', async () => {
    await server.close();
    server = await startWebhookServer({
      appSecret: SECRET,
      verifyToken: 'v',
      logger,
      onEvent: () => {
        throw new Error('renderer gone');
      },
    });
    const reply = await postSignedWebhook(server.url, offer('wacid.order'), SECRET);
    expect(reply.status).toBe(200);
    await until(() => logger.records.some((r) => r.msg === 'webhook event handler failed'));
    expect(logger.records.find((r) => r.msg === 'webhook event handler failed')).toMatchObject({
      error: 'Error: renderer gone',
    });
  });

  it('answers 404 elsewhere and 405 to other methods', async () => {
    expect((await fetch(server.url.replace('/webhook', '/other'))).status).toBe(404);
    expect((await fetch(server.url, { method: 'PUT' })).status).toBe(405);
  });

  it('explains a port that is already taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const failure = startWebhookServer({ appSecret: SECRET, verifyToken: 'v', logger, port, onEvent: () => {} });
    await expect(failure).rejects.toBeInstanceOf(WebhookServerStartError);
    await expect(failure).rejects.toThrow(`Webhook port ${port} is already in use`);
    blocker.close();
  });

  it('never writes the app secret into its log', async () => {
    await fetch(`${server.url}?hub.mode=subscribe&hub.challenge=1&hub.verify_token=${SECRET}`);
    await postSignedWebhook(server.url, offer('wacid.log'), 'x');
    expect(JSON.stringify(logger.records)).not.toContain(SECRET);
  });
});
