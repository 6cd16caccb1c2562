import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createFarEnd, heardTone } from '../../../sim/farEnd';
import { Redis } from 'ioredis';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueAgentToken } from '../agentTokens';
import { startTestRedis, type TestRedis } from '../testRedis';
import { createAnchoredCalls } from './anchoredCalls';
import { WebSocketServer } from 'ws';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { roomKeys, unguessableRoom } from './janusAccess';
import { connectJanusAnchor, type JanusAnchor } from './janusAnchor';
import { connectAsStranger } from './testJanusStranger';
import { holdMusicFile, mediaHostAddress, startTestJanus, type TestJanus } from './testJanus';
import { createTonePeer } from './testTonePeer';

let janus: TestJanus;
let anchor: JanusAnchor;
/** A live call: the customer (440 Hz) and an agent (300 Hz) hearing each other in a room the relay opened. */
let live: { room: number; caller: Awaited<ReturnType<typeof createFarEnd>>; desk: ReturnType<typeof createTonePeer> };

beforeAll(async () => {
  janus = await startTestJanus();
  anchor = await connectJanusAnchor(janus.url, janus.access);
  const room = await anchor.openRoom(unguessableRoom());
  const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
  const desk = createTonePeer(300);
  const customer = await anchor.joinCustomer(room, caller.offerSdp);
  await caller.applyAnswer(customer.answer);
  const agent = await anchor.joinAgent(room, await desk.offer(), 'asha');
  await desk.applyAnswer(agent.answer);
  live = { room, caller, desk };
  await vi.waitFor(() => expect(heardTone(caller.received, 300)).toBeGreaterThan(0.05), { timeout: 12_000 });
}, 40_000);

afterAll(async () => {
  live?.caller.close();
  live?.desk.close();
  await anchor?.close();
  await janus?.stop();
});

describe('Janus refuses everyone but the relays', () => {
  it('gives a stranger no session: without the API secret, with a forged one, or with a desk’s relay token', async () => {
    const deskToken = await issueAgentToken('asha', RELAY_TEST_SECRETS.agentSecret);
    for (const credentials of [
      {},
      { apisecret: 'janusrocks' },
      { apisecret: `${janus.access.apiSecret}x` },
      { apisecret: janus.access.adminKey },
      { apisecret: deskToken },
      { token: deskToken },
    ]) {
      const stranger = await connectAsStranger(janus.url, credentials);
      try {
        const reply = await stranger.createSession();
        expect(reply.janus, JSON.stringify(credentials)).toBe('error');
        expect(reply.error?.code).toBe(403);
      } finally {
        stranger.close();
      }
    }
  });

  it('keeps a holder of the API secret alone out of the call: no join, no room, no recording path, no playback', async () => {
    const insider = await connectAsStranger(janus.url, { apisecret: janus.access.apiSecret });
    const recordings = mkdtempSync(join(tmpdir(), 'stranger-recordings-'));
    const target = join(recordings, 'overwritten.wav');
    try {
      const at = await insider.attachAudioBridge();
      const { room } = live;
      const refused = async (body: Record<string, unknown>) => {
        const answer = await insider.audioBridge(at, body);
        expect(answer.error, JSON.stringify(body)).toBeTruthy();
        return answer;
      };
      // The live call's room: joining needs its pin, whatever is guessed.
      await refused({ request: 'join', room, display: 'stranger' });
      await refused({ request: 'join', room, display: 'stranger', pin: '1234' });
      await refused({ request: 'join', room, display: 'stranger', pin: roomKeys(janus.access, room).secret });
      // Recording it, playing into it, forwarding it or ending it needs its secret.
      await refused({ request: 'enable_recording', room, record: true, record_file: target });
      await refused({ request: 'enable_recording', room, record: true, record_dir: recordings, record_file: 'x.wav' });
      await refused({ request: 'play_file', room, filename: holdMusicFile(1000, 1) });
      await refused({ request: 'rtp_forward', room, host: '127.0.0.1', port: 5004 });
      await refused({ request: 'destroy', room });
      // New rooms need the admin key, with or without a recording path chosen by the stranger.
      await refused({ request: 'create', room: unguessableRoom() });
      await refused({ request: 'create', room: unguessableRoom(), record: true, record_file: target });
      await refused({ request: 'create', room: unguessableRoom(), admin_key: 'supersecret' });
      // Nothing was written where the stranger pointed, and the call goes on: the caller still hears the agent.
      expect(existsSync(target)).toBe(false);
      await expect.poll(() => heardTone(live.caller.received, 300), { timeout: 3000 }).toBeGreaterThan(0.05);
    } finally {
      insider.close();
    }
  });

  it('lets the relays in with what they hold: a room with its pin, and nothing else opens another room', async () => {
    const relay = await connectAsStranger(janus.url, { apisecret: janus.access.apiSecret });
    try {
      const at = await relay.attachAudioBridge();
      const room = unguessableRoom();
      const { secret, pin } = roomKeys(janus.access, room);
      const created = await relay.audioBridge(at, {
        request: 'create',
        room,
        admin_key: janus.access.adminKey,
        secret,
        pin,
      });
      expect(created.audiobridge).toBe('created');
      // The live call's pin opens only the live call's room.
      const wrongPin = await relay.audioBridge(at, {
        request: 'join',
        room,
        pin: roomKeys(janus.access, live.room).pin,
      });
      expect(wrongPin.error).toBeTruthy();
      expect((await relay.audioBridge(at, { request: 'destroy', room, secret })).audiobridge).toBe('destroyed');
    } finally {
      relay.close();
    }
  });
});

