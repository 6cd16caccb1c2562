import { Redis } from 'ioredis';
import { loadSdpFixture } from '../fixtures/load';
import { createLogger } from '../src/whatsapp/logger';
import { connectRelay } from '../src/main/transport/relayClient';
import { issueAgentToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { startGraphApiSim } from '../sim/graphApiSim';
import { connectWebhook, postSignedWebhook } from '../sim/webhookSender';

const SECRETS = {
  appSecret: '0123456789abcdef0123456789abcdef',
  verifyToken: 'bench-verify',
  accessToken: 'EAAGbenchAccessToken000000000',
  phoneNumberId: '555',
  agentSecret: 'bench-agent-secret-000',
};
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;

/** Ring fan-out to every agent and answer claims per second, each beside the raw Redis operation it rests on. */
export async function benchRelay(agentCount = 20, calls = 30) {
  const redis = await startTestRedis();
  const graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const logger = createLogger({ level: 'error' });
  const relays = [
    await startRelay({ ...SECRETS, redisUrl: redis.url, graphBaseUrl: graph.baseUrl, logger }),
    await startRelay({ ...SECRETS, redisUrl: redis.url, graphBaseUrl: graph.baseUrl, logger }),
  ];
  const offeredAt = new Map<string, number[]>();
  const agents = [];
  for (let i = 0; i < agentCount; i += 1) {
    const client = connectRelay({
      urls: [relays[i % 2]!.agentUrl],
      token: await issueAgentToken(`agent${i}`, SECRETS.agentSecret),
      onEvent: (e) => {
        if (e.type === 'call_offered') offeredAt.get(e.callId)?.push(Date.now());
      },
    });
    await client.ready();
    agents.push(client);
  }
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
    const sentAt = Date.now();
    const done = new Promise<void>((resolve) => {
      for (const s of subscribers)
        s.once('message', () => (got.push(Date.now()), got.length === agentCount && resolve()));
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
    const sentAt = Date.now();
    await postSignedWebhook(
      relays[i % 2]!.webhookUrl,
      connectWebhook({ callId, from: '1', phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }),
      SECRETS.appSecret,
    );
    while (offeredAt.get(callId)!.length < agentCount) await new Promise((r) => setTimeout(r, 1));
    fanout.push(Math.max(...offeredAt.get(callId)!) - sentAt);
    const claimStart = Date.now();
    const results = await Promise.allSettled(
      agents.map((a) => a.request('pre_accept', { callId: callId, sdp: answer })),
    );
    claimsMs += Date.now() - claimStart;
    if (results.filter((r) => r.status === 'fulfilled').length !== 1)
      throw new Error(`call ${callId} did not have exactly one winner`);
  }

  // Baseline 2: bare SET NX claims from one client.
  const setnxStart = Date.now();
  for (let i = 0; i < 2000; i += 1) await publisher.set(`bench:claim:${i}`, 'a', 'PX', 60_000, 'NX');
  const setnxPerSec = 2000 / ((Date.now() - setnxStart) / 1000);

  for (const a of agents) a.close();
  for (const s of subscribers) s.disconnect();
  publisher.disconnect();
  for (const r of relays) await r.close();
  await graph.close();
  await redis.stop();
  return {
    agentCount,
    calls,
    fanoutMs: median(fanout),
    pubsubMs: median(pubsub),
    claimsPerSec: calls / (claimsMs / 1000),
    setnxPerSec,
  };
}
