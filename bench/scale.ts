import { readFileSync, readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { loadSdpFixture } from '../fixtures/load';
import { heardTone, type FarEnd } from '../sim/farEnd';
import { startWhatsAppSim, type SimulatedCall } from '../sim/whatsappSim';
import { connectWebhook, postSignedWebhook } from '../sim/webhookSender';
import { issueAgentToken, issueSupervisorToken } from '../src/relay/agentTokens';
import { mediaHostAddress, startTestJanus } from '../src/relay/media/testJanus';
import { createTonePeer } from '../src/relay/media/testTonePeer';
import { startRelayProcess } from '../src/relay/testRelayProcess';
import { startTestRedis } from '../src/relay/testRedis';
import { TeamQueues } from '../src/shared/teamQueues';
import { SECRETS } from './relay';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? NaN;
const DESK_HZ = 300;
const MAX_DIALING = 10;

export interface ScaleStep {
  agents: number;
  callsPerS: number;
  seconds: number;
  /** How long an agent keeps a call before hanging up. */
  holdS: number;
  /** One call in this many is anchored on Janus (2 instances); the rest are direct. */
  anchoredEvery: number;
}

/** CPU milliseconds a process has used (user + system), from /proc; the kernel counts in 10 ms ticks. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

/** Redis's own counts: commands by name, and its CPU time in ms. */
async function redisCounts(redis: Redis) {
  const [commandstats, cpu, memory] = await Promise.all([
    redis.info('commandstats'),
    redis.info('cpu'),
    redis.info('memory'),
  ]);
  const commands = new Map<string, number>();
  for (const [, name, calls] of commandstats.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    commands.set(name!, Number(calls));
  const seconds = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(cpu)?.[1] ?? NaN);
  return {
    commands,
    cpuMs: (seconds('used_cpu_sys') + seconds('used_cpu_user')) * 1000,
    usedMb: Number(/^used_memory:(\d+)/m.exec(memory)?.[1] ?? NaN) / 1024 / 1024,
  };
}
type RedisCounts = Awaited<ReturnType<typeof redisCounts>>;
const totalCommands = (c: RedisCounts) => [...c.commands.values()].reduce((a, b) => a + b, 0);

/** Every part's CPU time at one moment: the relays, each Janus, Redis, and this process (desks, far ends, board). */
async function cpuNow(parts: { relays: number[]; janus: number[]; redis: Redis }) {
  const redis = await redisCounts(parts.redis);
  const bench = process.cpuUsage();
  return {
    atMs: performance.now(),
    relays: parts.relays.map(cpuMs),
    janus: parts.janus.map(cpuMs),
    redis,
    benchMs: (bench.user + bench.system) / 1000,
  };
}
type CpuSample = Awaited<ReturnType<typeof cpuNow>>;

/** Per part, CPU ms spent between two samples and the share of one core that is. */
function cpuBetween(a: CpuSample, b: CpuSample) {
  const wallMs = b.atMs - a.atMs;
  const relays = b.relays.map((v, i) => v - a.relays[i]!);
  const janus = b.janus.map((v, i) => v - a.janus[i]!);
  const parts = {
    relays: relays.reduce((x, y) => x + y, 0),
    busiestRelay: Math.max(...relays),
    janus: janus.reduce((x, y) => x + y, 0),
    busiestJanus: Math.max(...janus),
    redis: b.redis.cpuMs - a.redis.cpuMs,
    bench: b.benchMs - a.benchMs,
  };
  return { wallMs, ms: parts, core: (v: number) => v / wallMs };
}

/**
 * A desk reduced to its socket, as the floor bench's, but it answers what rings: a direct call with a canned SDP
 * (no media crosses the relay), an anchored one with a libwebrtc tone peer's answer to Janus's offer; it hangs up
 * after the hold time.
 */
async function scaleDesk(url: string, agentId: string, on: DeskHooks) {
  const socket = new WebSocket(url, {
    headers: { Authorization: `Bearer ${await issueAgentToken(agentId, SECRETS.agentSecret)}` },
  });
  const replies = new Map<number, (ok: boolean) => void>();
  let nextId = 1;
  let welcomed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (welcomed = resolve));
  const request = (action: string, params: Record<string, unknown>) => {
    const id = nextId++;
    socket.send(JSON.stringify({ ...params, type: 'request', id, action }));
    return new Promise<boolean>((resolve) => replies.set(id, (ok) => (replies.delete(id), resolve(ok))));
  };
  const answerCall = async (callId: string, sdpOffer: string, anchored: boolean) => {
    const peer = anchored ? createTonePeer(DESK_HZ) : undefined;
    try {
      const sdp = peer ? await peer.answer(sdpOffer) : on.cannedAnswer;
      if (!(await request('pre_accept', { callId, sdp }))) return on.refused(callId, 'pre_accept');
      on.accepting(callId);
      if (!(await request('accept', { callId, sdp }))) return on.refused(callId, 'accept');
      await pause(on.holdMs);
      on.hangingUp(callId);
      if (!(await request('terminate', { callId }))) on.refused(callId, 'terminate');
    } finally {
      peer?.close();
    }
  };
  socket.on('message', (data: Buffer) => {
    const at = performance.now();
    const text = data.toString();
    if (text.includes('"call_offered"') && text.includes('"type":"event"')) {
      const { event } = JSON.parse(text) as { event: { type: string; callId: string; sdpOffer: string } };
      if (event.type !== 'call_offered') return;
      on.offered(event.callId, at);
      void answerCall(event.callId, event.sdpOffer, text.includes('"anchored":true'));
      return;
    }
    if (!text.startsWith('{"type":"reply"') && !text.startsWith('{"type":"welcome"')) return;
    const message = JSON.parse(text) as { type: string; id?: number; ok?: boolean };
    if (message.type === 'welcome') welcomed();
    if (message.type === 'reply') replies.get(message.id!)?.(message.ok!);
  });
  await ready;
  socket.send(JSON.stringify({ type: 'status', status: 'available' }));
  return { close: () => socket.close() };
}

