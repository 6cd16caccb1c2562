import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueBot } from '../../shared/teamQueues';
import { offerToBot } from './smallWebrtcOffer';
import { serveBotEndpoints } from './testBotEndpoints';

const TOKEN = 'bot-token-for-the-offer-test-0123456789';
const SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
const CONTEXT = { call: 'handle-0123456789abcdef', queue: 'front' };

/** Hostile and broken bots, each behind its own path of one real HTTP server. */
const bots: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/good': (_req, res) => res.end(JSON.stringify({ sdp: SDP, type: 'answer', pc_id: 'pc-1' })),
  '/error': (_req, res) => res.writeHead(500).end('crashed'),
  '/slow': () => undefined,
  '/not-json': (_req, res) => res.end('<html>hello</html>'),
  '/offer-back': (_req, res) => res.end(JSON.stringify({ sdp: SDP, type: 'offer', pc_id: 'pc-1' })),
  '/no-pc-id': (_req, res) => res.end(JSON.stringify({ sdp: SDP, type: 'answer' })),
  '/redirect': (_req, res) => res.writeHead(302, { Location: '/good' }).end(),
  '/huge': (_req, res) => {
    res.write('{"sdp":"');
    const chunk = 'a'.repeat(16 * 1024);
    for (let i = 0; i < 64; i += 1) res.write(chunk); // 1 MB, never finished JSON
    res.end('"}');
  },
};
const server = serveBotEndpoints(bots);
const { seen, base } = server;
beforeAll(server.start);
afterAll(server.stop);

const botAt = (path: string, answerSeconds = 1) =>
  QueueBot.parse({ url: `${base()}${path}`, token: TOKEN, answerSeconds });

describe('offering a bot its leg in the SmallWebRTC shape', () => {
  it('posts {sdp, type, pc_id, request_data} with the queue’s token and takes {sdp, type, pc_id} back', async () => {
    expect(await offerToBot(botAt('/good'), SDP, CONTEXT)).toEqual({ sdp: SDP, type: 'answer', pc_id: 'pc-1' });
    const request = seen.find((s) => s.path === '/good')!;
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(request.body)).toEqual({ sdp: SDP, type: 'offer', pc_id: null, request_data: CONTEXT });
  });

  it.each([
    ['/error', 'answered HTTP 500'],
    ['/not-json', 'answer is not JSON'],
    ['/offer-back', 'answer is not an SDP answer with a pc_id'],
    ['/no-pc-id', 'answer is not an SDP answer with a pc_id'],
    ['/huge', 'answer too large'],
    ['/redirect', 'not reached'],
  ])('refuses %s: %s', async (path, reason) => {
    await expect(offerToBot(botAt(path), SDP, CONTEXT)).rejects.toThrow(reason);
  });

  it('gives up on a bot that never answers after answerSeconds', async () => {
    const started = Date.now();
    await expect(offerToBot(botAt('/slow', 1), SDP, CONTEXT)).rejects.toThrow('no answer within 1 s');
    expect(Date.now() - started).toBeLessThan(2500);
  });
});
