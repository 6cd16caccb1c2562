import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../testRedis';
import { resolveIntent, teamIntentArbitrary, type TeamIntent } from './teamCommandArbitrary';
import { teamInvariantViolations } from './teamInvariants';
import type { AgentRecord } from '../../shared/teamState';
import { applyTeamCommand, canBeOffered, type TeamSlice } from './teamModel';
import { createTeamStore, type TeamStore } from './teamStore';

let server: TestRedis;
const connections: Redis[] = [];
/**
 * Ways the queues may put agents in two routing groups, so each group's own indexes are checked: the first (asha and
 * chen in one, ben in the other) at start, the others after an admin changed the queues.
 */
const GROUPINGS: Array<(agentId: string) => string[]> = [
  (id) => [...(id.charCodeAt(0) % 2 === 0 ? ['even'] : []), ...(id.length % 2 === 0 ? ['long'] : [])],
  (id) => (id === 'ben' ? ['even', 'long'] : []),
  (id) => (id === 'asha' ? [] : ['even']),
  () => ['long'],
];
/** The queues one relay instance has in force: each instance applies a change when it polls, not at once. */
interface QueuesView {
  grouping: number;
}
const storeOn = (prefix: string, view: QueuesView = { grouping: 0 }, redis = new Redis(server.url)): TeamStore => {
  connections.push(redis);
  return createTeamStore(redis, prefix, (id) => GROUPINGS[view.grouping]!(id));
};

/**
 * Counts a connection's round trips: a command sent while no reply is outstanding starts a new one; commands sent
 * before the replies come (pipelined, or several callers at once) share it.
 */
function countRoundTrips(redis: Redis): () => number {
  let outstanding = 0;
  let trips = 0;
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (...args: Parameters<Redis['sendCommand']>) => {
    if (outstanding === 0) trips += 1;
    outstanding += 1;
    const done = () => (outstanding -= 1);
    args[0].promise.then(done, done);
    return send(...args);
  };
  return () => trips;
}

/** Every order the items may come in. */
const orders = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((item, i) => orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
/** An admin changes the queues: one instance applies it first, the other may act once on the old queues meanwhile. */
interface QueuesChanged {
  kind: 'queues_changed';
  grouping: number;
  first: number;
  between: TeamIntent | null;
}
const teamStepsArbitrary = (maxLength: number): fc.Arbitrary<Array<TeamIntent | QueuesChanged>> =>
  fc.array(
    fc.oneof(
      { weight: 8, arbitrary: teamIntentArbitrary },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('queues_changed' as const),
          grouping: fc.nat(GROUPINGS.length - 1),
          first: fc.nat(1),
          between: fc.option(teamIntentArbitrary),
        }),
      },
    ),
    { maxLength, size: 'max' },
  );

/** Ids in the order Redis keeps a sorted set: by score, then by id. */
const byScore = (agents: AgentRecord[], score: (a: AgentRecord) => number) =>
  [...agents].sort((a, b) => score(a) - score(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((a) => a.id);

/** What routing reads from the store's indexes equals what the model's records say, written here from the rules. */
async function expectIndexesMatch(store: TeamStore, model: TeamSlice, groupsOf = GROUPINGS[0]!) {
  const agents = [...model.agents.values()];
  const inGroup = (group: string) => agents.filter((a) => groupsOf(a.id).includes(group));
  const idle = (list: AgentRecord[]) =>
    byScore(
      list.filter((a) => a.state === 'available'),
      (a) => a.idleSinceMs,
    );
  expect(await store.longestIdle()).toEqual(idle(agents));
  expect(await store.idleOfGroups(['even', 'long'], 100)).toEqual([idle(inGroup('even')), idle(inGroup('long'))]);
  expect((await store.connectedIds()).sort()).toEqual(
    agents
      .filter((a) => a.connected)
      .map((a) => a.id)
      .sort(),
  );
  const inWrapUp = agents.filter((a) => a.state === 'after_call_work');
  expect(await store.inWrapUpSince(Number.MAX_SAFE_INTEGER)).toEqual(byScore(inWrapUp, (a) => a.sinceMs));
  const ringing = (group: string) => inGroup(group).filter((a) => a.state === 'reserved').length;
  expect(await store.ringingInGroups(['even'])).toBe(ringing('even'));
  expect(await store.ringingInGroups(['long'])).toBe(ringing('long'));
  const mayWait = (group: string) =>
    byScore(
      inGroup(group).filter((a) => a.calls.length === 1 && canBeOffered(a, 'answer', true)),
      (a) => a.sinceMs,
    );
  expect(await store.onOneCallOfGroups(['even', 'long'], 100)).toEqual([mayWait('even'), mayWait('long')]);
}

beforeAll(async () => {
  server = await startTestRedis();
});
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await server?.stop();
});

