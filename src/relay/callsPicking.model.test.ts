import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallSignal } from '../shared/callSignals';
import { TeamQueues } from '../shared/teamQueues';
import { createMemoryLogger } from '../whatsapp/logger';
import { createBus } from './bus';
import { createCallStore } from './callStore';
import { MOST_PICKING_AT_ONCE, planRoute, type AgentSnapshot } from './queuePlan';
import { createQueueRouter } from './queueRouter';
import { deploymentKeyPrefix, relayKeys } from './relayKeys';
import { createRouteStore, LEASE_MS } from './routeStore';
import { routingGroups } from './team/routingGroups';
import { createTeamFloor } from './team/teamFloor';
import { teamInvariantViolations } from './team/teamInvariants';
import { createTeamStore } from './team/teamStore';
import { startTestRedis, type TestRedis } from './testRedis';

type Offered = Extract<CallSignal, { type: 'call_offered' }>;

const RING_SECONDS = 10;
const QUEUES = TeamQueues.parse({
  defaultQueue: 'desk',
  repeatCallerMinutes: 0,
  // Overflow as late as a queue allows: the calls of a run hunt one agent at a time, as the picking set is for.
  queues: [{ id: 'desk', name: 'Desk', ringSeconds: RING_SECONDS, overflowSeconds: 600, agents: '*' }],
});
const AGENTS = ['asha', 'ben', 'chen', 'dina'];

