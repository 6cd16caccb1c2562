import { describe, expect, it } from 'vitest';
import { parseSentinelList, redisTargetFromEnv, targetHasPassword } from './redisConnection';

describe('the relay’s Redis settings', () => {
  it('keeps REDIS_URL as it was', () => {
    expect(redisTargetFromEnv({ REDIS_URL: 'redis://:pw@10.0.0.5:6379' })).toEqual({
      url: 'redis://:pw@10.0.0.5:6379',
    });
    expect(targetHasPassword({ url: 'redis://:pw@10.0.0.5:6379' })).toBe(true);
    expect(targetHasPassword({ url: 'redis://10.0.0.5:6379' })).toBe(false);
  });

  it('reads sentinels, the primary’s name and both passwords', () => {
    expect(
      redisTargetFromEnv({
        REDIS_SENTINELS: 'sentinel-a:26379, 10.0.0.7:26380,[fd00::1]:26379',
        REDIS_SENTINEL_NAME: 'team',
        REDIS_PASSWORD: 'data',
        REDIS_SENTINEL_PASSWORD: 'watch',
      }),
    ).toEqual({
      sentinel: {
        sentinels: [
          { host: 'sentinel-a', port: 26379 },
          { host: '10.0.0.7', port: 26380 },
          { host: 'fd00::1', port: 26379 },
        ],
        name: 'team',
        password: 'data',
        sentinelPassword: 'watch',
      },
    });
  });

  it('says what is wrong instead of guessing', () => {
    expect(redisTargetFromEnv({})).toMatch(/REDIS_URL is not set/);
    expect(redisTargetFromEnv({ REDIS_URL: 'redis://a:1', REDIS_SENTINELS: 'b:2' })).toMatch(/both set/);
    expect(redisTargetFromEnv({ REDIS_SENTINELS: 'b:2' })).toMatch(/REDIS_SENTINEL_NAME/);
    expect(redisTargetFromEnv({ REDIS_URL: 'http://a' })).toMatch(/redis:\/\/host:port/);
    for (const bad of ['', 'host', 'host:0', 'host:70000', 'a:1,,b', 'a b:1'])
      expect(parseSentinelList(bad), bad).toBeUndefined();
  });
});
