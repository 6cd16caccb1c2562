import fc from 'fast-check';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../testRedis';
import { resolveIntent, teamIntentsArbitrary } from './teamCommandArbitrary';
import { teamInvariantViolations } from './teamInvariants';
import { applyTeamCommand, type TeamSlice } from './teamModel';
import { createTeamStore, type TeamStore } from './teamStore';

let server: TestRedis;
const connections: Redis[] = [];
const storeOn = (prefix: string): TeamStore => {
  const redis = new Redis(server.url);
  connections.push(redis);
  return createTeamStore(redis, prefix);
};

beforeAll(async () => {
  server = await startTestRedis();
});
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await server?.stop();
});

describe('the team model in Redis', () => {
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

  it('keeps what two relay instances do to the team equal to the model, step by step', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(teamIntentsArbitrary(30), async (intents) => {
        const prefix = `model-${(run += 1)}`;
        const instances = [storeOn(prefix), storeOn(prefix)];
        const model: TeamSlice = { agents: new Map(), calls: new Map() };
        for (const [step, intent] of intents.entries()) {
          const command = resolveIntent(model, intent);
          const nowMs = 1000 + step;
          const expected = applyTeamCommand(model, command, nowMs);
          const applied = await instances[step % 2]!.apply(command, nowMs);
          expect(applied.ok, JSON.stringify(command)).toBe(expected.ok);
          const stored = await instances[0]!.agents();
          expect(Object.fromEntries(stored.map((a) => [a.id, a]))).toEqual(Object.fromEntries(model.agents));
          if ('callId' in command && model.calls.has(command.callId))
            expect(await instances[1]!.call(command.callId)).toEqual(model.calls.get(command.callId));
          expect(teamInvariantViolations(model)).toEqual([]);
        }
        const idle = [...model.agents.values()].filter((a) => a.state === 'available');
        expect((await instances[0]!.longestIdle()).sort()).toEqual(idle.map((a) => a.id).sort());
        const connected = [...model.agents.values()].filter((a) => a.connected).map((a) => a.id);
        expect((await instances[1]!.connectedIds()).sort()).toEqual(connected.sort());
      }),
      { numRuns: 25 },
    );
  }, 60_000);
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
