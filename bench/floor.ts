import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay, type Relay } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { TeamQueues } from '../src/shared/teamQueues';
import { createLogger } from '../src/whatsapp/logger';
import { startGraphApiSim } from '../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../sim/webhookSender';
import { benchAgent, SECRETS } from './relay';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;

export interface FloorFigures {
  agents: number;
  calls: number;
  rounds: number;
  /** Webhook -> the chosen agent's desk has the offer. */
  p50Ms: number;
  p99Ms: number;
  /** Calls that found no agent to ring although agents of their queue were idle. */
  waitedWhileIdle: number;
  /** A desk asks for Away -> the board shows it (median). */
  stateToBoardMs: number;
  /**
   * Redis commands (and bytes sent to Redis) per routed call, the floor's own background (desks renewing their
   * liveness, sweeps) measured over as long a quiet spell first and taken out: what routing itself costs Redis.
   */
  commandsPerCall: number;
  bytesPerCall: number;
}

/** Redis's own count of commands processed and bytes received. */
async function redisWork(redis: Redis): Promise<{ commands: number; bytes: number; atMs: number }> {
  const stats = await redis.info('stats');
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(stats)?.[1] ?? NaN);
  return {
    commands: field('total_commands_processed'),
    bytes: field('total_net_input_bytes'),
    atMs: performance.now(),
  };
}

/**
 * A floor of `agents` desks on `instances` relay instances with one longest-idle queue, and `calls` arriving evenly
 * over `seconds`: how long each call takes to reach the desk the queue chose, whether any call waited while an agent
 * who could take it was idle, and how soon a desk's status change shows on a supervisor's board.
 */
export async function benchFloor(options: {
  agents: number;
  calls: number;
  seconds: number;
  instances: number;
  /** Times the calls arrive, each round's calls ended by WhatsApp before the next (a p99 over as many samples). */
  rounds?: number;
}) {
  const rounds = options.rounds ?? 1;
  const redis = await startTestRedis();
  const graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const logger = createLogger({ level: 'error' });
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', routing: 'longest_idle', ringSeconds: 60, agents: '*' }],
  });
  const relays: Relay[] = [];
  for (let i = 0; i < options.instances; i += 1)
    relays.push(
      await startRelay({
        ...SECRETS,
        redisUrl: redis.url,
        graphBaseUrl: graph.baseUrl,
        logger,
        queues,
        prefix: 'floor',
      }),
    );
  const offeredAt = new Map<string, number[]>();
  const desks = [];
  for (let i = 0; i < options.agents; i += 1)
    desks.push(await benchAgent(relays[i % relays.length]!.agentUrl, `agent${i}`, offeredAt));
  await pause(500);
  // The floor's background work over a quiet spell as long as the calls' window.
  const counter = new Redis(redis.url);
  const quietFrom = await redisWork(counter);
  await pause(Math.max(5000, options.seconds * 1000));
  const quietTo = await redisWork(counter);

  const latencies: number[] = [];
  let waitedWhileIdle = 0;
  let busyTo: Awaited<ReturnType<typeof redisWork>> | undefined;
  for (let round = 0; round < rounds; round += 1) {
    const sent = await callsArrive(round);
    // Redis's work is read over the first round only: later rounds also pay for ending the calls before them.
    busyTo ??= await redisWork(counter);
    for (const { callId, at } of sent) {
      const first = offeredAt.get(callId)![0];
      if (first === undefined) waitedWhileIdle += 1;
      else latencies.push(first - at);
    }
    if (round < rounds - 1) await callsEnd(sent.map(({ callId }) => callId));
  }

  /** One round's calls arrive evenly over the window; each should ring one free agent at once (nobody answers). */
  async function callsArrive(round: number) {
    const gap = (options.seconds * 1000) / options.calls;
    const started = performance.now();
    const sent = await Promise.all(
      Array.from({ length: options.calls }, async (_, i) => {
        await pause(Math.max(0, started + i * gap - performance.now()));
        const callId = `wacid.floor${options.agents}.${round}.${i}`;
        graph.offerCall(callId);
        offeredAt.set(callId, []);
        const at = performance.now();
        const relay = relays[i % relays.length]!;
        const body = connectWebhook({
          callId,
          from: `4477009${i}`,
          phoneNumberId: SECRETS.phoneNumberId,
          sdpOffer: 'v=0\r\n',
        });
        await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret);
        return { callId, at };
      }),
    );
    const deadline = performance.now() + 10_000;
    while (sent.some(({ callId }) => offeredAt.get(callId)!.length === 0) && performance.now() < deadline)
      await pause(20);
    return sent;
  }

  /** WhatsApp ends a round's calls (the customers hang up): their agents are free again for the next round. */
  async function callsEnd(callIds: string[]) {
    for (const [i, callId] of callIds.entries()) {
      const body = terminateWebhook({
        callId,
        from: `4477009${i}`,
        phoneNumberId: SECRETS.phoneNumberId,
        status: 'FAILED',
      });
      await postSignedWebhook(relays[i % relays.length]!.webhookUrl, body, SECRETS.appSecret);
    }
    await pause(300);
  }
  counter.disconnect();
  const perMs = (a: { atMs: number }, b: { atMs: number }) => b.atMs - a.atMs;
  const background = (key: 'commands' | 'bytes') =>
    ((quietTo[key] - quietFrom[key]) / perMs(quietFrom, quietTo)) * perMs(quietTo, busyTo!);
  const perCall = (key: 'commands' | 'bytes') => (busyTo![key] - quietTo[key] - background(key)) / options.calls;

  const stateToBoardMs = await boardLatency(relays[relays.length - 1]!.agentUrl, desks.slice(-5));
  for (const desk of desks) desk.close();
  await pause(300);
  for (const relay of relays) await relay.close();
  await graph.close();
  await redis.stop();
  return {
    agents: options.agents,
    calls: options.calls,
    rounds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    waitedWhileIdle,
    stateToBoardMs,
    commandsPerCall: perCall('commands'),
    bytesPerCall: perCall('bytes'),
  } satisfies FloorFigures;
}

/** Desks ask for Away one after another; each time, how long until a supervisor's board shows them not ready. */
async function boardLatency(agentUrl: string, desks: Array<Awaited<ReturnType<typeof benchAgent>>>) {
  const origin = agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
  const board = new WebSocket(`${agentUrl}board/live`, { headers: { Origin: origin } });
  let latest: { agents: Array<{ id: string; state: string }> } | undefined;
  board.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; snapshot?: typeof latest };
    if (message.type === 'snapshot') latest = message.snapshot;
  });
  await new Promise((resolve) => board.on('open', resolve));
  board.send(JSON.stringify({ type: 'hello', token: await issueSupervisorToken('bench', SECRETS.agentSecret) }));
  while (!latest) await pause(5);
  const seen: number[] = [];
  for (const desk of desks) {
    const id = desk.agentId;
    const asked = performance.now();
    desk.status('away');
    while (latest.agents.find((a) => a.id === id)?.state !== 'not_ready') await pause(2);
    seen.push(performance.now() - asked);
  }
  board.close();
  return percentile(seen, 50);
}
