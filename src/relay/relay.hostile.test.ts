import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startGraphApiSim, type GraphApiSim } from '../../sim/graphApiSim';
import { connectWebhook, permissionReplyWebhook, postSignedWebhook, terminateWebhook } from '../../sim/webhookSender';
import { connectRelay } from '../main/transport/relayClient';
import { createMemoryLogger } from '../whatsapp/logger';
import { issueAgentToken } from './agentTokens';
import { startRelay, type Relay } from './relayServer';
import { startTestRedis } from './testRedis';
import { RELAY_TEST_SECRETS, TEST_ANSWER_SDP } from './testSecrets';
import { connectTestAgent } from './testAgent';

const SECRETS = RELAY_TEST_SECRETS;
const ANSWER = TEST_ANSWER_SDP;

let redis: Awaited<ReturnType<typeof startTestRedis>>;
let graph: GraphApiSim;
let relay: Relay;
let port: number;

beforeAll(async () => {
  redis = await startTestRedis();
  graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'hostile',
  });
  port = Number(new URL(relay.agentUrl).port);
});
afterAll(async () => {
  await relay.close();
  await graph.close();
  await redis.stop();
});

/** Opens a raw TCP connection and sends a WebSocket upgrade, returning the socket once the relay answered. */
function upgrade(token: string, toPort = port): Promise<{ socket: Socket; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(toPort, '127.0.0.1', () => {
      socket.write(
        [
          'GET / HTTP/1.1',
          `Host: 127.0.0.1:${toPort}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          `Authorization: Bearer ${token}`,
          '',
          '',
        ].join('\r\n'),
      );
    });
    socket.once('data', (data) => resolve({ socket, head: data.toString() }));
    socket.on('error', reject);
  });
}

/** One client frame, masked as RFC 6455 requires unless `masked` is false. */
function frame(opcode: number, payload: Buffer, options: { masked?: boolean; declaredLength?: number } = {}): Buffer {
  const masked = options.masked ?? true;
  const length = options.declaredLength ?? payload.length;
  const header: number[] = [0x80 | opcode];
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) header.push(maskBit | length);
  else if (length < 65536) header.push(maskBit | 126, length >> 8, length & 0xff);
  else {
    header.push(maskBit | 127, 0, 0, 0, 0);
    header.push((length >>> 24) & 0xff, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff);
  }
  if (!masked) return Buffer.concat([Buffer.from(header), payload]);
  const mask = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from(header), mask, body]);
}

/** The relay still signs agents in and answers them. */
async function relayStillWorks(): Promise<void> {
  const client = connectRelay({
    urls: [relay.agentUrl],
    token: await issueAgentToken('checker', SECRETS.agentSecret),
    onEvent: () => undefined,
  });
  await client.ready();
  await expect(client.request('terminate', { callId: 'not-a-call' })).rejects.toThrow('not yours to end');
  client.close();
}

describe('relay against hostile peers', () => {
  it('survives clients that reset the connection after a refused sign-in', async () => {
    for (let i = 0; i < 5; i += 1) {
      const { socket, head } = await upgrade('mallory.9999999999999.forged');
      expect(head).toContain('401');
      socket.resetAndDestroy();
    }
    const raced = await new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Bearer bad\r\n\r\n`,
        );
        socket.resetAndDestroy();
        resolve();
      });
    });
    expect(raced).toBeUndefined();
    await new Promise((r) => setTimeout(r, 100));
    await relayStillWorks();
  });

  const attacks: Array<[string, Buffer]> = [
    ['a frame over the size limit', frame(0x1, Buffer.alloc(16), { declaredLength: 10 * 1024 * 1024 })],
    ['invalid UTF-8 in a text frame', frame(0x1, Buffer.from([0xff, 0xfe, 0xfd]))],
    ['an unknown opcode', frame(0x3, Buffer.from('x'))],
    ['an unmasked client frame', frame(0x1, Buffer.from('{"type":"status","status":"away"}'), { masked: false })],
    ['a close code out of range', frame(0x8, Buffer.from([0x03, 0xe7]))],
    ['JSON outside the protocol', frame(0x1, Buffer.from('{"type":"request","id":1,"action":"pre_accept"}'))],
    ['not JSON at all', frame(0x1, Buffer.from('}{'))],
  ];
  for (const [name, bytes] of attacks) {
    it(`drops a signed-in agent that sends ${name}, and goes on`, async () => {
      const { socket, head } = await upgrade(await issueAgentToken('mallory', SECRETS.agentSecret));
      expect(head).toContain('101');
      // Dropped means the TCP connection closed, or the relay sent its close frame (1008, policy violation).
      let received = Buffer.alloc(0);
      const closed = new Promise<void>((resolve) => {
        socket.on('data', (data: Buffer) => {
          received = Buffer.concat([received, data]);
          const at = received.indexOf(Buffer.from([0x03, 0xf0]));
          if (at >= 2 && received[at - 2] === 0x88) resolve();
        });
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
      socket.write(bytes);
      await closed;
      socket.destroy();
      await relayStillWorks();
    });
  }
});

