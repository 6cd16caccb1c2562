import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTonePeer } from '../src/relay/media/testTonePeer';

/**
 * How the scripted bot behaves: `answer` takes the leg, speaks its tone and escalates after `escalateAfterMs`;
 * `silent` never answers the offer; `http_error` answers 500; `no_media` answers, then drops its peer (its media
 * never connects); `hang_up` speaks for `escalateAfterMs`, then drops its peer without escalating (a crash).
 */
export type ScriptedBotMode = 'answer' | 'silent' | 'http_error' | 'no_media' | 'hang_up';

export interface ScriptedBotOptions {
  /** The queue's bot token: the relay must present it, and the bot escalates with it. */
  token: string;
  toneHz: number;
  /** The caller's tone the bot listens for, noted in its transcript. */
  hearHz: number;
  mode?: ScriptedBotMode;
  /** The relay's agent port (http://host:port/): where to POST /bot/escalate. */
  relayUrl?: string;
  escalateAfterMs?: number;
  escalateTo?: string;
  /** Instead of escalating, ends the call this long after answering (a survey or payment bot that is done). */
  endAfterMs?: number;
  /**
   * `whip`: served as a WHIP endpoint (RFC 9725) instead: `POST /whip` takes the offer as application/sdp (the call's
   * context in the Relay-Call-Context header) and answers 201 Created with the answer and a Location; `DELETE` on
   * that Location ends the session.
   */
  transport?: 'smallwebrtc' | 'whip';
  summary?: string;
  facts?: Record<string, string>;
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}
const readJson = async (req: IncomingMessage): Promise<unknown> => JSON.parse(await readText(req)) as unknown;

/**
 * A voice bot for tests and the demo, served the way pipecat's SmallWebRTC transport serves one: `POST /api/offer`
 * takes `{sdp, type: 'offer', pc_id, request_data}` and answers `{sdp, type: 'answer', pc_id}`; behind it a libwebrtc
 * peer speaks a tone and listens for the caller's. Written from pipecat's documented HTTP shape, not from the relay.
 */