describe('the place among calls picking at once (pure: planRoute with pickAt)', () => {
  const route = { queueId: 'desk', stage: 'hunt' as const, startedAtMs: 0 };
  const agentsOf = (n: number): AgentSnapshot[] =>
    Array.from({ length: n }, (_, i) => ({ id: `a${i}`, status: 'available', idleSinceMs: i, present: true }));
  const ringAt = (agents: AgentSnapshot[], pickAt: number) =>
    planRoute({ config: QUEUES, route, agents, tried: [], declined: [], ringing: [], nowMs: 1000, pickAt }).ring;

  it('gives calls picking together distinct agents while there are enough, and leaves the rest to the older', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), (free, picking) => {
        const agents = agentsOf(free);
        const rung = Array.from({ length: picking }, (_, at) => ringAt(agents, at));
        // A call with as many callers waiting longer picking beside it as there are free agents rings nobody.
        for (const ring of rung.slice(free)) expect(ring).toEqual([]);
        const ids = rung.slice(0, free).map((ring) => ring);
        expect(ids.every((ring) => ring.length === 1)).toBe(true);
        expect(ids[0]).toEqual(['a0']);
        // Within reach (the first MOST_PICKING_AT_ONCE) each its own; past it they share the last, as in turn.
        const distinct = Math.min(free, MOST_PICKING_AT_ONCE, picking);
        expect(new Set(ids.slice(0, distinct).flat()).size).toBe(distinct);
        for (const ring of ids.slice(distinct)) expect(ring).toEqual([`a${MOST_PICKING_AT_ONCE - 1}`]);
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * The set of calls picking an agent now, through the real routing steps (queueRouter, routeStore, teamFloor and
 * teamStore on real Redis) of two relay instances on one routing clock: calls arriving and due steps run at once on
 * both, agents come and go, calls are answered or abandoned, and an instance dies in the middle of a step.
 */
let server: TestRedis;
const connections: Redis[] = [];
let runNo = 0;

/** The commands Redis runs, in the order it runs them, for the picking set's timeline. */
let heard: (args: string[]) => void = () => undefined;
let monitor: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  monitor = await new Redis(server.url).monitor();
  monitor.on('monitor', (_time: string, args: string[]) => heard(args));
}, 30_000);
afterAll(async () => {
  monitor?.disconnect();
  for (const redis of connections) redis.disconnect();
  await server?.stop();
});

/**
 * Who was in the picking set when each call joined it, from the commands as Redis ran them (the registering script,
 * and the removals by the reserving write, by the step's end, or by the lapse): the calls each one saw ahead of it.
 */
function pickingTimeline(pickingKey: string) {
  const present = new Set<string>();
  const sawAtJoin = new Map<string, Set<string>>();
  let marks = new Set<string>();
  heard = (args) => {
    const [command = '', ...rest] = args;
    const name = command.toLowerCase();
    if (name === 'echo') marks.add(rest[0]!);
    // The registering script's own ZADD, after it dropped the lapsed entries.
    if (name === 'zadd' && rest[0] === pickingKey) {
      const callId = rest[2]!;
      sawAtJoin.set(callId, new Set(present));
      present.add(callId);
    }
    if (name === 'zrem' && rest[0] === pickingKey) present.delete(rest[1]!);
  };
  return {
    sawAtJoin,
    /** Waits until Redis has run, and the monitor told, everything sent before `redis` echoes a mark. */
    async caughtUp(redis: Redis, mark: string): Promise<void> {
      await redis.echo(mark);
      for (let i = 0; i < 200 && !marks.has(mark); i += 1) await new Promise((r) => setTimeout(r, 5));
      marks = new Set();
    },
  };
}

const advances = [0, 400, 1000, RING_SECONDS * 1000 + 1, LEASE_MS + 1];
const stepArbitrary = fc.oneof(
  fc.record({
    kind: fc.constant('batch' as const),
    // Calls arriving now, each on the instance its place gives; due steps on none, one or both instances.
    arrivals: fc.nat(3),
    firstOn: fc.nat(1),
    stepOn: fc.constantFrom<Array<0 | 1>>([], [0], [1], [0, 1]),
    advanceMs: fc.constantFrom(...advances),
  }),
  fc.record({
    kind: fc.constantFrom('free' as const, 'busy' as const, 'sign_out' as const, 'sign_in' as const),
    a: fc.nat(AGENTS.length - 1),
  }),
  fc.record({ kind: fc.constantFrom('answer' as const, 'abandon' as const, 'dies' as const), a: fc.nat(20) }),
);
type Step = typeof stepArbitrary extends fc.Arbitrary<infer T> ? T : never;

function instanceOn(prefix: string, name: string, now: () => number) {
  const [redis, teamRedis] = [new Redis(server.url), new Redis(server.url)];
  connections.push(redis, teamRedis);
  const keys = relayKeys(prefix);
  const log = createMemoryLogger();
  const team = createTeamStore(teamRedis, prefix, routingGroups(QUEUES));
  const store = createCallStore(redis, keys, name);
  const published = createBus(redis, redis, keys.bus, log);
  // Every agent's desk is connected: a ring is recorded as offered when it is sent, as the agent gateway does.
  const bus: typeof published = {
    ...published,
    async publish(message) {
      if (message.kind === 'offer') await store.addOffered(message.callId, message.targets ?? []);
      await published.publish(message);
    },
  };
  const floor = createTeamFloor({ team, bus, log, alive: async (ids) => ids.map(() => true) });
  const routes = createRouteStore(redis, keys);
  const router = createQueueRouter({ queues: () => QUEUES, store, routes, floor, bus, log, now });
  return { team, floor, routes, store, router, keys, redis };
}

/** One run's floor: its own key prefix, two instances, and what the test knows of its calls. */
function floorOfRun() {
  runNo += 1;
  const prefix = deploymentKeyPrefix(`picking${runNo}`);
  // One routing clock for both instances, moving a millisecond at each reading so no two callers start together.
  let clockMs = 1_000_000;
  const now = () => (clockMs += 1);
  const instances = [instanceOn(prefix, 'one', now), instanceOn(prefix, 'two', now)];
  const [first] = instances;
  const { team, routes, keys, redis } = first!;
  const calls: string[] = [];
  const ended = new Set<string>();
  /** Entries a dead instance left: the call and until when it counts. */
  const ghosts = new Map<string, number>();
  const pick = <T>(list: T[], i: number): T | undefined => (list.length ? list[i % list.length] : undefined);
  const live = () => calls.filter((c) => !ended.has(c));
  const timeline = pickingTimeline(keys.picking('desk'));

  async function pickingNow(): Promise<Map<string, number>> {
    const raw = await redis.zrange(keys.pickingUntil('desk'), '0', '-1', 'WITHSCORES');
    const members = await redis.zrange(keys.picking('desk'), '0', '-1');
    const until = new Map<string, number>();
    for (let i = 0; i < raw.length; i += 2) until.set(raw[i]!, Number(raw[i + 1]));
    for (const id of members) if (!until.has(id)) until.set(id, -1);
    return until;
  }

  /** Each live call's agents ringing for it, and what each step needs to judge a batch. */
  async function floorNow() {
    const agents = (await Promise.all(AGENTS.map((a) => team.agent(a)))).filter((a) => a !== undefined);
    const found = (await team.calls(calls)).filter((c) => c !== undefined);
    const ringingFor = new Map(
      found.map((c) => [c.id, c.reservations.filter((r) => r.status === 'pending').map((r) => r.agentId)]),
    );
    const free = agents.filter((a) => a.connected && a.state === 'available').map((a) => a.id);
    return { agents, found, ringingFor, free };
  }

  async function check(): Promise<void> {
    const { agents, found, ringingFor } = await floorNow();
    const slice = { agents: new Map(agents.map((a) => [a.id, a])), calls: new Map(found.map((c) => [c.id, c])) };
    expect(teamInvariantViolations(slice)).toEqual([]);
    for (const agent of agents) expect(agent.reservations.length, `${agent.id} rings for`).toBeLessThanOrEqual(1);
    for (const callId of live()) {
      const route = await routes.get(callId);
      if (route?.stage === 'hunt')
        expect((ringingFor.get(callId) ?? []).length, `${callId} rings at`).toBeLessThanOrEqual(1);
    }
    // Every step has finished: only a dead instance's entries may be left, and a lapsed one counts for nobody.
    for (const [callId] of await pickingNow()) expect(ghosts.has(callId), `${callId} still picking`).toBe(true);
  }

  async function batch(step: Extract<Step, { kind: 'batch' }>): Promise<void> {
    clockMs += step.advanceMs;
    const atMs = clockMs;
    const before = await floorNow();
    const due = await redis.zrangebyscore(keys.routesDue, '-inf', String(atMs));
    const stepped = step.stepOn.length > 0 ? due.filter((c) => !ended.has(c)) : [];
    const routesBefore = new Map(await Promise.all(stepped.map(async (c) => [c, await routes.get(c)] as const)));
    const tried = new Map(await Promise.all(stepped.map(async (c) => [c, await first!.store.tried(c)] as const)));
    const arriving = Array.from({ length: step.arrivals }, (_, i) => `wacid.picking${runNo}.${calls.length + i + 1}`);
    calls.push(...arriving);
    const offer = (callId: string): Offered => ({
      type: 'call_offered',
      callId,
      from: '447700900123',
      sdpOffer: 'v=0\r\n',
      timestampMs: Date.now(),
    });
    timeline.sawAtJoin.clear();
    await Promise.all([
      ...arriving.map((callId, i) => instances[(step.firstOn + i) % 2]!.router.take(offer(callId))),
      ...step.stepOn.map((i) => instances[i]!.router.stepDue(atMs)),
    ]);
    await timeline.caughtUp(redis, `batch-${runNo}-${atMs}`);
    const after = await floorNow();
    // The calls that picked an agent in this batch, hunting before and after, oldest caller first.
    const picking = [...stepped.filter((c) => routesBefore.get(c)?.stage === 'hunt'), ...arriving];
    const startedAt = new Map(
      await Promise.all(picking.map(async (c) => [c, (await routes.get(c))?.startedAtMs ?? Infinity] as const)),
    );
    const oldestFirst = [...picking].sort((x, y) => startedAt.get(x)! - startedAt.get(y)!);
    const freeFor = (c: string) => before.free.filter((a) => !(tried.get(c) ?? []).includes(a));
    const got = (c: string) => (after.ringingFor.get(c) ?? []).filter((a) => before.free.includes(a));
    const fresh = oldestFirst.every((c) => freeFor(c).length === before.free.length);
    // A dead instance's entry not yet lapsed counts as a caller picking: it may hold the youngest back.
    const ghostsLive = [...ghosts.values()].some((untilMs) => untilMs > atMs);
    if (fresh && !ghostsLive && before.free.length >= oldestFirst.length) {
      // Each rings one of them (a call stepped before its ring time is up still rings the same agent).
      for (const c of oldestFirst)
        expect(after.ringingFor.get(c) ?? [], `${c} among ${oldestFirst.length} picking`).toHaveLength(1);
    }
    // A caller already picking when a younger one joined is not left without while the younger takes its agent.
    // Only for callers who joined in the order they began waiting: a caller joining after a younger one, or before an
    // older one, is passed over by a call that did not count it, and takes the agent of the next (callers arriving
    // within a few milliseconds, out of order).
    const inOrder = (c: string) =>
      oldestFirst.every((other) => {
        const older = startedAt.get(other)! < startedAt.get(c)!;
        return other === c || (older ? !timeline.sawAtJoin.get(other)?.has(c) : !timeline.sawAtJoin.get(c)?.has(other));
      });
    for (const [i, older] of oldestFirst.entries()) {
      if (got(older).length > 0 || !inOrder(older)) continue;
      for (const younger of oldestFirst.slice(i + 1)) {
        if (!timeline.sawAtJoin.get(younger)?.has(older)) continue;
        const taken = got(younger).filter((a) => freeFor(older).includes(a));
        expect(taken, `${younger} took an agent ${older}, waiting longer, could have had`).toEqual([]);
      }
    }
    // Dead instances' entries lapsed by now were dropped when these calls registered.
    if (arriving.length > 0)
      for (const [callId, untilMs] of await pickingNow())
        expect(untilMs > atMs, `${callId}'s lapsed entry still there`).toBe(true);
    for (const [callId, untilMs] of ghosts) if (untilMs <= atMs && arriving.length > 0) ghosts.delete(callId);
  }

  async function play(step: Step): Promise<void> {
    const [one] = instances;
    const { floor, store, router } = one!;
    if (step.kind === 'batch') return batch(step);
    if (step.kind === 'sign_in' || step.kind === 'sign_out') {
      const agentId = AGENTS[step.a]!;
      const ringing = (await team.agent(agentId))?.reservations ?? [];
      await floor.apply({ kind: step.kind, agentId });
      await router.passOn(ringing);
      return;
    }
    if (step.kind === 'free' || step.kind === 'busy') {
      const agentId = AGENTS[step.a]!;
      for (const callId of (await team.agent(agentId))?.wrapUps ?? [])
        await floor.apply({ kind: 'save_wrap_up', agentId, callId });
      const activity =
        step.kind === 'free' ? { kind: 'available' as const } : { kind: 'not_ready' as const, reason: 'Break' };
      await router.passOn(await floor.setActivity(agentId, activity));
      return;
    }
    const callId = pick(live(), step.a);
    if (!callId) return;
    if (step.kind === 'answer') {
      const agentId = (await team.call(callId))?.reservations.find((r) => r.status === 'pending')?.agentId;
      if (!agentId || !(await store.claim(callId, agentId))) return;
      if (!(await floor.apply({ kind: 'accept', callId, agentId })).ok) return;
      await router.answered(callId, agentId);
      ended.add(callId);
      return;
    }
    if (step.kind === 'abandon') {
      await store.firstTime(`terminate:${callId}`);
      await floor.apply({ kind: 'end', callId });
      await routes.finish(callId);
      ended.add(callId);
      return;
    }
    // An instance dies between registering a step of this call and reserving: its entry stays until it lapses.
    const route = await routes.get(callId);
    if (route?.stage !== 'hunt') return;
    const nowMs = now();
    await instances[step.a % 2]!.routes.picking(callId, route, nowMs);
    ghosts.set(callId, nowMs + LEASE_MS);
  }

  return { play, check };
}

describe('calls picking an agent at once (real Redis, two relay instances, real routing steps)', () => {
  it('leaves a lone free agent to the caller waiting longer who is picking on the other instance', async () => {
    runNo += 1;
    const prefix = deploymentKeyPrefix(`picking${runNo}`);
    let clockMs = 2_000_000;
    const now = () => (clockMs += 1);
    const [one, two] = [instanceOn(prefix, 'one', now), instanceOn(prefix, 'two', now)];
    const offer = (callId: string): Offered => ({
      type: 'call_offered',
      callId,
      from: '447700900123',
      sdpOffer: 'v=0\r\n',
      timestampMs: Date.now(),
    });
    const [older, younger] = [`wacid.alone${runNo}.1`, `wacid.alone${runNo}.2`];
    // Nobody free: the first caller waits.
    await one!.router.take(offer(older));
    await one!.floor.apply({ kind: 'sign_in', agentId: 'ben' });
    // Its next step on instance one has taken its place when the second caller's first step runs on instance two.
    await one!.routes.picking(older, (await one!.routes.get(older))!, now());
    await two!.router.take(offer(younger));
    expect((await one!.team.agent('ben'))?.reservations).toEqual([]);
    clockMs += 1000;
    await one!.router.stepDue(clockMs);
    expect((await one!.team.agent('ben'))?.reservations).toEqual([older]);
  });

  it('never ring one agent for two calls, leave the picking set when done, and keep the oldest caller first', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArbitrary, { minLength: 1, maxLength: 25 }), async (steps) => {
        const floor = floorOfRun();
        for (const agentId of AGENTS.slice(0, 2)) await floor.play({ kind: 'sign_in', a: AGENTS.indexOf(agentId) });
        for (const step of steps) {
          await floor.play(step);
          await floor.check();
        }
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});
