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

type BenchDesk = Awaited<ReturnType<typeof benchAgent>>;

/** A floor of `agents` desks on `instances` relay instances with one longest-idle queue, on its own redis-server. */
async function startFloor(agents: number, instances: number) {
  const redis = await startTestRedis();
  const graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const logger = createLogger({ level: 'error' });
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', routing: 'longest_idle', ringSeconds: 120, agents: '*' }],
  });
  const relays: Relay[] = [];
  for (let i = 0; i < instances; i += 1)
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
  const desks: BenchDesk[] = [];
  for (let i = 0; i < agents; i += 1)
    desks.push(await benchAgent(relays[i % relays.length]!.agentUrl, `agent${i}`, offeredAt));
  const counter = new Redis(redis.url);

  /** A customer's call arrives at the instance `i` picks; nobody answers it. */
  async function arrive(callId: string, i: number) {
    graph.offerCall(callId);
    offeredAt.set(callId, []);
    const at = performance.now();
    const body = connectWebhook({
      callId,
      from: `4477009${i}`,
      phoneNumberId: SECRETS.phoneNumberId,
      sdpOffer: 'v=0\r\n',
    });
    await postSignedWebhook(relays[i % relays.length]!.webhookUrl, body, SECRETS.appSecret);
    return { callId, at, i };
  }

  /** Waits (10 s at most) until each call rang its chosen desk: how long each took, and how many rang nobody. */
  async function offers(sent: Array<{ callId: string; at: number }>) {
    const deadline = performance.now() + 10_000;
    while (sent.some(({ callId }) => offeredAt.get(callId)!.length === 0) && performance.now() < deadline)
      await pause(20);
    const latencies: number[] = [];
    let waitedWhileIdle = 0;
    for (const { callId, at } of sent) {
      const first = offeredAt.get(callId)![0];
      if (first === undefined) waitedWhileIdle += 1;
      else latencies.push(first - at);
    }
    return { latencies, waitedWhileIdle };
  }

  /** WhatsApp ends a call (the customer hangs up): its agent is free again. */
  async function end({ callId, i }: { callId: string; i: number }) {
    const body = terminateWebhook({
      callId,
      from: `4477009${i}`,
      phoneNumberId: SECRETS.phoneNumberId,
      status: 'FAILED',
    });
    await postSignedWebhook(relays[i % relays.length]!.webhookUrl, body, SECRETS.appSecret);
  }

  return {
    agents,
    relays,
    desks,
    work: () => redisWork(counter),
    rang: (callId: string) => (offeredAt.get(callId)?.length ?? 0) > 0,
    arrive,
    offers,
    end,
    async close() {
      counter.disconnect();
      for (const desk of desks) desk.close();
      // The relays hear every desk leave and sign it out in Redis before they close (1000 departures take seconds
      // on 2 cores; Redis gone first, each logs an error).
      const gone = performance.now() + 10_000;
      while (relays.some((r) => r.connectedAgents().length > 0) && performance.now() < gone) await pause(50);
      await pause(300 + 2 * agents);
      for (const relay of relays) await relay.close();
      await graph.close();
      await redis.stop();
    },
  };
}
type Floor = Awaited<ReturnType<typeof startFloor>>;

type Sent = { callId: string; at: number; i: number };
type Work = Awaited<ReturnType<Floor['work']>>;

/**
 * What one routed call costs the floor's Redis: `calls` calls at `perSecond`, nobody answering, the floor's own
 * background (desks renewing their liveness, sweeps) measured over a quiet spell before and taken out.
 */
async function redisPerCall(floor: Floor, quiet: [Work, Work], calls: number, perSecond: number) {
  const [from, to] = quiet;
  const begun = await floor.work();
  const started = performance.now();
  const sent = await Promise.all(
    Array.from({ length: calls }, async (_, i) => {
      await pause(Math.max(0, started + (i * 1000) / perSecond - performance.now()));
      return floor.arrive(`wacid.floor${floor.agents}.work.${i}`, i);
    }),
  );
  await floor.offers(sent);
  const busy = await floor.work();
  const rate = (key: 'commands' | 'bytes') => (to[key] - from[key]) / (to.atMs - from.atMs);
  const perCall = (key: 'commands' | 'bytes') =>
    (busy[key] - begun[key] - rate(key) * (busy.atMs - begun.atMs)) / calls;
  return { sent, commandsPerCall: perCall('commands'), bytesPerCall: perCall('bytes') };
}

