import WebSocket from 'ws';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import { TeamQueues } from '../src/shared/teamQueues';
import { createLogger } from '../src/whatsapp/logger';
import { startGraphApiSim } from '../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../sim/webhookSender';
import { benchAgent, SECRETS } from './relay';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Queue routing beside the team's ring-all fan-out, in one run on one redis-server: webhook -> the ring at the agent
 * the queue chose (skills, longest idle), webhook -> the ring at every agent (ring_all), and webhook -> the new
 * waiting call on a supervisor's board (with the call records in PostgreSQL behind the board's figures).
 */
export async function benchQueues(options: { agents?: number; calls?: number } = {}) {
  const agentCount = options.agents ?? 100;
  const calls = options.calls ?? 20;
  const [redis, postgres] = await Promise.all([startTestRedis(), startTestPostgres()]);
  const graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const logger = createLogger({ level: 'error' });
  const ids = Array.from({ length: agentCount }, (_, i) => `agent${i}`);
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [
      {
        id: 'support',
        name: 'Support',
        ringSeconds: 60,
        agents: Object.fromEntries(ids.map((id, i) => [id, 1 + (i % 4)])),
      },
    ],
  });
  const common = { ...SECRETS, redisUrl: redis.url, graphBaseUrl: graph.baseUrl, logger };
  const ringAll = [await startRelay({ ...common, prefix: 'all' }), await startRelay({ ...common, prefix: 'all' })];
  const queued = [
    await startRelay({ ...common, prefix: 'queue', queues, databaseUrl: postgres.url }),
    await startRelay({ ...common, prefix: 'queue', queues, databaseUrl: postgres.url }),
  ];
  const offeredAt = new Map<string, number[]>();
  const agents = [];
  for (let i = 0; i < agentCount; i += 1) {
    agents.push(await benchAgent(ringAll[i % 2]!.agentUrl, ids[i]!, offeredAt));
    agents.push(await benchAgent(queued[i % 2]!.agentUrl, ids[i]!, offeredAt));
  }

  // A supervisor on the board of the second queue instance (the webhooks go to the first).
  const boardUrl = queued[1]!.agentUrl;
  const board = new WebSocket(`${boardUrl}board/live`, {
    headers: { Origin: boardUrl.replace(/^ws/, 'http').replace(/\/$/, '') },
  });
  const boardSeen = new Map<string, number>();
  board.on('message', (data) => {
    const at = performance.now();
    for (const m of String(data).matchAll(/"callId":"(wacid\.q[^"]+)"/g))
      if (!boardSeen.has(m[1]!)) boardSeen.set(m[1]!, at);
  });
  await new Promise((resolve) => board.on('open', resolve));
  board.send(JSON.stringify({ type: 'hello', token: await issueSupervisorToken('bench', SECRETS.agentSecret) }));
  await pause(300);

  async function ring(relay: (typeof ringAll)[number], callId: string, until: () => boolean): Promise<number> {
    graph.offerCall(callId);
    offeredAt.set(callId, []);
    const sentAt = performance.now();
    await postSignedWebhook(
      relay.webhookUrl,
      connectWebhook({ callId, from: '447700900000', phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }),
      SECRETS.appSecret,
    );
    while (!until()) await pause(1);
    return sentAt;
  }
  async function end(relay: (typeof ringAll)[number], callId: string): Promise<void> {
    await postSignedWebhook(
      relay.webhookUrl,
      terminateWebhook({ callId, from: '447700900000', phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' }),
      SECRETS.appSecret,
    );
    graph.calls.delete(callId);
    graph.requests.length = 0;
  }

  const fanout: number[] = [];
  const chosen: number[] = [];
  const onBoard: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const all = `wacid.a${i}`;
    const sentAll = await ring(ringAll[0]!, all, () => offeredAt.get(all)!.length >= agentCount);
    fanout.push(Math.max(...offeredAt.get(all)!) - sentAll);
    await end(ringAll[0]!, all);

    const one = `wacid.q${i}`;
    const sentOne = await ring(queued[0]!, one, () => offeredAt.get(one)!.length >= 1);
    chosen.push(offeredAt.get(one)![0]! - sentOne);
    while (!boardSeen.has(one)) await pause(1);
    onBoard.push(boardSeen.get(one)! - sentOne);
    await end(queued[0]!, one);
    await pause(30);
  }

  board.close();
  for (const a of agents) a.close();
  // Let the relays see the desks go before they close, as in a real shutdown.
  await pause(300);
  for (const r of [...ringAll, ...queued]) await r.close();
  await graph.close();
  await redis.stop();
  await postgres.stop();
  return { agentCount, calls, fanoutMs: median(fanout), chosenMs: median(chosen), boardMs: median(onBoard) };
}