/** A signed-in desk that records the signals the relay sends it. */
async function deskOf(id: string, status?: 'away') {
  const desk = await connectTestAgent(id, [relay.agentUrl]);
  if (status) desk.client.setStatus(status);
  return desk;
}

describe('relay authorization: an agent acts only on calls offered to them', () => {
  it('refuses answer and decline from an agent the call was never offered to, and keeps them from its events', async () => {
    const away = await deskOf('away-agent', 'away');
    const ringing = await deskOf('ringing-agent');
    await new Promise((r) => setTimeout(r, 100));
    const callId = `wacid.authz${Date.now()}`;
    graph.offerCall(callId);
    const body = connectWebhook({
      callId,
      from: '447700900555',
      callerName: 'Private Person',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
    });
    expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
    await expect.poll(() => ringing.events.length).toBe(1);

    await expect(away.client.request('pre_accept', { callId, sdp: ANSWER })).rejects.toThrow('not offered to you');
    await expect(away.client.request('reject', { callId })).rejects.toThrow('not offered to you');
    await expect(away.client.request('reject', { callId: 'wacid.invented' })).rejects.toThrow('not offered to you');
    expect(graph.actionsFor(callId)).toEqual([]);
    expect(graph.actionsFor('wacid.invented')).toEqual([]);

    await ringing.client.request('pre_accept', { callId, sdp: ANSWER });
    await postSignedWebhook(
      relay.webhookUrl,
      terminateWebhook({ callId, from: '447700900555', phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' }),
      SECRETS.appSecret,
    );
    await expect.poll(() => ringing.events.some((e) => e.type === 'call_terminated')).toBe(true);
    expect(JSON.stringify(away.events)).not.toContain('447700900555');
    away.client.close();
    ringing.client.close();
  });
});

describe('relay rate limits, shared by every instance through Redis', () => {
  it('stops a desk that floods requests, on whichever instance it connects to', async () => {
    const second = await startRelay({
      ...SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix: 'hostile',
    });
    const token = await issueAgentToken('flooder', SECRETS.agentSecret);
    const first = connectRelay({ urls: [relay.agentUrl], token, onEvent: () => undefined });
    await first.ready();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 130 }, (_, i) => first.request('terminate', { callId: `wacid.flood${i}` })),
    );
    const limited = outcomes.filter((o) => o.status === 'rejected' && /Too many requests/.test(String(o.reason)));
    expect(limited.length).toBeGreaterThanOrEqual(10);
    first.close();
    const other = connectRelay({ urls: [second.agentUrl], token, onEvent: () => undefined });
    await other.ready();
    await expect(other.request('terminate', { callId: 'wacid.flood-again' })).rejects.toThrow(/Too many requests/);
    other.close();
    await second.close();
  });

  it('a desk flooding status changes is cut off, and a call arriving meanwhile rings a colleague at once', async () => {
    const colleague = await connectTestAgent('steady', [relay.agentUrl]);
    const flooder = new WebSocket(relay.agentUrl, {
      headers: { Authorization: `Bearer ${await issueAgentToken('status-flooder', SECRETS.agentSecret)}` },
    });
    await new Promise((resolve, reject) => (flooder.once('open', resolve), flooder.once('error', reject)));
    const closed = new Promise<number>((resolve) => flooder.once('close', (code) => resolve(code)));
    for (let i = 0; i < 20_000; i += 1)
      flooder.send(JSON.stringify({ type: 'status', status: i % 2 ? 'available' : 'away', reason: 'break' }));
    const callId = 'wacid.during-status-flood';
    graph.offerCall(callId);
    const sentAt = Date.now();
    const body = connectWebhook({
      callId,
      from: '447700900611',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
    });
    expect((await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
    await expect
      .poll(() => colleague.events.some((e) => e.type === 'call_offered' && e.callId === callId), { timeout: 10_000 })
      .toBe(true);
    // A genuine desk never changes its status this fast: the flooder is closed as a policy violation.
    expect(await closed).toBe(1008);
    expect(Date.now() - sentAt).toBeLessThan(3000);
    await colleague.client.request('reject', { callId });
    colleague.client.close();
  });

  it('asks one customer for call permission once a day, however many agents try', async () => {
    const before = graph.requests.filter((r) => r.path.endsWith('/messages')).length;
    const desks = await Promise.all(
      ['perm-a', 'perm-b'].map(async (id) =>
        connectRelay({
          urls: [relay.agentUrl],
          token: await issueAgentToken(id, SECRETS.agentSecret),
          onEvent: () => undefined,
        }),
      ),
    );
    await Promise.all(desks.map((d) => d.ready()));
    await desks[0]!.request('request_permission', { to: '447700900777' });
    await expect(desks[1]!.request('request_permission', { to: '447700900777' })).rejects.toThrow(
      /already asked for call permission today/,
    );
    await expect(desks[0]!.request('request_permission', { to: '447700900777' })).rejects.toThrow(/already asked/);
    expect(graph.requests.filter((r) => r.path.endsWith('/messages')).length - before).toBe(1);
    for (const d of desks) d.close();
  });
});

describe('relay sign-in: copied and revoked tokens', () => {
  it('refuses a second sign-in with a copied token while the real desk is connected, and keeps the real desk', async () => {
    const token = await issueAgentToken('real-desk', SECRETS.agentSecret);
    const real = connectRelay({ urls: [relay.agentUrl], token, onEvent: () => undefined });
    await real.ready();
    const { socket, head } = await upgrade(token);
    expect(head).toContain('409');
    socket.destroy();
    await expect(real.request('terminate', { callId: 'wacid.none' })).rejects.toThrow('not yours to end');
    real.close();
  });

  it('revoke (the real command) refuses the agent’s tokens and signs their desk out', async () => {
    const token = await issueAgentToken('revokee', SECRETS.agentSecret);
    const states: boolean[] = [];
    const desk = connectRelay({
      urls: [relay.agentUrl],
      token,
      onEvent: () => undefined,
      onConnection: (s) => states.push(s.connected),
    });
    await desk.ready();
    const revoke = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'index.ts'), 'revoke', 'revokee'], {
      env: { ...process.env, REDIS_URL: redis.url, RELAY_PREFIX: 'hostile' },
      encoding: 'utf8',
    });
    expect(revoke.status, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain('revokee');
    await expect.poll(() => states.at(-1), { timeout: 8000 }).toBe(false);
    const { socket, head } = await upgrade(token);
    expect(head).toContain('401');
    socket.destroy();
    desk.close();
    const fresh = await issueAgentToken('revokee', SECRETS.agentSecret, { now: Date.now() + 2000 });
    const again = await upgrade(fresh);
    expect(again.head).toContain('101');
    again.socket.destroy();
  });
});

