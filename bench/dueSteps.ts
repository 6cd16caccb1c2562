import { Redis } from 'ioredis';
import { createDueSteps } from '../src/relay/dueSteps';
import { startRelay } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { TeamQueues } from '../src/shared/teamQueues';
import { createLogger } from '../src/whatsapp/logger';
import { startGraphApiSim } from '../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../sim/webhookSender';
import { benchAgent, SECRETS } from './relay';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
const worst = (v: number[]) => Math.max(...v);
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const logger = createLogger({ level: 'error' });

/**
 * Which of the relay's idle loops a command belongs to: the first key it names, without the deployment's prefix and
 * the ids in it (`cb:<id>` and `cbs` are the callbacks'; `agent:<id>`, `alive` the desks' presence); else the command.
 */
function keyFamily(args: string[]): string {
  const key = args.find((arg) => arg.startsWith('{'));
  if (!key) return args[0]?.toLowerCase() ?? '?';
  const name = key.replace(/^\{[^}]*\}:/, '');
  if (/^cb[-s:]/.test(name)) return 'callbacks';
  // The team model's keys by what they hold (`team:after-call`, `team:connected`, `team:agent`, ...).
  return name
    .split(':')
    .slice(0, name.startsWith('team:') ? 2 : 1)
    .join(':');
}

/**
 * Counts the commands clients send Redis (not those a script runs inside it), those naming a due set, and all of them
 * by key family (`keyFamily`).
 */
async function countCommands(url: string) {
  const client = new Redis(url);
  const monitor = await client.monitor();
  const counts = { all: 0, dueSets: 0 };
  const byFamily = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source === 'lua') return;
    counts.all += 1;
    if (args.some((arg) => arg.endsWith('-due'))) counts.dueSets += 1;
    const family = keyFamily(args);
    byFamily.set(family, (byFamily.get(family) ?? 0) + 1);
  });
  return {
    /** Commands sent so far. */
    sent: () => counts.all,
    /** Commands sent over `ms`, per second. */
    async over(ms: number): Promise<{ all: number; dueSets: number; byFamily: Map<string, number> }> {
      const [all, dueSets, families] = [counts.all, counts.dueSets, new Map(byFamily)];
      await pause(ms);
      const perSecond = (n: number) => (n * 1000) / ms;
      return {
        all: perSecond(counts.all - all),
        dueSets: perSecond(counts.dueSets - dueSets),
        byFamily: new Map([...byFamily].map(([family, n]) => [family, perSecond(n - (families.get(family) ?? 0))])),
      };
    },
    stop(): void {
      monitor.disconnect();
      client.disconnect();
    },
  };
}

/**
 * A queue that hunts one agent at a time (ring time 5 s) on two relay instances: webhook -> the first desk has the
 * offer (the baseline), the ring timeout -> the next desk has the offer (how late the due step runs, plus the step),
 * then Redis commands per second per instance while nobody calls (desks signed in).
 */
export async function benchDueRouting(options: { calls?: number; idleMs?: number } = {}) {
  const calls = options.calls ?? 8;
  const idleMs = options.idleMs ?? 10_000;
  const redis = await startTestRedis();
  const graph = await startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId });
  const ids = ['a0', 'a1', 'a2', 'a3'];
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [
      {
        id: 'support',
        name: 'Support',
        ringSeconds: 5,
        overflowSeconds: 120,
        agents: Object.fromEntries(ids.map((id) => [id, 5])),
      },
    ],
  });
  // An operator's wrap-up limit, so the after-call work loop runs as it would in such a team (nobody answers here).
  const afterCallSeconds = 600;
  const redisUrl = redis.url;
  const common = { ...SECRETS, redisUrl, graphBaseUrl: graph.baseUrl, logger, prefix: 'due', queues, afterCallSeconds };
  const relays = [await startRelay(common), await startRelay(common)];
  const offeredAt = new Map<string, number[]>();
  const desks = [];
  for (const [i, id] of ids.entries()) desks.push(await benchAgent(relays[i % 2]!.agentUrl, id, offeredAt));
  await pause(500);

  const toFirst: number[] = [];
  const timeoutToNext: number[] = [];
  for (let i = 0; i < calls; i += 1) {
    const callId = `wacid.due${i}`;
    const from = `4477009${String(i).padStart(5, '0')}`;
    graph.offerCall(callId);
    offeredAt.set(callId, []);
    const relay = relays[i % 2]!;
    const sentAt = performance.now();
    await postSignedWebhook(
      relay.webhookUrl,
      connectWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }),
      SECRETS.appSecret,
    );
    const offers = offeredAt.get(callId)!;
    while (offers.length < 2) await pause(1);
    toFirst.push(offers[0]! - sentAt);
    timeoutToNext.push(offers[1]! - offers[0]! - 5000);
    await postSignedWebhook(
      relay.webhookUrl,
      terminateWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' }),
      SECRETS.appSecret,
    );
    graph.calls.delete(callId);
    graph.requests.length = 0;
    await pause(200);
  }

  await pause(1000);
  const counter = await countCommands(redis.url);
  const idle = await counter.over(idleMs);
  counter.stop();

  for (const desk of desks) desk.close();
  await pause(300);
  for (const relay of relays) await relay.close();
  await graph.close();
  await redis.stop();
  return {
    calls,
    toFirstMs: median(toFirst),
    timeoutToNextMs: median(timeoutToNext),
    timeoutToNextWorstMs: worst(timeoutToNext),
    idlePerInstance: {
      all: idle.all / relays.length,
      dueSets: idle.dueSets / relays.length,
      /** Idle commands per second per instance by key family, most first (which loop sends them). */
      byFamily: [...idle.byFamily]
        .map(([family, n]) => ({ family, perSecond: n / relays.length }))
        .sort((a, b) => b.perSecond - a.perSecond),
    },
  };
}

