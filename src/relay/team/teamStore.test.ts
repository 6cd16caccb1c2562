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
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
