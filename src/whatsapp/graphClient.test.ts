import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { loadSdpFixture } from '../../fixtures/load';
import { createGraphClient, GraphApiError } from './graphClient';
import { mayRetry } from './retryPolicy';

const TOKEN = 'EAAGtestTOKENsecret1234567890';
const PNID = '518638374672395';
// Meta's own sample answer (one sha-256 fingerprint, Opus, setup:active).
const ANSWER = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');

let sim: GraphApiSim;
beforeEach(async () => {
  sim = await startGraphApiSim({ accessToken: TOKEN, phoneNumberId: PNID });
});
afterEach(() => sim.close());

const client = (overrides: Partial<Parameters<typeof createGraphClient>[0]> = {}) =>
  createGraphClient({ accessToken: TOKEN, phoneNumberId: PNID, baseUrl: sim.baseUrl, timeoutMs: 2000, ...overrides });

async function failure(promise: Promise<unknown>): Promise<GraphApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GraphApiError);
  return error as GraphApiError;
}

describe('graph client', () => {
  it('pre-accepts and accepts with the same SDP, typed as an answer', async () => {
    sim.offerCall('wacid.1');
    await client().preAccept('wacid.1', ANSWER);
    await client().accept('wacid.1', ANSWER, { bizOpaque: 'ticket-42' });
    expect(sim.actionsFor('wacid.1')).toEqual(['pre_accept:200', 'accept:200']);
    const [pre, acc] = sim.requests.map((r) => r.body as Record<string, any>);
    expect(pre?.session).toEqual({ sdp_type: 'answer', sdp: ANSWER });
    expect(acc?.session).toEqual(pre?.session);
    expect(acc?.biz_opaque_callback_data).toBe('ticket-42');
    expect(sim.requests[0]?.authorization).toBe(`Bearer ${TOKEN}`);
    expect(sim.requests[0]?.path).toBe(`/v23.0/${PNID}/calls`);
  });

  it('rejects and terminates', async () => {
    sim.offerCall('wacid.r');
    await client().reject('wacid.r');
    sim.offerCall('wacid.t');
    await client().preAccept('wacid.t', ANSWER);
    await client().terminate('wacid.t');
    expect(sim.calls.get('wacid.r')?.state).toBe('rejected');
    expect(sim.calls.get('wacid.t')?.state).toBe('terminated');
  });

  it('places an outbound call and returns its id', async () => {
    const offer = loadSdpFixture('03-meta-doc-business-initiated-offer.sdp');
    const { callId } = await client().connect('14085551234', offer);
    expect(callId).toMatch(/^wacid\./);
    expect((sim.requests[0]?.body as any).session.sdp_type).toBe('offer');
  });

  it('asks for call permission with the interactive message while the customer wrote in the last 24 hours', async () => {
    const sent = await client({ permissionTemplate: { name: 'call_us', language: 'en' } }).requestCallPermission(
      '14085551234',
      'May we call you?',
    );
    expect(sent.via).toBe('interactive');
    expect(sim.permissionMessages).toEqual([{ kind: 'interactive', customer: '14085551234' }]);
  });

  it('outside the 24-hour window sends the approved template instead, by user ID too', async () => {
    sim.closeServiceWindow('US.13491208655302741918');
    sim.approveTemplate('call_us', 'pt_BR');
    const sent = await client({ permissionTemplate: { name: 'call_us', language: 'pt_BR' } }).requestCallPermission(
      'US.13491208655302741918',
      'May we call you?',
    );
    expect(sent.via).toBe('template');
    expect(sim.permissionMessages).toEqual([
      { kind: 'template', customer: 'US.13491208655302741918', name: 'call_us', language: 'pt_BR' },
    ]);
  });

  it('outside the window with no template set, fails with WhatsApp’s code for the sentence the agent reads', async () => {
    sim.closeServiceWindow('14085551234');
    const error = await failure(client().requestCallPermission('14085551234', 'May we call you?'));
    expect(error.details.code).toBe(131047);
    expect(sim.permissionMessages).toEqual([]);
  });

  it('a template WhatsApp does not know fails with its code, and nothing is delivered', async () => {
    sim.closeServiceWindow('14085551234');
    const error = await failure(
      client({ permissionTemplate: { name: 'typo_name', language: 'en' } }).requestCallPermission('14085551234', 'x'),
    );
    expect(error.details.code).toBe(132001);
    expect(sim.permissionMessages).toEqual([]);
  });

  it('reads the call permission state', async () => {
    sim.setPermission('14085551234', 'temporary');
    const reply = await client().callPermission('14085551234');
    expect(reply.permission.status).toBe('temporary');
    expect(sim.requests[0]?.path).toBe(`/v23.0/${PNID}/call_permissions?user_wa_id=14085551234`);
  });

  it('carries Graph code, subcode, message and fbtrace_id of an error', async () => {
    sim.offerCall('wacid.e');
    sim.addFault({
      action: 'pre_accept',
      status: 400,
      body: {
        error: {
          message: 'SDP Validation error',
          type: 'OAuthException',
          code: 138008,
          error_subcode: 2494055,
          error_data: { messaging_product: 'whatsapp', details: 'Provided SDP is invalid' },
          fbtrace_id: 'AbCdEf123',
        },
      },
    });
    const error = await failure(client().preAccept('wacid.e', ANSWER));
    expect(error.kind).toBe('graph');
    expect(error.details).toMatchObject({
      action: 'pre_accept',
      httpStatus: 400,
      code: 138008,
      subcode: 2494055,
      fbtraceId: 'AbCdEf123',
      errorDetails: 'Provided SDP is invalid',
    });
    expect(error.message).toContain('SDP Validation error (Provided SDP is invalid)');
    expect(mayRetry('pre_accept', error)).toBe(false);
  });

  it('reports a mismatched accept SDP the way Meta does', async () => {
    sim.offerCall('wacid.m');
    await client().preAccept('wacid.m', ANSWER);
    const error = await failure(client().accept('wacid.m', ANSWER.replace('a=sendrecv', 'a=sendonly')));
    expect(error.details.code).toBe(100);
    expect(error.message).toContain('does not match');
  });

  it('says an expired token is a settings problem and never repeats the token', async () => {
    const error = await failure(client({ accessToken: 'EAAGwrongTOKEN999' }).reject('wacid.x'));
    expect(error.details.code).toBe(190);
    expect(error.message).toContain('Check the access token in Settings');
    expect(JSON.stringify({ message: error.message, details: error.details, stack: error.stack })).not.toContain(
      'EAAGwrongTOKEN999',
    );
  });

  it('redacts the token if the server echoes it back', async () => {
    sim.offerCall('wacid.echo');
    sim.addFault({ action: 'reject', status: 502, body: `proxy saw Bearer ${TOKEN}` });
    const error = await failure(client().reject('wacid.echo'));
    expect(error.message).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
    expect(mayRetry('reject', error)).toBe(true);
    expect(mayRetry('accept', error)).toBe(false);
  });

  it('times out a slow request and says which action', async () => {
    sim.offerCall('wacid.slow');
    sim.addFault({ action: 'terminate', delayMs: 1500 });
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 300 }).terminate('wacid.slow'));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe('WhatsApp did not answer terminate within 300 ms');
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it('reports an unreachable API as a network failure', async () => {
    await sim.close();
    const error = await failure(client().reject('wacid.gone'));
    expect(error.kind).toBe('network');
    expect(error.details.requestNotSent).toBe(true);
    expect(mayRetry('accept', error)).toBe(true);
    sim = await startGraphApiSim({ accessToken: TOKEN, phoneNumberId: PNID });
  });

  it('survives a Graph API that resets the connection mid-reply, floods its reply or answers garbage', async () => {
    const hostile = createServer((req, res) => {
      req.resume();
      if (req.url?.includes('reset')) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '500' });
        res.write('{"success":');
        setTimeout(() => req.socket.resetAndDestroy(), 20);
      } else if (req.url?.includes('flood')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
      } else {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('\u0000\u00ff not json');
      }
    });
    await new Promise<void>((r) => hostile.listen(0, '127.0.0.1', r));
    const at = (name: string) =>
      createGraphClient({
        accessToken: TOKEN,
        phoneNumberId: name,
        baseUrl: `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`,
        timeoutMs: 5000,
      });
    try {
      const reset = await failure(at('reset').terminate('wacid.x'));
      expect(reset.kind).toBe('network');
      // A reset after the request went out may have taken effect: it is not a "never sent".
      expect(reset.details.requestNotSent).toBe(false);
      const flood = await failure(at('flood').terminate('wacid.x'));
      expect(flood.kind).toBe('network');
      expect(flood.message).toContain('larger than');
      expect((await failure(at('garbage').terminate('wacid.x'))).kind).toBe('bad_response');
      // The client still works afterwards.
      sim.offerCall('wacid.after');
      await client().reject('wacid.after');
    } finally {
      hostile.closeAllConnections();
      hostile.close();
    }
  });

  it('lets 429 be retried everywhere and reads a malformed success as a bad response', async () => {
    sim.offerCall('wacid.429');
    sim.addFault({
      action: 'reject',
      status: 429,
      body: { error: { message: 'Call rate limit exceeded', code: 138005 } },
    });
    const limited = await failure(client().reject('wacid.429'));
    expect(mayRetry('pre_accept', limited)).toBe(true);
    expect(limited.details.code).toBe(138005);
    sim.addFault({ action: 'reject', status: 200, body: { ok: 'maybe' } });
    const odd = await failure(client().reject('wacid.429'));
    expect(odd.kind).toBe('bad_response');
  });

  it('refuses to send an invalid body instead of letting Meta reject it', async () => {
    const error = await failure(client().connect('not-a-number', 'v=0\r\n'));
    expect(error.kind).toBe('bad_request');
    expect(error.message).toContain('recipient must be a WhatsApp number');
    expect(sim.requests).toHaveLength(0);
  });
});

