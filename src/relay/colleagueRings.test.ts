import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../whatsapp/logger';
import { createColleagueRings } from './colleagueRings';
import { startTestRedis, type TestRedis } from './testRedis';

let redis: TestRedis;
const clients: Redis[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => {
  for (const client of clients) client.disconnect();
  await redis?.stop();
});

/** One relay instance's view of the rings: its own Redis connection, its own sweep. */
function instance(key: string, ended: string[]) {
  const client = new Redis(redis.url);
  clients.push(client);
  const rings = createColleagueRings(client, key, createMemoryLogger());
  rings.onRingOut(async (callId, agentId) => void ended.push(`${callId}/${agentId}`));
  return rings;
}

describe('colleague rings kept in Redis', () => {
  it('end once, on whichever instance sweeps first, after their time and not before', async () => {
    const ended: string[] = [];
    const [a, b] = [instance('t1', ended), instance('t1', ended)];
    const startedMs = Date.now();
    await a.ring('call-1', 'ben', startedMs + 1200);
    a.start();
    b.start();
    await expect.poll(() => ended, { timeout: 5000 }).toEqual(['call-1/ben']);
    expect(Date.now() - startedMs).toBeGreaterThanOrEqual(1200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(ended).toEqual(['call-1/ben']);
    a.stop();
    b.stop();
  });

  it('outlive the instance that rang: a later instance ends a ring left behind', async () => {
    const ended: string[] = [];
    const gone = instance('t2', []);
    await gone.ring('call-2', 'chen', Date.now() + 300);
    const later = instance('t2', ended);
    later.start();
    await expect.poll(() => ended, { timeout: 5000 }).toEqual(['call-2/chen']);
    later.stop();
  });

  it('a ring that fails to end is tried again once its lease runs out', async () => {
    const client = new Redis(redis.url);
    clients.push(client);
    const rings = createColleagueRings(client, 't3', createMemoryLogger());
    let tries = 0;
    rings.onRingOut(async () => {
      tries += 1;
      if (tries === 1) throw new Error('Redis away');
    });
    await rings.ring('call-3', 'dana', Date.now());
    rings.start();
    await expect.poll(() => tries, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => client.zcard('t3')).toBe(0);
    rings.stop();
  }, 15_000);
});