describe('relay intake', () => {
  it('ignores a correctly signed call for another phone number on the same Meta app', async () => {
    const { client: desk, events } = await deskOf('pnid-check');
    const foreign = connectWebhook({ callId: 'wacid.foreign', from: '1', phoneNumberId: '999', sdpOffer: 'v=0\r\n' });
    expect((await postSignedWebhook(relay.webhookUrl, foreign, SECRETS.appSecret)).status).toBe(200);
    const own = connectWebhook({
      callId: 'wacid.own',
      from: '1',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
    });
    expect((await postSignedWebhook(relay.webhookUrl, own, SECRETS.appSecret)).status).toBe(200);
    await expect.poll(() => events.map((e) => ('callId' in e ? e.callId : e.type))).toEqual(['wacid.own']);
    desk.close();
  });
});

describe('relay: a customer’s permission answer', () => {
  it('reaches only the agent who asked, never the rest of the team', async () => {
    const asker = await deskOf('asker');
    const other = await deskOf('bystander');
    await asker.client.request('request_permission', { to: '447700900888' });
    const reply = permissionReplyWebhook({
      customer: '447700900888',
      phoneNumberId: SECRETS.phoneNumberId,
      response: 'accept',
    });
    expect((await postSignedWebhook(relay.webhookUrl, reply, SECRETS.appSecret)).status).toBe(200);
    await expect
      .poll(() => asker.events.filter((e) => e.type === 'permission_reply'))
      .toEqual([expect.objectContaining({ customer: '447700900888', response: 'accept' })]);
    expect(JSON.stringify(other.events)).not.toContain('447700900888');
    asker.client.close();
    other.client.close();
  });
});

/** Opens `count` TCP connections from `localAddress` that never send a byte; the server may close them. */
async function silentSockets(targetPort: number, localAddress: string, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = Array.from(
      { length: Math.min(50, count - i) },
      () =>
        new Promise<void>((resolve) => {
          const socket = connect({ port: targetPort, host: '127.0.0.1', localAddress }, () => resolve());
          socket.on('error', () => resolve());
          socket.on('close', () => resolve());
          // Reading, so the server's close is seen (a paused socket never reports its end).
          socket.resume();
          sockets.push(socket);
        }),
    );
    await Promise.all(batch);
  }
  return sockets;
}

