import { Redis } from 'ioredis';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadSdpFixture } from '../fixtures/load';
import { createLogger } from '../src/whatsapp/logger';
import WebSocket from 'ws';
import { issueAgentToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { startGraphApiSim } from '../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../sim/webhookSender';

export const SECRETS = {
  appSecret: '0123456789abcdef0123456789abcdef',
  verifyToken: 'bench-verify',
  accessToken: 'EAAGbenchAccessToken000000000',
  phoneNumberId: '555',
  agentSecret: 'bench-agent-secret-000',
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
/** Heap in use after a full collection, in MB. */
const heapMb = () => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed / 1024 / 1024;
};

/** A desk reduced to its socket: signs in, notes offers by their call ID, and sends requests. */
export async function benchAgent(url: string, agentId: string, offeredAt: Map<string, number[]>) {
  const socket = new WebSocket(url, {
    headers: { Authorization: `Bearer ${await issueAgentToken(agentId, SECRETS.agentSecret)}` },
  });
  const replies = new Map<number, (reply: { ok: boolean }) => void>();
  let nextId = 1;
  let welcomed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (welcomed = resolve));
  socket.on('message', (data: Buffer) => {
    const at = performance.now();
    const text = data.toString();
    const offer =
      /"type":"call_offered","callId":"([^"]+)"/.exec(text) ??
      /"callId":"([^"]+)"[^}]*"type":"call_offered"/.exec(text);
    if (offer && text.includes('"type":"event"')) {
      offeredAt.get(offer[1]!)?.push(at);
      return;
    }
    const message = JSON.parse(text) as { type: string; id?: number; ok?: boolean };
    if (message.type === 'welcome') welcomed();
    if (message.type === 'reply') replies.get(message.id!)?.({ ok: message.ok! });
  });
  await ready;
  // A desk says its status first thing, as the relay expects of every connection within seconds.
  socket.send(JSON.stringify({ type: 'status', status: 'available' }));
  return {
    agentId,
    /** Asks the relay for a status, as the desk's status menu does. */
    status(status: 'available' | 'away'): void {
      socket.send(JSON.stringify({ type: 'status', status }));
    },
    request(action: string, params: Record<string, unknown>): Promise<void> {
      const id = nextId++;
      socket.send(JSON.stringify({ ...params, type: 'request', id, action }));
      return new Promise((resolve, reject) =>
        replies.set(id, (reply) => (replies.delete(id), reply.ok ? resolve() : reject(new Error('refused')))),
      );
    },
    close: () => socket.close(),
  };
}

/**
 * Ring fan-out to every agent and answer claims per second, each beside the raw Redis operation it rests on, then
 * the memory of the relay instances over `memoryCalls` calls (offered to all, answered by one, ended by WhatsApp).
 */