describe('WhatsApp recording and transcription through the graph client', () => {
  it('asks for them on accept, and the simulated Meta announces them', async () => {
    sim.offerCall('wacid.rec');
    await client().preAccept('wacid.rec', ANSWER);
    const enabled = {
      status: 'ENABLED' as const,
      purpose: 'quality assurance',
      announcement_language: 'en_US' as const,
    };
    await client().accept('wacid.rec', ANSWER, { capture: { recording: enabled, transcription: enabled } });
    const accept = sim.requests.at(-1)?.body as Record<string, unknown>;
    expect(accept.recording).toEqual(enabled);
    expect(accept.transcription).toEqual(enabled);
    expect(sim.announcements).toEqual([
      {
        callId: 'wacid.rec',
        text: 'The audio of this call will be recorded and transcribed for the following purpose: quality assurance.',
      },
    ]);
  });

  it('refuses a purpose over 250 characters before sending anything', async () => {
    sim.offerCall('wacid.long');
    await client().preAccept('wacid.long', ANSWER);
    const long = { status: 'ENABLED' as const, purpose: 'x'.repeat(251), announcement_language: 'en' as const };
    const error = await client()
      .accept('wacid.long', ANSWER, { capture: { recording: long } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect((error as GraphApiError).kind).toBe('bad_request');
    expect(sim.actionsFor('wacid.long')).toEqual(['pre_accept:200']);
  });

  it('downloads from the webhook address, and from the Media API once that address has expired', async () => {
    const bytes = Buffer.from('OggS-not-really-but-bytes');
    const file = sim.addMedia(bytes, 'audio/ogg; codecs=opus');
    const first = await client().downloadMedia(file.id, file.url, 1024);
    expect(first.bytes.equals(bytes)).toBe(true);
    sim.media.get(file.id)!.webhookUrlExpired = true;
    const second = await client().downloadMedia(file.id, file.url, 1024);
    expect(second.bytes.equals(bytes)).toBe(true);
    expect(second.mimeType).toBe('audio/ogg; codecs=opus');
    expect(sim.requests.map((r) => r.path.split('?')[0])).toEqual([
      `/media-files/${file.id}`,
      `/media-files/${file.id}`,
      `/v23.0/${file.id}`,
      `/media-files/${file.id}`,
    ]);
    expect(sim.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('never sends the token to an address outside Meta: it asks the Media API instead', async () => {
    const seen: Array<string | undefined> = [];
    const stranger = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.end('x');
    });
    await new Promise<void>((r) => stranger.listen(0, '127.0.0.1', r));
    try {
      const file = sim.addMedia(Buffer.from('transcript'), 'application/json');
      const hint = `http://127.0.0.1:${(stranger.address() as AddressInfo).port}/steal`;
      const got = await client().downloadMedia(file.id, hint, 1024);
      expect(got.bytes.toString()).toBe('transcript');
      expect(seen).toEqual([]);
    } finally {
      stranger.close();
    }
  });

  it('refuses a file larger than the limit', async () => {
    const file = sim.addMedia(Buffer.alloc(5000), 'audio/ogg');
    const error = await client()
      .downloadMedia(file.id, undefined, 1000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
    expect(String((error as Error).message)).toContain('1000');
  });

  it('says so when WhatsApp no longer has the file (after 7 days)', async () => {
    const error = await client()
      .downloadMedia('9999', undefined, 1000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GraphApiError);
  });
});
