import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPresence } from './presence';
import { deploymentKeyPrefix, relayKeys } from './relayKeys';
import { startTestRedis, type TestRedis } from './testRedis';

let server: TestRedis;
let redis: Redis;
const keys = relayKeys(deploymentKeyPrefix('presence'));

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

/** How many times Redis ran each command since `before` (INFO commandstats). */
async function commandsRun(): Promise<Record<string, number>> {
  const stats = await redis.info('commandstats');
  return Object.fromEntries([...stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

describe('presence: which desks are connected', () => {
  it('knows renewed, gone and never-seen agents', async () => {
    const presence = createPresence(redis, keys);
    await presence.renew('asha');
    await presence.renew('ben');
    await presence.gone('ben');
    expect(await presence.alive(['asha', 'ben', 'cara'])).toEqual([true, false, false]);
  });

  it('a renewal lapses after its time', async () => {
    const presence = createPresence(redis, keys);
    await presence.renew('dev');
    await redis.zadd(keys.alive, Date.now() - 1, 'dev');
    expect(await presence.alive(['dev'])).toEqual([false]);
  });

  it('asks Redis once about fifty candidates, as a routing step does, not once per agent', async () => {
    const presence = createPresence(redis, keys);
    const ids = Array.from({ length: 50 }, (_, i) => `agent${i}`);
    for (const id of ids) await presence.renew(id);
    const before = await commandsRun();
    expect((await presence.alive(ids)).every(Boolean)).toBe(true);
    const after = await commandsRun();
    const ran = Object.entries(after)
      .map(([name, calls]) => [name, calls - (before[name] ?? 0)] as const)
      .filter(([name, calls]) => calls > 0 && name !== 'info');
    expect(Object.fromEntries(ran)).toEqual({ zmscore: 1 });
  });
});