export async function benchRelay(
  options: { instances?: number; agents?: number; calls?: number; memoryCalls?: number } = {},
) {
  const instances = options.instances ?? 4;
  const agentCount = options.agents ?? 100;
  const calls = options.calls ?? 20;
  const memoryCalls = options.memoryCalls ?? 1000;
  const redis = await startTestRedis();
  const graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const logger = createLogger({ level: 'error' });
  const relays = [];
  for (let i = 0; i < instances; i += 1)
    // After-call work off (RELAY_AFTER_CALL_SECONDS=0): each call's winner rings again for the next one at once.
    relays.push(
      await startRelay({ ...SECRETS, redisUrl: redis.url, graphBaseUrl: graph.baseUrl, logger, afterCallSeconds: 0 }),
    );
  const offeredAt = new Map<string, number[]>();
  // Agents are bare WebSocket clients that note when an offer's frame arrives: in a team each desk reads its
  // message on its own computer, so parsing it here, in the one process, would be counted 100 times over.
  const agents = [];
  for (let i = 0; i < agentCount; i += 1)
    agents.push(await benchAgent(relays[i % instances]!.agentUrl, `agent${i}`, offeredAt));
  const answer = loadSdpFixture('02-meta-doc-user-initiated-answer.sdp');

  // Baseline 1: one Redis publish reaching as many subscribers as there are agents.
  const subscribers = await Promise.all(
    Array.from({ length: agentCount }, async () => {
      const s = new Redis(redis.url);
      await s.subscribe('bench');
      return s;
    }),
  );
  const pubsub: number[] = [];
  const publisher = new Redis(redis.url);
  for (let i = 0; i < calls; i += 1) {
    const got: number[] = [];
    const sentAt = performance.now();
    const done = new Promise<void>((resolve) => {
      for (const s of subscribers)
        s.once('message', () => (got.push(performance.now()), got.length === agentCount && resolve()));
    });
    await publisher.publish('bench', 'x');
    await done;
    pubsub.push(Math.max(...got) - sentAt);
  }

  const fanout: number[] = [];
  let claimsMs = 0;
  for (let i = 0; i < calls; i += 1) {
    const callId = `wacid.bench${i}`;
    graph.offerCall(callId);
    offeredAt.set(callId, []);
    const sentAt = performance.now();
    await postSignedWebhook(
      relays[i % instances]!.webhookUrl,
      connectWebhook({ callId, from: '1', phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }),
      SECRETS.appSecret,
    );
    while (offeredAt.get(callId)!.length < agentCount) await new Promise((r) => setTimeout(r, 1));
    fanout.push(Math.max(...offeredAt.get(callId)!) - sentAt);
    const claimStart = performance.now();
    const results = await Promise.allSettled(
      agents.map((a) => a.request('pre_accept', { callId: callId, sdp: answer })),
    );
    claimsMs += performance.now() - claimStart;
    if (results.filter((r) => r.status === 'fulfilled').length !== 1)
      throw new Error(`call ${callId} did not have exactly one winner`);
    // WhatsApp ends the call, so its winner is free to ring for the next one.
    await postSignedWebhook(
      relays[i % instances]!.webhookUrl,
      terminateWebhook({ callId, from: '1', phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' }),
      SECRETS.appSecret,
    );
  }

  // Baseline 2: bare SET NX claims from one client.
  const setnxStart = performance.now();
  for (let i = 0; i < 2000; i += 1) await publisher.set(`bench:claim:${i}`, 'a', 'PX', 60_000, 'NX');
  const setnxPerSec = 2000 / ((performance.now() - setnxStart) / 1000);

  // Memory over many calls: each offered to every agent, answered by one, ended by WhatsApp's terminate webhook.
  const memory: Array<{ calls: number; heapMb: number }> = [];
  for (let i = 0; i < memoryCalls; i += 1) {
    const callId = `wacid.memory${i}`;
    graph.offerCall(callId);
    offeredAt.set(callId, []);
    const relay = relays[i % instances]!;
    await postSignedWebhook(
      relay.webhookUrl,
      connectWebhook({ callId, from: '1', phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }),
      SECRETS.appSecret,
    );
    while (offeredAt.get(callId)!.length < agentCount) await new Promise((r) => setTimeout(r, 1));
    offeredAt.delete(callId);
    await agents[i % agentCount]!.request('pre_accept', { callId, sdp: answer });
    await postSignedWebhook(
      relay.webhookUrl,
      terminateWebhook({ callId, from: '1', phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' }),
      SECRETS.appSecret,
    );
    // The simulator's own records (calls, every request with its SDP) live in this process too: not the relay's.
    graph.calls.delete(callId);
    graph.requests.length = 0;
    if ((i + 1) % Math.max(1, Math.floor(memoryCalls / 4)) === 0 || i === 99)
      memory.push({ calls: i + 1, heapMb: heapMb() });
  }

  for (const a of agents) a.close();
  for (const s of subscribers) s.disconnect();
  publisher.disconnect();
  for (const r of relays) await r.close();
  await graph.close();
  await redis.stop();
  return {
    instances,
    agentCount,
    calls,
    memory,
    fanoutMs: median(fanout),
    pubsubMs: median(pubsub),
    claimsPerSec: calls / (claimsMs / 1000),
    setnxPerSec,
  };
}