/**
 * Two floors, a small and a large, up side by side in one run, and calls arriving at both at once, `perSecond` to
 * each, one to each floor together (which goes first alternating): how long each call takes to reach the desk the
 * queue chose, whether any waited while an agent who could take it was idle, how soon a desk's status change shows
 * on a supervisor's board, and what each routed call costs Redis. A stall of the shared machine falls on calls of both
 * floors alike, so the ratio of their p99s is routing's growth with the floor, not the machine's mood. The small
 * floor's calls end 300 ms after they ring (its few agents are free again); the large floor's stay ringing.
 */
export async function benchFloors(options: {
  small: number;
  large: number;
  instances: number;
  /** Calls to each floor. */
  calls: number;
  perSecond: number;
}): Promise<{ small: FloorFigures; large: FloorFigures }> {
  const large = await startFloor(options.large, options.instances);
  const small = await startFloor(options.small, options.instances);
  try {
    await pause(500);
    const quietFrom = await Promise.all([small.work(), large.work()]);
    await pause(5000);
    const quietTo = await Promise.all([small.work(), large.work()]);
    // Redis's work first, each floor alone (the count does not depend on the machine's load): the small floor's over 10
    // calls, all its agents can take.
    const smallWork = await redisPerCall(small, [quietFrom[0], quietTo[0]], 10, options.perSecond);
    await Promise.all(smallWork.sent.map((call) => small.end(call)));
    // The large floor's over 40 calls (2 s): its 1000 desks' renewals are taken out over a longer spell.
    const largeWork = await redisPerCall(large, [quietFrom[1], quietTo[1]], 40, options.perSecond);
    await pause(500);

    const sent: [Sent[], Sent[]] = [[], []];
    const ending: Array<Promise<void>> = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.calls }, async (_, i) => {
        await pause(Math.max(0, started + (i * 1000) / options.perSecond - performance.now()));
        const toLarge = () =>
          large.arrive(`wacid.floor${large.agents}.${i}`, i).then((call) => void sent[1].push(call));
        const toSmall = () =>
          small.arrive(`wacid.floor${small.agents}.${i}`, i).then((call) => {
            sent[0].push(call);
            ending.push(endOnceRung(small, call));
          });
        // Which floor's webhook is sent first alternates.
        const [first, second] = i % 2 === 0 ? [toLarge, toSmall] : [toSmall, toLarge];
        await Promise.all([first(), second()]);
      }),
    );
    const [smallOffers, largeOffers] = [await small.offers(sent[0]), await large.offers(sent[1])];
    await Promise.all(ending);
    const stateToBoardMs = await boardLatency(large.relays.at(-1)!.agentUrl, large.desks.slice(-5));
    // The large floor's customers hang up too: its desks then leave with no call to pass on.
    for (const call of [...largeWork.sent, ...sent[1]]) await large.end(call);
    await pause(500);
    const figures = (
      floor: Floor,
      offers: Awaited<ReturnType<Floor['offers']>>,
      work: { commandsPerCall: number; bytesPerCall: number },
    ): FloorFigures => ({
      agents: floor.agents,
      calls: options.calls,
      p50Ms: percentile(offers.latencies, 50),
      p99Ms: percentile(offers.latencies, 99),
      waitedWhileIdle: offers.waitedWhileIdle,
      stateToBoardMs,
      commandsPerCall: work.commandsPerCall,
      bytesPerCall: work.bytesPerCall,
    });
    return { small: figures(small, smallOffers, smallWork), large: figures(large, largeOffers, largeWork) };
  } finally {
    await small.close();
    await large.close();
  }
}

/** The small floor's customer hangs up 300 ms after the call rang (or after 10 s unrung). */
async function endOnceRung(floor: Floor, call: Sent): Promise<void> {
  const deadline = performance.now() + 10_000;
  while (!floor.rang(call.callId) && performance.now() < deadline) await pause(10);
  await pause(300);
  await floor.end(call);
}

/** Desks ask for Away one after another; each time, how long until a supervisor's board shows them not ready. */
async function boardLatency(agentUrl: string, desks: BenchDesk[]) {
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
