import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCallStore } from './callStore';
import { deploymentKeyPrefix, relayKeys } from './relayKeys';
import { startTestRedis, type TestRedis } from './testRedis';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = new Redis(server.url);
});
afterAll(async () => {
  redis.disconnect();
  await server.stop();
});

describe('the call store', () => {
  it('reads several calls’ offers in one command as it reads each; an unknown or unreadable call is nothing', async () => {
    const keys = relayKeys(deploymentKeyPrefix('offers'));
    const store = createCallStore(redis, keys, 'instance-1');
    const offered = (callId: string, username?: string) =>
      ({
        type: 'call_offered',
        callId,
        from: '447700900950',
        sdpOffer: 'v=0\r\n',
        timestampMs: 1_765_000_000_000,
        ...(username && { callerUsername: username }),
      }) as const;
    await store.takeOffer(offered('wacid.one', 'maria.lopez'));
    await store.takeOffer(offered('wacid.two'));
    await redis.set(keys.call('wacid.garbled'), '{not json');
    const ids = ['wacid.two', 'wacid.unknown', 'wacid.one', 'wacid.garbled'];
    const each = await Promise.all(ids.map((id) => store.offer(id)));
    expect(await store.offers(ids)).toEqual(each);
    expect(each.map((o) => o?.callerUsername ?? o?.callId)).toEqual(['wacid.two', undefined, 'maria.lopez', undefined]);
    expect(await store.offers([])).toEqual([]);
  });
});