const metricsOf = async (r: Relay) => (await fetch(new URL('/metrics', r.agentUrl.replace('ws', 'http')))).text();

const stillOpen = (sockets: Socket[]) => sockets.filter((s) => !s.destroyed && !s.closed).length;

/** Resolves once the server closed `socket`, or false after `ms`. */
const closedWithin = (socket: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

describe('relay under a connection flood (issue 23)', () => {
  let flooded: Relay;
  let floodedPort: number;
  const flood: Socket[] = [];
  beforeAll(async () => {
    flooded = await startRelay({
      ...SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix: 'hostile-flood',
      agentConnections: { maxConnections: 1000, firstRequestMs: 3000, firstMessageMs: 1000 },
    });
    floodedPort = Number(new URL(flooded.agentUrl).port);
  });
  afterAll(async () => {
    for (const socket of flood) socket.destroy();
    await flooded.close();
  });

  it('caps silent connections per address and in total, keeps taking webhooks and desks, and closes them', async () => {
    const fromOne = await silentSockets(floodedPort, '127.0.1.1', 300);
    flood.push(...fromOne);
    // In steps, so the listen backlog does not overflow (dropped SYNs come back seconds later).
    for (let i = 1; i <= 30; i += 1) flood.push(...(await silentSockets(floodedPort, `127.0.2.${i}`, 50)));
    // The relay's own count: the client side lags behind (SYN retries past the listen backlog, a busy loop).
    const open = async () =>
      Number(/wa_relay_open_connections\{port="agent"\} (\d+)/.exec(await metricsOf(flooded))?.[1]);
    const refusedFromOne = async () =>
      Number(/refused_total\{port="agent",reason="address_full"\} (\d+)/.exec(await metricsOf(flooded))?.[1]);
    await expect.poll(refusedFromOne, { timeout: 3000 }).toBe(300 - 64);
    expect(await open()).toBeGreaterThan(900);
    expect(await open()).toBeLessThanOrEqual(1000);
    const callId = `wacid.flood${Date.now()}`;
    const body = connectWebhook({
      callId,
      from: '447700900999',
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
    });
    expect((await postSignedWebhook(flooded.webhookUrl, body, SECRETS.appSecret)).status).toBe(200);
    const desk = await connectTestAgent('flood-desk', [flooded.agentUrl]);
    await expect(desk.client.request('terminate', { callId: 'not-a-call' })).rejects.toThrow('not yours to end');

    await expect.poll(() => stillOpen(flood), { timeout: 6000, interval: 200 }).toBe(0);
    await expect(desk.client.request('terminate', { callId: 'still-not' })).rejects.toThrow('not yours to end');
    desk.client.close();
    expect(await metricsOf(flooded)).toMatch(/refused_total\{port="agent",reason="no_request_in_time"\} [1-9]/);
  });

  it('answers a request without a token at once and closes its connection, however slowly its body trickles', async () => {
    // Every API on the agent port is served by one listener (the bots' too, where a queue has a bot).
    for (const path of ['/board/api/settings', '/board/api/queues', '/board/api/customer-data']) {
      const socket = connect(floodedPort, '127.0.0.1');
      socket.on('error', () => undefined);
      const answer = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
      });
      const method = path === '/board/api/queues' || path === '/board/api/settings' ? 'PUT' : 'POST';
      socket.write(
        [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${floodedPort}`, 'Content-Length: 999999', '', 'x'].join(
          '\r\n',
        ),
      );
      // A byte every 200 ms, as a hostile client keeping the socket would: the relay answers and closes all the same.
      const trickle = setInterval(() => socket.writable && socket.write('x'), 200);
      try {
        expect(await closedWithin(socket, 3000), path).toBe(true);
        expect(await answer, path).toMatch(/^HTTP\/1\.1 401 [\s\S]*Connection: close/i);
      } finally {
        clearInterval(trickle);
        socket.destroy();
      }
    }
  });

  it('closes a WebSocket that sends no first message in time (an agent’s and the board’s)', async () => {
    const { socket: agent, head } = await upgrade(
      await issueAgentToken('silent-desk', SECRETS.agentSecret),
      floodedPort,
    );
    expect(head).toContain('101');
    const board = connect(floodedPort, '127.0.0.1', () =>
      board.write(
        [
          'GET /board/live HTTP/1.1',
          `Host: 127.0.0.1:${floodedPort}`,
          `Origin: http://127.0.0.1:${floodedPort}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      ),
    );
    board.on('error', () => undefined);
    board.resume();
    expect(await Promise.all([closedWithin(agent, 4000), closedWithin(board, 4000)])).toEqual([true, true]);
  });
});