describe('the team model in Redis', () => {
  it('reads several calls in one go as it reads each, a call it does not hold as nothing', async () => {
    const store = storeOn('calls-at-once');
    await store.apply({ kind: 'sign_in', agentId: 'asha' });
    for (const callId of ['call-a', 'call-b']) await store.apply({ kind: 'offer', callId, waitingAllowed: false });
    await store.apply({ kind: 'reserve', callId: 'call-b', agentId: 'asha', purpose: 'answer' });
    const ids = ['call-b', 'call-none', 'call-a'];
    const one = await Promise.all(ids.map((id) => store.call(id)));
    expect(await store.calls(ids)).toEqual(one);
    expect(one.map((c) => c?.id)).toEqual(['call-b', undefined, 'call-a']);
    expect(await store.calls([])).toEqual([]);
  });

  it('reserves an agent for exactly one of many calls ringing at once across relay instances', async () => {
    const [one, two] = [storeOn('race'), storeOn('race')];
    await one.apply({ kind: 'sign_in', agentId: 'asha' });
    const calls = Array.from({ length: 12 }, (_, i) => `call-${i}`);
    for (const callId of calls) await one.apply({ kind: 'offer', callId, waitingAllowed: false });
    const outcomes = await Promise.all(
      calls.map((callId, i) =>
        (i % 2 ? one : two).apply({ kind: 'reserve', callId, agentId: 'asha', purpose: 'answer' }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect((await two.agent('asha'))?.state).toBe('reserved');
    expect(await one.longestIdle()).toEqual([]);
  });

  it('removes the sorted-set members it is given in the write of a command that changed something, only then', async () => {
    const redis = new Redis(server.url);
    const [one, two] = [storeOn('also', undefined, redis), storeOn('also')];
    await one.apply({ kind: 'sign_in', agentId: 'asha' });
    for (const callId of ['call-a', 'call-b']) await one.apply({ kind: 'offer', callId, waitingAllowed: false });
    await redis.zadd('picking', 1, 'call-a', 2, 'call-b');
    const picked = (callId: string) => [{ key: 'picking', member: callId }];
    const reserve = (callId: string) => ({
      kind: 'reserve' as const,
      callId,
      agentId: 'asha',
      purpose: 'answer' as const,
    });
    // Both at once on two instances: the one that reserved asha left the set; the refused one is still in it.
    const [a, b] = await Promise.all([
      one.apply(reserve('call-a'), Date.now(), picked('call-a')),
      two.apply(reserve('call-b'), Date.now(), picked('call-b')),
    ]);
    expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
    expect(await redis.zrange('picking', '0', '-1')).toEqual([a.ok ? 'call-b' : 'call-a']);
  });

  it('keeps what two relay instances do to the team, and the indexes routing reads, equal to the model, step by step, queues changing too', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(teamStepsArbitrary(30), async (steps) => {
        const prefix = `model-${(run += 1)}`;
        const views: QueuesView[] = [{ grouping: 0 }, { grouping: 0 }];
        const instances = views.map((view) => storeOn(prefix, view));
        const model: TeamSlice = { agents: new Map(), calls: new Map() };
        let at = 0;
        const play = async (intent: TeamIntent, by: number) => {
          const command = resolveIntent(model, intent);
          const nowMs = 1000 + (at += 1);
          const expected = applyTeamCommand(model, command, nowMs);
          const applied = await instances[by]!.apply(command, nowMs);
          expect(applied.ok, JSON.stringify(command)).toBe(expected.ok);
          if ('callId' in command && model.calls.has(command.callId))
            expect(await instances[1 - by]!.call(command.callId)).toEqual(model.calls.get(command.callId));
        };
        /** One instance applies the new queues: agents whose groups moved are indexed again there. */
        const adopt = async (by: number, grouping: number) => {
          const before = GROUPINGS[views[by]!.grouping]!;
          views[by]!.grouping = grouping;
          const moved = await instances[by]!.regroup(before);
          const now = GROUPINGS[grouping]!;
          const differ = (id: string) => before(id).join() !== now(id).join();
          expect(moved).toEqual([...model.agents.keys()].filter(differ).sort());
        };
        for (const [step, item] of steps.entries()) {
          if (item.kind === 'queues_changed') {
            const [early, late] = item.first === 0 ? [0, 1] : [1, 0];
            await adopt(early, item.grouping);
            // The other instance has not polled yet: it acts on the old queues once more.
            if (item.between) await play(item.between, late);
            await adopt(late, item.grouping);
          } else await play(item, step % 2);
          // Records are the model's: changing queues moves no ring and no call.
          const stored = await instances[0]!.agents();
          expect(Object.fromEntries(stored.map((a) => [a.id, a]))).toEqual(Object.fromEntries(model.agents));
          expect(teamInvariantViolations(model)).toEqual([]);
          // Each step writes only the indexes it moves: they must still say what the records say.
          expect(views[0]!.grouping).toBe(views[1]!.grouping);
          await expectIndexesMatch(instances[(step + 1) % 2]!, model, GROUPINGS[views[0]!.grouping]);
        }
      }),
      { numRuns: 25 },
    );
  }, 90_000);
});

describe('commands at once', () => {
  it('commands naming different agents run at once: 20 sign-ins take a few round trips of the connection, not 20', async () => {
    const redis = new Redis(server.url);
    await redis.ping();
    const store = storeOn('at-once', undefined, redis);
    const trips = countRoundTrips(redis);
    const agents = Array.from({ length: 20 }, (_, i) => `agent-${i}`);
    const applied = await Promise.all(agents.map((agentId) => store.apply({ kind: 'sign_in', agentId })));
    expect(applied.every((a) => a.ok)).toBe(true);
    // A read and a write each, all 20 in flight together; one after another they took 60 (WATCH, MGET, MULTI/EXEC).
    expect(trips()).toBeLessThanOrEqual(6);
    expect(await store.longestIdle()).toHaveLength(20);
  });

  it('commands naming the same agent, sent at once, are applied in the order sent', async () => {
    const store = storeOn('same-agent');
    await store.apply({ kind: 'sign_in', agentId: 'asha' });
    await store.apply({ kind: 'offer', callId: 'call-1', waitingAllowed: false });
    await store.apply({ kind: 'reserve', callId: 'call-1', agentId: 'asha', purpose: 'answer' });
    // The desk's connection drops while a call rings there and comes straight back: signing out reads the call too,
    // signing in only the agent, yet the sign-in is the one that holds.
    const [out, back] = await Promise.all([
      store.apply({ kind: 'sign_out', agentId: 'asha' }),
      store.apply({ kind: 'sign_in', agentId: 'asha' }),
    ]);
    expect([out.agents[0]?.state, back.agents[0]?.state]).toEqual(['offline', 'available']);
    expect((await store.agent('asha'))?.state).toBe('available');
    expect((await store.call('call-1'))?.reservations[0]?.status).toBe('rescinded');
  });

  it('steps sent at once on two relay instances end as the same steps one after another, in some order', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(teamIntentArbitrary, { minLength: 1, maxLength: 3 }), { maxLength: 10 }),
        async (rounds) => {
          const prefix = `at-once-${(run += 1)}`;
          const instances = [storeOn(prefix), storeOn(prefix)];
          let model: TeamSlice = { agents: new Map(), calls: new Map() };
          for (const agentId of ['asha', 'ben', 'chen']) {
            applyTeamCommand(model, { kind: 'sign_in', agentId }, 1000);
            await instances[0]!.apply({ kind: 'sign_in', agentId }, 1000);
          }
          let at = 1000;
          for (const round of rounds) {
            const commands = round.map((intent) => ({ command: resolveIntent(model, intent), nowMs: (at += 1) }));
            const applied = await Promise.all(
              commands.map(({ command, nowMs }, i) => instances[i % 2]!.apply(command, nowMs)),
            );
            const stored = Object.fromEntries((await instances[0]!.agents()).map((a) => [a.id, a]));
            const callIds = [
              ...new Set([
                ...model.calls.keys(),
                ...commands.flatMap(({ command }) => ('callId' in command ? [command.callId] : [])),
              ]),
            ];
            const storedCalls = await instances[1]!.calls(callIds);
            // Some order of the round's steps, played one after another on the model, gives what each step answered
            // and what Redis holds now.
            const serial = orders(commands.map((c, i) => ({ ...c, i }))).map((order) => {
              const slice = structuredClone(model);
              const ok: boolean[] = [];
              for (const { command, nowMs, i } of order) ok[i] = applyTeamCommand(slice, command, nowMs).ok;
              return { slice, ok };
            });
            const matching = serial.find(
              ({ slice, ok }) =>
                ok.every((o, i) => o === applied[i]!.ok) &&
                isDeepStrictEqual(Object.fromEntries(slice.agents), stored) &&
                isDeepStrictEqual(
                  callIds.map((id) => slice.calls.get(id)),
                  storedCalls,
                ),
            );
            expect(matching, JSON.stringify(commands)).toBeDefined();
            model = matching!.slice;
            expect(teamInvariantViolations(model)).toEqual([]);
            await expectIndexesMatch(instances[0]!, model);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 90_000);
});

describe('agents who stopped signing in', () => {
  it('leave the known set after the given time; those signed in, on a call or lately gone stay, and a sign-in brings one back', async () => {
    const team = storeOn('forget');
    const day = 24 * 3600_000;
    const now = Date.now();
    // Ana left 40 days ago, Ben 2 days ago; Cho has been signed in for 40 days; Dev went offline 40 days ago mid-call.
    for (const id of ['ana', 'ben', 'cho', 'dev']) await team.apply({ kind: 'sign_in', agentId: id }, now - 41 * day);
    await team.apply({ kind: 'sign_out', agentId: 'ana' }, now - 40 * day);
    await team.apply({ kind: 'sign_out', agentId: 'ben' }, now - 2 * day);
    await team.apply({ kind: 'offer', callId: 'old-call', waitingAllowed: false }, now - 40 * day);
    await team.apply({ kind: 'reserve', callId: 'old-call', agentId: 'dev', purpose: 'answer' }, now - 40 * day);
    await team.apply({ kind: 'accept', callId: 'old-call', agentId: 'dev' }, now - 40 * day);
    await team.apply({ kind: 'sign_out', agentId: 'dev' }, now - 40 * day);
    expect((await team.agents()).map((a) => a.id).sort()).toEqual(['ana', 'ben', 'cho', 'dev']);
    expect((await team.agent('dev'))?.calls).toEqual(['old-call']);

    expect(await team.forgetSignedOutBefore(now - 30 * day)).toEqual(['ana']);
    expect((await team.agents()).map((a) => a.id).sort()).toEqual(['ben', 'cho', 'dev']);
    expect(await team.agent('ana')).toBeUndefined();
    expect(await team.forgetSignedOutBefore(now - 30 * day)).toEqual([]);

    await team.apply({ kind: 'sign_in', agentId: 'ana' });
    expect((await team.agents()).map((a) => a.id).sort()).toEqual(['ana', 'ben', 'cho', 'dev']);
    expect((await team.agent('ana'))?.connected).toBe(true);
  });
});
