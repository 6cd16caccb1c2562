import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../whatsapp/logger';
import { createDueSteps, type DueSteps } from './dueSteps';
import { startTestRedis, type TestRedis } from './testRedis';

let redis: TestRedis;
let probe: Redis;
const clients: Redis[] = [];
const running: DueSteps[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
  probe = new Redis(redis.url);
});
afterEach(() => {
  for (const steps of running.splice(0)) steps.stop();
  for (const client of clients.splice(0)) client.disconnect();
});
afterAll(async () => {
  probe?.disconnect();
  await redis?.stop();
});
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One relay instance's due steps: its own Redis connection and timer; what it takes is noted with its name. */
function instance(key: string, name: string, taken: Array<{ member: string; by: string; atMs: number }>) {
  const client = new Redis(redis.url);
  clients.push(client);
  const steps = createDueSteps(client, key, createMemoryLogger(), 'a test step');
  steps.onDue(async (member) => void taken.push({ member, by: name, atMs: Date.now() }));
  running.push(steps);
  return { steps, client };
}

/** Commands Redis has run so far that read or lease a due set (the scripts and ZRANGE). */
async function dueSetCommands(): Promise<number> {
  const stats = await probe.info('commandstats');
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
  return calls('eval') + calls('evalsha') + calls('zrange') + calls('zrangebyscore');
}

describe('due steps woken by their time, not by a tick', () => {
  it('a step set for a time runs once, on one instance of two, not before its time', async () => {
    const taken: Array<{ member: string; by: string; atMs: number }> = [];
    const [a, b] = [instance('d1', 'a', taken), instance('d1', 'b', taken)];
    a.steps.start();
    b.steps.start();
    const dueMs = Date.now() + 700;
    await a.steps.at('ring-1', dueMs);
    await expect.poll(() => taken.length, { timeout: 5000 }).toBe(1);
    expect(taken[0]!.member).toBe('ring-1');
    expect(taken[0]!.atMs).toBeGreaterThanOrEqual(dueMs);
    await pause(1500);
    expect(taken.map((t) => t.member)).toEqual(['ring-1']);
    expect(await probe.zcard('d1')).toBe(0);
  });

  it('a step another instance moved later does not run at its first time', async () => {
    const taken: Array<{ member: string; by: string; atMs: number }> = [];
    const [a, b] = [instance('d2', 'a', taken), instance('d2', 'b', taken)];
    a.steps.start();
    const setMs = Date.now();
    await a.steps.at('ring-2', setMs + 300);
    await b.steps.at('ring-2', setMs + 1500);
    await pause(1000);
    expect(taken).toEqual([]);
    await expect.poll(() => taken.length, { timeout: 5000 }).toBe(1);
    expect(taken[0]!.atMs).toBeGreaterThanOrEqual(setMs + 1500);
  });

  it('a step leased by an instance that dies runs on the other once the lease is over', async () => {
    const taken: Array<{ member: string; by: string; atMs: number }> = [];
    // The dying instance leases the step and never finishes it: its process is gone mid-step.
    const dying = new Redis(redis.url);
    clients.push(dying);
    const doomed = createDueSteps(dying, 'd3', createMemoryLogger(), 'a test step');
    running.push(doomed);
    let leasedAtMs = 0;
    doomed.onDue(() => {
      leasedAtMs = Date.now();
      return new Promise<void>(() => undefined);
    });
    doomed.start();
    await doomed.at('ring-3', Date.now() + 200);
    await expect.poll(() => leasedAtMs, { timeout: 3000 }).toBeGreaterThan(0);
    doomed.stop();
    dying.disconnect();
    // Another instance, started now, learns of the step from the set: its lease's end is its time.
    const survivor = instance('d3', 'survivor', taken);
    survivor.steps.start();
    await expect.poll(() => taken.length, { timeout: 12_000, interval: 100 }).toBe(1);
    expect(taken[0]).toMatchObject({ member: 'ring-3', by: 'survivor' });
    // Not before the lease (5 s) ran out.
    expect(taken[0]!.atMs - leasedAtMs).toBeGreaterThanOrEqual(4900);
  }, 20_000);

  it('instances send Redis nothing while nothing is due, a step an hour away included', async () => {
    const taken: Array<{ member: string; by: string; atMs: number }> = [];
    const [a, b] = [instance('d4', 'a', taken), instance('d4', 'b', taken)];
    await a.steps.at('later', Date.now() + 3_600_000);
    a.steps.start();
    b.steps.start();
    // Each looks once as it starts.
    await pause(300);
    const before = await dueSetCommands();
    await pause(2000);
    // A look each lease (5 s) at most: none in this window, at most one each if the machine is slow.
    expect((await dueSetCommands()) - before).toBeLessThanOrEqual(2);
    expect(taken).toEqual([]);
  });
});