interface DeskHooks {
  cannedAnswer: string;
  holdMs: number;
  offered(callId: string, atMs: number): void;
  accepting(callId: string): void;
  hangingUp(callId: string): void;
  refused(callId: string, action: string): void;
}

/** A supervisor's board socket: when each call first shows waiting (or already answered), and when answered. */
async function boardWatcher(agentUrl: string) {
  const origin = agentUrl.replace(/^ws/, 'http').replace(/\/$/, '');
  const board = new WebSocket(`${agentUrl}board/live`, { headers: { Origin: origin } });
  const shownAt = new Map<string, number>();
  const answeredAt = new Map<string, number>();
  let snapshots = 0;
  let bytes = 0;
  board.on('message', (data: Buffer) => {
    const at = performance.now();
    bytes += data.length;
    const message = JSON.parse(data.toString()) as {
      type: string;
      snapshot?: { waiting: Array<{ callId: string }>; inProgress: Array<{ callId: string }> };
    };
    if (message.type !== 'snapshot' || !message.snapshot) return;
    snapshots += 1;
    for (const { callId } of message.snapshot.waiting) if (!shownAt.has(callId)) shownAt.set(callId, at);
    for (const { callId } of message.snapshot.inProgress) {
      if (!shownAt.has(callId)) shownAt.set(callId, at);
      if (!answeredAt.has(callId)) answeredAt.set(callId, at);
    }
  });
  await new Promise((resolve, reject) => (board.on('open', resolve), board.on('error', reject)));
  board.send(JSON.stringify({ type: 'hello', token: await issueSupervisorToken('bench', SECRETS.agentSecret) }));
  while (snapshots === 0) await pause(20);
  return { shownAt, answeredAt, stats: () => ({ snapshots, bytes }), close: () => board.close() };
}