interface BullQueue {
  add(name: string, data: unknown, opts: { delay: number; removeOnComplete: boolean }): Promise<unknown>;
  close(): Promise<void>;
}
interface BullWorker {
  close(): Promise<void>;
}
interface BullModule {
  Queue: new (name: string, opts: { connection: Redis }) => BullQueue;
  Worker: new (
    name: string,
    process: (job: { data: { dueMs: number } }) => Promise<void>,
    opts: { connection: Redis },
  ) => BullWorker;
}

interface DueFigures {
  lateMs: number;
  lateWorstMs: number;
  commandsPerStep: number;
  idlePerInstance: number;
}

/**
 * Steps due over two seconds, taken by two instances: the relay's due steps (a local timer per instance) beside
 * BullMQ's delayed jobs (two workers), each on its own redis-server: how late a step runs, Redis commands per step, and
 * idle commands per second per instance. BullMQ is measured when it can be loaded (`BULLMQ=<path of its index.js>`,
 * or installed: `npm install --no-save bullmq`); the relay does not depend on it.
 */
export async function benchDueLibraries(options: { steps?: number; idleMs?: number } = {}) {
  const steps = options.steps ?? 60;
  const idleMs = options.idleMs ?? 10_000;
  const ours = await measure(async (url, took) => {
    const clients = [new Redis(url), new Redis(url)];
    const instances = clients.map((client) => createDueSteps(client, 'bench-due', logger, 'a bench step'));
    for (const steps of instances) {
      steps.onDue(async (member) => took(Number(member.split(':')[1])));
      steps.start();
    }
    return {
      schedule: (i: number, dueMs: number) => instances[i % 2]!.at(`step${i}:${dueMs}`, dueMs),
      async close() {
        for (const steps of instances) steps.stop();
        for (const client of clients) client.disconnect();
      },
    };
  });
  let bull: DueFigures | string;
  try {
    const bullmq = (await import(process.env.BULLMQ ?? 'bullmq')) as BullModule;
    bull = await measure(async (url, took) => {
      const clients = [0, 1, 2].map(() => new Redis(url, { maxRetriesPerRequest: null }));
      const queue = new bullmq.Queue('bench-due', { connection: clients[0]! });
      const workers = [1, 2].map(
        (i) => new bullmq.Worker('bench-due', async (job) => took(job.data.dueMs), { connection: clients[i]! }),
      );
      return {
        async schedule(_i: number, dueMs: number) {
          await queue.add('step', { dueMs }, { delay: dueMs - Date.now(), removeOnComplete: true });
        },
        async close() {
          for (const worker of workers) await worker.close();
          await queue.close();
          for (const client of clients) client.disconnect();
        },
      };
    });
  } catch (error) {
    bull = `not measured: ${(error as Error).message.split('\n')[0]}`;
  }
  return { steps, ours, bull };

  async function measure(
    start: (
      url: string,
      took: (dueMs: number) => void,
    ) => Promise<{ schedule(i: number, dueMs: number): Promise<void>; close(): Promise<void> }>,
  ): Promise<DueFigures> {
    const redis = await startTestRedis();
    const late: number[] = [];
    const system = await start(redis.url, (dueMs) => late.push(Date.now() - dueMs));
    await pause(1000);
    const counter = await countCommands(redis.url);
    const before = counter.sent();
    const firstMs = Date.now() + 500;
    for (let i = 0; i < steps; i += 1) await system.schedule(i, firstMs + Math.round((i * 2000) / steps));
    while (late.length < steps) await pause(10);
    const perStep = (counter.sent() - before) / steps;
    await pause(1000);
    const idle = await counter.over(idleMs);
    counter.stop();
    await system.close();
    // Let closed clients finish before Redis goes.
    await pause(300);
    await redis.stop();
    return {
      lateMs: median(late),
      lateWorstMs: worst(late),
      commandsPerStep: perStep,
      idlePerInstance: idle.all / 2,
    };
  }
}
