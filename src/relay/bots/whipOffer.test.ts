import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueBot } from '../../shared/teamQueues';
import { serveBotEndpoints } from './testBotEndpoints';
import { endWhipSession, offerToWhipBot, WHIP_CONTEXT_HEADER } from './whipOffer';

const TOKEN = 'whip-bot-token-for-the-offer-test-012345';
const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=offer\r\nt=0 0\r\n';
const ANSWER = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=answer\r\nt=0 0\r\n';
const CONTEXT = { call: 'handle-0123456789abcdef', queue: 'front' };

const sdp = (res: ServerResponse, status: number, headers: Record<string, string>, body = ANSWER) =>
  res.writeHead(status, { 'Content-Type': 'application/sdp', ...headers }).end(body);
/** WHIP endpoints as RFC 9725 has them, and broken ones, each behind its own path of one real HTTP server. */
const endpoints: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/good': (_req, res) => sdp(res, 201, { Location: '/good/session-1' }),
  '/absolute': (_req, res) => sdp(res, 201, { Location: `${base()}/absolute/s` }),
  '/ok-not-created': (_req, res) => sdp(res, 200, { Location: '/s' }),
  '/no-location': (_req, res) => sdp(res, 201, {}),
  '/elsewhere': (_req, res) => sdp(res, 201, { Location: 'http://127.0.0.2:9/steal' }),
  '/json': (_req, res) => res.writeHead(201, { 'Content-Type': 'application/json', Location: '/s' }).end('{}'),
  '/not-sdp': (_req, res) => sdp(res, 201, { Location: '/s' }, '<html>hello</html>'),
  '/error': (_req, res) => res.writeHead(500).end('crashed'),
  '/slow': () => undefined,
  '/huge': (_req, res) => {
    res.writeHead(201, { 'Content-Type': 'application/sdp', Location: '/s' });
    res.write('v=0\r\n');
    for (let i = 0; i < 64; i += 1) res.write('a'.repeat(16 * 1024));
    res.end();
  },
  '/good/session-1': (_req, res) => res.writeHead(200).end(),
};
const server = serveBotEndpoints(endpoints);
const { seen, base } = server;
beforeAll(server.start);
afterAll(server.stop);
const bot = (path: string) =>
  QueueBot.parse({ url: `${base()}${path}`, token: TOKEN, answerSeconds: 1, protocol: 'whip' });

describe('offering a WHIP bot its leg (RFC 9725)', () => {
  it('POSTs the offer as application/sdp with the bearer and the call’s context, and takes 201 with the answer and its Location', async () => {
    const session = await offerToWhipBot(bot('/good'), OFFER, CONTEXT);
    expect(session).toEqual({ sdp: ANSWER, resource: `${base()}/good/session-1` });
    const request = seen.find((s) => s.path === '/good')!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/sdp');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.body).toBe(OFFER);
    const context = request.headers[WHIP_CONTEXT_HEADER.toLowerCase()] as string;
    expect(JSON.parse(Buffer.from(context, 'base64url').toString())).toEqual(CONTEXT);
    expect((await offerToWhipBot(bot('/absolute'), OFFER, CONTEXT)).resource).toBe(`${base()}/absolute/s`);
  });

  it.each([
    ['/ok-not-created', 'answered HTTP 200, not 201 Created'],
    ['/no-location', 'answered without a Location on its own origin'],
    ['/elsewhere', 'answered without a Location on its own origin'],
    ['/json', 'answer is not application/sdp'],
    ['/not-sdp', 'answer is not an SDP'],
    ['/error', 'answered HTTP 500, not 201 Created'],
    ['/slow', 'no answer within 1 s'],
    ['/huge', 'answer too large'],
  ])('refuses %s: %s', async (path, why) => {
    await expect(offerToWhipBot(bot(path), OFFER, CONTEXT)).rejects.toThrow(why);
  });

  it('ends the session with DELETE on its resource, the bearer with it', async () => {
    expect(await endWhipSession(bot('/good'), `${base()}/good/session-1`)).toBe(200);
    const deleted = seen.find((s) => s.method === 'DELETE')!;
    expect(deleted.path).toBe('/good/session-1');
    expect(deleted.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});