export async function startScriptedBot(options: ScriptedBotOptions) {
  const mode = options.mode ?? 'answer';
  const offers: Array<{ authorization?: string; body: Record<string, unknown> }> = [];
  const peers: Array<ReturnType<typeof createTonePeer>> = [];
  const escalations: Array<{ status: number; body: string }> = [];
  const ends: Array<{ status: number; body: string }> = [];
  /** WHIP sessions by their resource path, and the DELETEs the bot was sent. */
  const sessions = new Map<string, ReturnType<typeof createTonePeer>>();
  const deletes: string[] = [];
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  const intervals: Array<ReturnType<typeof setInterval>> = [];
  let loudestCaller = 0;
  /** A WHIP request: the offer in, 201 with the answer and the session's Location out; DELETE ends it. */
  async function whip(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.authorization !== `Bearer ${options.token}`) return void res.writeHead(401).end();
    if (req.method === 'DELETE') {
      const peer = sessions.get(req.url ?? '');
      if (!peer) return void res.writeHead(404).end();
      sessions.delete(req.url ?? '');
      deletes.push(req.url ?? '');
      peer.close();
      return void res.writeHead(200).end();
    }
    if (req.method !== 'POST' || req.url !== '/whip') return void res.writeHead(405).end();
    if (req.headers['content-type'] !== 'application/sdp') return void res.writeHead(415).end();
    const sdp = await readText(req);
    const header = req.headers['relay-call-context'];
    const context =
      typeof header === 'string' ? (JSON.parse(Buffer.from(header, 'base64url').toString()) as unknown) : undefined;
    offers.push({ authorization: req.headers.authorization, body: { sdp, request_data: context } });
    if (mode === 'http_error') return void res.writeHead(500).end('bot crashed');
    const peer = createTonePeer(options.toneHz);
    const answer = await peer.answer(sdp);
    peers.push(peer);
    const resource = `/whip/${randomUUID()}`;
    sessions.set(resource, peer);
    res.writeHead(201, { 'Content-Type': 'application/sdp', Location: resource });
    res.end(answer);
    afterAnswer(peer, context as { call?: string } | undefined);
  }

  /** What the bot does once its leg is answered: listens, then escalates, ends the call, or drops (by its mode). */
  function afterAnswer(peer: ReturnType<typeof createTonePeer>, context: { call?: string } | undefined): void {
    const listening = setInterval(() => (loudestCaller = Math.max(loudestCaller, peer.heard(options.hearHz))), 100);
    intervals.push(listening);
    if (mode === 'hang_up') timers.push(setTimeout(() => peer.close(), options.escalateAfterMs ?? 2000));
    if (mode === 'answer' && options.relayUrl && options.endAfterMs !== undefined && context?.call)
      timers.push(
        setTimeout(() => void end(context.call!).catch((error) => ends.push(unreached(error))), options.endAfterMs),
      );
    else if (mode === 'answer' && options.relayUrl && options.escalateTo && context?.call)
      timers.push(
        setTimeout(
          () => void escalate(context.call!).catch((error) => escalations.push(unreached(error))),
          options.escalateAfterMs ?? 2000,
        ),
      );
  }

  const server = createServer((req, res) => {
    void (async () => {
      if (options.transport === 'whip') return await whip(req, res);
      if (req.method !== 'POST' || req.url !== '/api/offer') return void res.writeHead(404).end();
      const body = (await readJson(req)) as Record<string, unknown>;
      offers.push({ authorization: req.headers.authorization, body });
      if (req.headers.authorization !== `Bearer ${options.token}`) return void res.writeHead(401).end();
      if (typeof body.sdp !== 'string' || body.type !== 'offer') return void res.writeHead(400).end();
      if (mode === 'silent') return; // the socket stays open: the relay must give up by itself
      if (mode === 'http_error') return void res.writeHead(500).end('bot crashed');
      const peer = createTonePeer(options.toneHz);
      const sdp = await peer.answer(body.sdp);
      // A bot that crashes right after answering: the answer is well formed, its media never connects.
      if (mode === 'no_media') peer.close();
      else peers.push(peer);
      const pcId = `scripted-${randomUUID()}`;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ sdp, type: 'answer', pc_id: pcId }));
      afterAnswer(peer, body.request_data as { call?: string } | undefined);
    })().catch(() => res.writeHead(500).end());
  });

  /** A request the relay never answered (it was closed, or refused the connection): kept as status 0 with why. */
  const unreached = (error: unknown) => ({ status: 0, body: error instanceof Error ? error.message : String(error) });

  async function escalate(call: string): Promise<void> {
    const heard = loudestCaller > 0.05;
    const response = await fetch(new URL('bot/escalate', options.relayUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
      body: JSON.stringify({
        call,
        queue: options.escalateTo,
        summary: options.summary ?? 'Customer wants a person.',
        facts: options.facts ?? {},
        transcript: [
          { speaker: 'assistant', text: 'Hello, how can I help?' },
          { speaker: 'customer', text: heard ? `(a steady ${options.hearHz} Hz tone)` : '(silence)' },
        ],
      }),
    });
    escalations.push({ status: response.status, body: await response.text() });
  }

  async function end(call: string): Promise<void> {
    const response = await fetch(new URL('bot/end', options.relayUrl), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${options.token}` },
      body: JSON.stringify({ call }),
    });
    ends.push({ status: response.status, body: await response.text() });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${options.transport === 'whip' ? '/whip' : '/api/offer'}`,
    offers,
    escalations,
    ends,
    /** The WHIP sessions the relay ended with DELETE, by resource path. */
    deletes,
    /** WHIP sessions still open. */
    openSessions: () => sessions.size,
    /** How loud the caller's tone was at its loudest in what the bot heard (0..1). */
    heardCaller: () => loudestCaller,
    /** How loud a tone is in what the bot hears now (0..1). */
    hears: (hz: number) => peers.at(-1)?.heard(hz) ?? 0,
    /** When the bot's leg last received audio from the room (0: never). */
    lastHeardAtMs: () => peers.at(-1)?.lastHeardAtMs() ?? 0,
    /** The bot crashes now: every media connection it has drops, without a word to the relay. */
    hangUp(): void {
      for (const peer of peers) peer.close();
    },
    async close(): Promise<void> {
      for (const timer of timers) clearTimeout(timer);
      for (const interval of intervals) clearInterval(interval);
      for (const peer of peers) peer.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
export type ScriptedBot = Awaited<ReturnType<typeof startScriptedBot>>;