/** The relays' Redis, for the describes that run anchored calls as the relay does. */
describe('with the relays’ Redis', () => {
  let redisServer: TestRedis;
  let redis: Redis;
  beforeAll(async () => {
    redisServer = await startTestRedis();
    redis = new Redis(redisServer.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await redisServer?.stop();
  });

  describe('a leg that ended opens nothing any more', () => {
    it('a desk passed over and a supervisor who stopped listening neither hear nor are heard, nor can take their leg back', async () => {
      const anchored = await createAnchoredCalls({
        urls: [janus.url],
        access: janus.access,
        redis,
        prefix: 'legs',
        instance: 'legs-test',
        log: createMemoryLogger(),
      });
      const caller = await createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() });
      const desk = createTonePeer(300);
      const supervisor = createTonePeer(1100);
      try {
        expect(await anchored.open('call-1')).toBe(true);
        const deskAnswer = await desk.answer(await anchored.offerForDesk('call-1', 'asha'));
        await caller.applyAnswer(await anchored.answer('call-1', 'asha', deskAnswer, caller.offerSdp));
        // As after pre_accept's 200: the customer's leg starts.
        await anchored.customerAnswered('call-1');
        const listenAnswer = await supervisor.answer(
          await anchored.offerForListener('call-1', 'sam/1', () => undefined),
        );
        await anchored.answerListener('call-1', 'sam/1', listenAnswer);
        expect(await anchored.setListenerHeard('call-1', 'sam/1', true)).toBe(true);
        await expect.poll(() => desk.heard(440), { timeout: 12_000 }).toBeGreaterThan(0.05);
        await expect.poll(() => heardTone(caller.received, 1100), { timeout: 12_000 }).toBeGreaterThan(0.05);

        await anchored.dropDesk('call-1', 'asha');
        expect(await anchored.stopListening('call-1', 'sam/1')).toBe(true);
        // Their WebRTC legs are gone from Janus: what they still hold of the call's media opens nothing.
        await expect.poll(() => desk.heard(440), { timeout: 5000 }).toBeLessThan(0.004);
        await expect.poll(() => supervisor.heard(440), { timeout: 5000 }).toBeLessThan(0.004);
        await expect.poll(() => heardTone(caller.received, 300), { timeout: 5000 }).toBeLessThan(0.004);
        await expect.poll(() => heardTone(caller.received, 1100), { timeout: 5000 }).toBeLessThan(0.004);
        await expect(anchored.answerDesk('call-1', 'asha', deskAnswer)).rejects.toThrow(/no leg/);
        expect(await anchored.setListenerHeard('call-1', 'sam/1', true)).toBe(false);
        await expect(anchored.answerListener('call-1', 'sam/1', listenAnswer)).rejects.toThrow(/no listening leg/);
      } finally {
        caller.close();
        desk.close();
        supervisor.close();
        await anchored.end('call-1');
        await anchored.close();
      }
    }, 45_000);
  });

  describe('the team’s list of Janus instances in Redis', () => {
    it('never sends the API secret to an address someone without the admin key wrote into Redis', async () => {
      // A fake Janus that keeps every request it gets: what a stranger able to write to Redis would stand up.
      const heard: string[] = [];
      const fake = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      fake.on('connection', (socket) => socket.on('message', (data) => heard.push(String(data))));
      await new Promise((resolve) => fake.once('listening', resolve));
      const fakeUrl = `ws://127.0.0.1:${(fake.address() as { port: number }).port}`;
      const log = createMemoryLogger();
      const anchored = await createAnchoredCalls({
        urls: [janus.url],
        access: janus.access,
        redis,
        prefix: 'registry',
        instance: 'registry-test',
        log,
      });
      try {
        // As `janus add` would, without the key: an unsigned entry, and one signed with a guessed key.
        await redis.hset('registry:janus-servers', fakeUrl, JSON.stringify({ state: 'active', sinceMs: Date.now() }));
        await new Promise((r) => setTimeout(r, 2600));
        expect(heard).toEqual([]);
        expect(log.records.some((r) => r.level === 'error' && r.url === fakeUrl)).toBe(true);
        // The genuine Janus is still used.
        expect(await anchored.open('registry-call')).toBe(true);
        await anchored.end('registry-call');
      } finally {
        await anchored.close();
        fake.close();
      }
    }, 20_000);
  });
});
