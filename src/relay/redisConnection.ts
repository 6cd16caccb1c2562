import { Redis, type RedisOptions } from 'ioredis';

/** A Redis primary found through Redis Sentinel: the sentinels are asked where it is, again after a failover. */
export interface RedisSentinelTarget {
  sentinels: { host: string; port: number }[];
  /** The primary's name in the sentinels' configuration (`sentinel monitor <name> …`). */
  name: string;
  /** The data nodes' password (`requirepass`, or the ACL user's). */
  password?: string;
  username?: string;
  /** The sentinels' own password (`requirepass` in sentinel.conf), when they have one. */
  sentinelPassword?: string;
}

/** Where the relay's Redis is: one address (`redis://…`), or a primary watched by sentinels. */
export type RedisTarget = { url: string } | { sentinel: RedisSentinelTarget };

/** `host:port,host:port` (IPv6 in brackets: `[::1]:26379`) as sentinel addresses; undefined when malformed. */
export function parseSentinelList(list: string): { host: string; port: number }[] | undefined {
  const entries = list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return undefined;
  const parsed = entries.map((entry) => {
    const match = /^(?:\[([0-9a-fA-F:.]+)\]|([\w.-]+)):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[3]);
    if (!match || port < 1 || port > 65535) return undefined;
    return { host: match[1] ?? match[2]!, port };
  });
  return parsed.every((p) => p !== undefined) ? parsed : undefined;
}

/** Whether the data nodes are reached with a password (the relay warns at start when they are not). */
export function targetHasPassword(target: RedisTarget): boolean {
  return 'url' in target ? new URL(target.url).password !== '' : Boolean(target.sentinel.password);
}

/**
 * A connection to the team's Redis. Through Sentinel, ioredis asks the sentinels for the primary on every
 * (re)connect, refuses a node that is not the primary any more, and drops the connection when the sentinels announce
 * a switch, so every connection the relay opens (commands, the bus, the team model's, `duplicate()`s) follows a
 * failover by itself.
 */
export function openRedis(target: RedisTarget, options: RedisOptions = {}): Redis {
  if ('url' in target) return new Redis(target.url, options);
  const s = target.sentinel;
  return new Redis({
    ...options,
    sentinels: s.sentinels,
    name: s.name,
    role: 'master',
    password: s.password,
    username: s.username,
    sentinelPassword: s.sentinelPassword,
    failoverDetector: true,
    // While the sentinels still name the dead primary (until they agree it is down), try again soon.
    sentinelRetryStrategy: (times) => Math.min(100 * times, 1000),
    retryStrategy: (times) => Math.min(50 * times, 500),
  });
}

/**
 * The relay's Redis from its environment: `REDIS_URL`, or `REDIS_SENTINELS` with `REDIS_SENTINEL_NAME` (and
 * `REDIS_PASSWORD`, `REDIS_USERNAME`, `REDIS_SENTINEL_PASSWORD`). A string is what is wrong, in words.
 */
export function redisTargetFromEnv(env: Record<string, string | undefined>): RedisTarget | string {
  const { REDIS_URL: url, REDIS_SENTINELS: list, REDIS_SENTINEL_NAME: name } = env;
  if (url && list) return 'REDIS_URL and REDIS_SENTINELS are both set: keep one (Sentinel finds the primary itself).';
  if (url) return /^rediss?:\/\/./.test(url) ? { url } : 'REDIS_URL: redis://host:port';
  if (!list) return 'REDIS_URL is not set (or REDIS_SENTINELS with REDIS_SENTINEL_NAME, for Redis Sentinel)';
  const sentinels = parseSentinelList(list);
  if (!sentinels) return 'REDIS_SENTINELS: host:port of each sentinel, comma-separated';
  if (!name || !/^[\w.-]{1,64}$/.test(name))
    return 'REDIS_SENTINEL_NAME: the primary’s name in the sentinels’ configuration (sentinel monitor <name> …)';
  return {
    sentinel: {
      sentinels,
      name,
      ...(env.REDIS_PASSWORD && { password: env.REDIS_PASSWORD }),
      ...(env.REDIS_USERNAME && { username: env.REDIS_USERNAME }),
      ...(env.REDIS_SENTINEL_PASSWORD && { sentinelPassword: env.REDIS_SENTINEL_PASSWORD }),
    },
  };
}