/**
 * One step of the floor at scale: `agents` bare desks over 4 relay processes, calls arriving at `callsPerS` for
 * `seconds`, one in `anchoredEvery` anchored on one of 2 Janus instances with real media (a far end per customer, a
 * tone peer per desk leg), every call answered by the desk the queue chose and hung up after `holdS`; WhatsApp (the
 * simulator) confirms each end with its terminate webhook. Measures routing and board latency, Redis commands per
 * call, each part's CPU per call and share of a core, and memory every 10 s.
 */
export async function benchScale(step: ScaleStep) {
  const redisServer = await startTestRedis();
  const janus = await Promise.all([startTestJanus(), startTestJanus()]);
  const sim = await startWhatsAppSim({
    accessToken: SECRETS.accessToken,
    phoneNumberId: SECRETS.phoneNumberId,
    appSecret: SECRETS.appSecret,
  });
  const queues = TeamQueues.parse({
    defaultQueue: 'direct',
    repeatCallerMinutes: 0,
    queues: [
      { id: 'direct', name: 'Direct', routing: 'longest_idle', ringSeconds: 60, agents: '*' },
      {
        id: 'anchored',
        name: 'Anchored',
        media: 'anchored',
        routing: 'longest_idle',
        ringSeconds: 60,
        agents: '*',
        payloads: ['anchored'],
      },
    ],
  });
  // Each agent is ready for the next call as soon as one ends: no after-call work to write up.
  process.env.RELAY_AFTER_CALL_SECONDS = '0';
  const relays = await Promise.all(
    Array.from({ length: 4 }, () =>
      startRelayProcess({
        ...SECRETS,
        redisUrl: redisServer.url,
        graphBaseUrl: sim.graphBaseUrl,
        prefix: 'scale',
        queues,
        janusUrls: janus.map((j) => j.url),
        janusAccess: janus[0]!.access,
      }),
    ),
  );
  const redis = new Redis(redisServer.url);
  const desks: Array<{ close(): void }> = [];
  let board: Awaited<ReturnType<typeof boardWatcher>> | undefined;
  try {
    return await runStep();
  } finally {
    board?.close();
    for (const desk of desks) desk.close();
    redis.disconnect();
    await pause(300);
    await Promise.all(relays.map((r) => r.stop()));
    await sim.close();
    await Promise.all(janus.map((j) => j.stop()));
    await redisServer.stop();
  }

  async function runStep() {
    const pids = { relays: relays.map((r) => r.pid), janus: janus.map((j) => j.pid()!), redis };

    const offeredAt = new Map<string, number>();
    const acceptingAt = new Map<string, number>();
    const refusals: string[] = [];
    let hungUp = 0;
    let peakUp = 0;
    const sipCalls = new Map<string, SimulatedCall>();
    const callerHeardDesk = { yes: 0, no: 0 };
    const hooks: DeskHooks = {
      cannedAnswer: loadSdpFixture('02-meta-doc-user-initiated-answer.sdp'),
      holdMs: step.holdS * 1000,
      offered: (callId, at) => offeredAt.set(callId, at),
      accepting: (callId) => acceptingAt.set(callId, performance.now()),
      hangingUp: (callId) => {
        hungUp += 1;
        peakUp = Math.max(peakUp, acceptingAt.size - hungUp + 1);
        const call = sipCalls.get(callId);
        if (call) callerHeardDesk[heardTone(call.farEnd.received, DESK_HZ) > 0.05 ? 'yes' : 'no'] += 1;
      },
      refused: (callId, action) => refusals.push(`${action} ${callId}`),
    };
    for (let i = 0; i < step.agents; i += 1)
      desks.push(await scaleDesk(relays[i % relays.length]!.agentUrl, `agent${i}`, hooks));
    board = await boardWatcher(relays[3]!.agentUrl);
    const memory: Array<{
      atS: number;
      relayRssMb: number[];
      janusRssMb: number[];
      redisMb: number;
      benchRssMb: number;
      benchFds: number;
      janusThreads: number[];
    }> = [];
    const noteMemory = async (atS: number) => {
      const m = {
        atS,
        relayRssMb: pids.relays.map(rssMb),
        janusRssMb: pids.janus.map(rssMb),
        redisMb: (await redisCounts(redis)).usedMb,
        benchRssMb: process.memoryUsage().rss / 1024 / 1024,
        // Each far end holds ~25 file descriptors and each tone peer ~11: the bench's own limit (ulimit -n).
        benchFds: readdirSync('/proc/self/fd').length,
        janusThreads: pids.janus.map((pid) => readdirSync(`/proc/${pid}/task`).length),
      };
      memory.push(m);
      const up = acceptingAt.size - hungUp;
      console.error(
        `  scale ${step.agents}/${step.callsPerS}: ${atS} s, rang ${offeredAt.size}, up ${up}, fds ${m.benchFds}`,
      );
    };
    await pause(1000);

    // The floor's background (desks' liveness, sweeps) over a quiet spell, to take out of the per-call figures.
    const quietMs = 5000;
    const quietFrom = await cpuNow(pids);
    await pause(quietMs);
    const quietTo = await cpuNow(pids);
    await noteMemory(0);

    const total = Math.round(step.callsPerS * step.seconds);
    const gapMs = 1000 / step.callsPerS;
    const started = performance.now();
    const webhookAt = new Map<string, number>();
    const webhookFailures: string[] = [];
    const memoryTimer = setInterval(() => void noteMemory(Math.round((performance.now() - started) / 1000)), 10_000);
    let anchoredCalls = 0;
    let dialing = 0;
    const placeOne = async (i: number) => {
      const from = `4477${String(i).padStart(8, '0')}`;
      const relay = relays[i % relays.length]!;
      try {
        if (i % step.anchoredEvery === 0) {
          anchoredCalls += 1;
          sim.setWebhookUrl(relay.webhookUrl);
          // The far end is made before the webhook leaves: its time is the customer's phone's, not the relay's.
          const at = { ms: 0 };
          dialing += 1;
          const call = await sim
            .placeCall({
              from,
              ctaPayload: 'anchored',
              farEnd: { toneHz: 440, edgeHost: mediaHostAddress(), noMediaTimeoutMs: 60_000 },
              mangleOffer: (sdp) => ((at.ms = performance.now()), sdp),
            })
            .finally(() => (dialing -= 1));
          webhookAt.set(call.callId, at.ms);
          sipCalls.set(call.callId, call);
          return;
        }
        const callId = `wacid.scale.${step.agents}.${i}`;
        sim.graph.offerCall(callId);
        // A caller with no media of its own: the simulator still confirms the business's hang-up with its terminate.
        const farEnd = { close: () => undefined, applyAnswer: async () => undefined } as unknown as FarEnd;
        sim.calls.set(callId, { callId, from, farEnd });
        const body = connectWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' });
        webhookAt.set(callId, performance.now());
        const { status } = await postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret);
        if (status !== 200) webhookFailures.push(`${callId}: HTTP ${status}`);
      } catch (error) {
        webhookFailures.push(String(error));
      }
    };
    // A customer's phone (a libwebrtc far end) takes the bench's CPU to make: no more than MAX_DIALING at once, so a
    // bench that falls behind sends late (and says how late) instead of piling up far ends until it runs out of files.
    const placed: Array<Promise<void>> = [];
    let maxLateMs = 0;
    for (let i = 0; i < total; i += 1) {
      await pause(Math.max(0, started + i * gapMs - performance.now()));
      while (dialing >= MAX_DIALING) await pause(5);
      maxLateMs = Math.max(maxLateMs, performance.now() - (started + i * gapMs));
      placed.push(placeOne(i));
    }
    await Promise.all(placed);
    const sentAllMs = performance.now() - started;
    // The last calls ring, are answered, held and hung up; then WhatsApp's terminates come back.
    const deadline = performance.now() + step.holdS * 1000 + 20_000;
    while (hungUp + refusals.length < offeredAt.size || offeredAt.size < total - webhookFailures.length) {
      if (performance.now() > deadline) break;
      await pause(100);
    }
    await pause(1000);
    const busyTo = await cpuNow(pids);
    clearInterval(memoryTimer);
    await noteMemory(Math.round((performance.now() - started) / 1000));

    const routing: number[] = [];
    const routingAnchored: number[] = [];
    const boardShown: number[] = [];
    const boardAnswered: number[] = [];
    for (const [callId, sent] of webhookAt) {
      const offered = offeredAt.get(callId);
      if (offered !== undefined) (sipCalls.has(callId) ? routingAnchored : routing).push(offered - sent);
      const shown = board.shownAt.get(callId);
      if (shown !== undefined) boardShown.push(shown - sent);
      const accepting = acceptingAt.get(callId);
      const answered = board.answeredAt.get(callId);
      if (accepting !== undefined && answered !== undefined) boardAnswered.push(answered - accepting);
    }
    const quiet = cpuBetween(quietFrom, quietTo);
    const busy = cpuBetween(quietTo, busyTo);
    const perCall = (key: keyof typeof busy.ms) =>
      (busy.ms[key] - (quiet.ms[key] / quiet.wallMs) * busy.wallMs) / Math.max(1, offeredAt.size);
    const commandsPerCall = new Map<string, number>();
    for (const [name, count] of busyTo.redis.commands) {
      const before = quietTo.redis.commands.get(name) ?? 0;
      const background = ((before - (quietFrom.redis.commands.get(name) ?? 0)) / quiet.wallMs) * busy.wallMs;
      commandsPerCall.set(name, (count - before - background) / Math.max(1, offeredAt.size));
    }
    const boardStats = board.stats();

    const p = (values: number[]) => ({ p50: percentile(values, 50), p99: percentile(values, 99), n: values.length });
    return {
      step,
      calls: total,
      anchoredCalls,
      sentAllMs,
      maxLateMs,
      offered: offeredAt.size,
      answered: acceptingAt.size,
      hungUp,
      peakUp,
      refusals,
      webhookFailures,
      callerHeardDesk,
      /** Direct calls; anchored ones apart, as they wait for Janus to answer the customer and offer the desk's leg. */
      routingMs: p(routing),
      routingAnchoredMs: p(routingAnchored),
      boardShownMs: p(boardShown),
      boardAnsweredMs: p(boardAnswered),
      board: { snapshotsPerS: boardStats.snapshots / (busy.wallMs / 1000), kbPerS: boardStats.bytes / busy.wallMs },
      redisCommandsPerCall: [...commandsPerCall.values()].reduce((a, b) => a + b, 0),
      redisTopCommands: [...commandsPerCall.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6),
      totalRedisCommands: totalCommands(busyTo.redis) - totalCommands(quietTo.redis),
      cpuMsPerCall: {
        relays: perCall('relays'),
        janusPerAnchored: (perCall('janus') * Math.max(1, offeredAt.size)) / Math.max(1, anchoredCalls),
        redis: perCall('redis'),
        bench: perCall('bench'),
      },
      /** Share of one core while the calls ran, busiest instance of each kind (1.0 = a full core). */
      coreShare: {
        busiestRelay: busy.core(busy.ms.busiestRelay),
        busiestJanus: busy.core(busy.ms.busiestJanus),
        redis: busy.core(busy.ms.redis),
        bench: busy.core(busy.ms.bench),
        quietRelays: quiet.core(quiet.ms.relays),
      },
      memory,
    };
  }
}
export type ScaleFigures = Awaited<ReturnType<typeof benchScale>>;
