import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTeamLease } from './teamLease';
import { startTestRedis, type TestRedis } from './testRedis';

let server: TestRedis;
const connections: Redis[] = [];
const connection = () => {
  const redis = new Redis(server.url, { maxRetriesPerRequest: 0 });
  redis.on('error', () => undefined);
  connections.push(redis);
  return redis;
};

beforeAll(async () => {
  server = await startTestRedis();
});
afterAll(async () => {
  for (const redis of connections) redis.disconnect();
  await server.stop();
});

describe('the team lease', () => {
  it('is held by one instance at a time, and taken over once a dead holder’s runs out', async () => {
    const first = createTeamLease(connection(), 'lease-test', 'one', 3000);
    const secondRedis = connection();
    const second = createTeamLease(secondRedis, 'lease-test', 'two', 3000);
    await first.start();
    await second.start();
    expect([first.held(), second.held()]).toEqual([true, false]);
    // The holder's process stops answering (its Redis connection is gone): it is not released, it runs out.
    connections[0]!.disconnect();
    const gone = Date.now();
    await expect.poll(() => second.held(), { timeout: 10_000, interval: 50 }).toBe(true);
    expect(Date.now() - gone).toBeGreaterThan(1000);
    expect(first.held()).toBe(false);
    await first.stop();
    await second.stop();
    // Given back at close: the next one takes it at its first renewal.
    const third = createTeamLease(connection(), 'lease-test', 'three', 3000);
    await third.start();
    expect(third.held()).toBe(true);
    await third.stop();
  });
});
