import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './freePort';
import type { RedisSentinelTarget } from './redisConnection';

const NAME = 'team';
const PASSWORD = 'data-nodes-password-0123';
const SENTINEL_PASSWORD = 'sentinels-password-0123';

export interface TestRedisSentinel {
  /** What the relay is given (RelayOptions.redisSentinel). */
  target: RedisSentinelTarget;
  /** The port the sentinels name as the primary now. */
  primaryPort(): Promise<number>;
  /** SIGKILLs the primary, as a crash would, and waits until the sentinels have promoted the replica. */
  killPrimary(): Promise<{ failoverMs: number }>;
  stop(): Promise<void>;
}

/**
 * A primary, its replica and three sentinels (Debian packages `redis-server` and `redis-sentinel`) on loopback, each
 * in its own temp folder, with passwords on the data nodes and on the sentinels. Resolves once the sentinels know
 * each other and the replica is in sync, so a failover can happen.
 */
export async function startTestRedisSentinel(): Promise<TestRedisSentinel> {
  if (spawnSync('redis-sentinel', ['--version']).error)
    throw new Error('redis-sentinel is missing: install it with apt-get install redis-sentinel');
  const children: ChildProcess[] = [];
  const [primary, replica, ...sentinelPorts] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const dataNode = (port: number, extra: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'redis-node-'));
    const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no'];
    const child = spawn('redis-server', [...args, '--requirepass', PASSWORD, '--masterauth', PASSWORD, ...extra], {
      stdio: 'ignore',
    });
    children.push(child);
    return child;
  };
  const nodes = new Map<number, ChildProcess>([
    [primary!, dataNode(primary!, [])],
    [replica!, dataNode(replica!, ['--replicaof', '127.0.0.1', String(primary)])],
  ]);
  await waitFor(async () => (await info(replica!, PASSWORD, 'replication')).includes('master_link_status:up'));
  for (const port of sentinelPorts) {
    const dir = mkdtempSync(join(tmpdir(), 'redis-sentinel-'));
    const conf = join(dir, 'sentinel.conf');
    // Sentinel rewrites its own file as it learns the others, so it gets a writable one of its own.
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `requirepass ${SENTINEL_PASSWORD}`,
        `sentinel monitor ${NAME} 127.0.0.1 ${primary} 2`,
        `sentinel auth-pass ${NAME} ${PASSWORD}`,
        `sentinel down-after-milliseconds ${NAME} 1000`,
        `sentinel failover-timeout ${NAME} 10000`,
        `sentinel parallel-syncs ${NAME} 1`,
        '',
      ].join('\n'),
    );
    children.push(spawn('redis-sentinel', [conf], { stdio: 'ignore' }));
  }
  const askSentinel = async (port: number, ...args: string[]) => {
    const client = new Redis({ port, host: '127.0.0.1', password: SENTINEL_PASSWORD, lazyConnect: true });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await client.call('SENTINEL', ...args);
    } finally {
      client.disconnect();
    }
  };
  const fields = (reply: unknown) => {
    const list = reply as string[];
    return new Map(list.flatMap((v, i) => (i % 2 === 0 ? [[v, list[i + 1]!] as const] : [])));
  };
  // Every sentinel knows the other two and the replica: only then can they agree on a failover.
  await waitFor(async () => {
    for (const port of sentinelPorts) {
      const master = fields(await askSentinel(port, 'MASTER', NAME));
      if (master.get('num-other-sentinels') !== '2' || master.get('num-slaves') !== '1') return false;
    }
    return true;
  }, 20_000);
  const primaryPort = async () => {
    for (const port of sentinelPorts) {
      try {
        const [, at] = (await askSentinel(port, 'GET-MASTER-ADDR-BY-NAME', NAME)) as [string, string];
        return Number(at);
      } catch {
        // that sentinel is unreachable: ask the next
      }
    }
    throw new Error('no sentinel answers');
  };
  return {
    target: {
      sentinels: sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
      name: NAME,
      password: PASSWORD,
      sentinelPassword: SENTINEL_PASSWORD,
    },
    primaryPort,
    async killPrimary() {
      const before = await primaryPort();
      // The replica has every write made so far (it does within milliseconds on a healthy link): a write and WAIT
      // on one connection covers everything before it in the replication stream.
      const writer = new Redis({ port: before, host: '127.0.0.1', password: PASSWORD });
      try {
        await writer.set('test:before-crash', String(Date.now()));
        if ((await writer.wait(1, 5000)) < 1) throw new Error('the replica did not catch up within 5 s');
      } finally {
        writer.disconnect();
      }
      const started = Date.now();
      await kill(nodes.get(before)!);
      await waitFor(async () => (await primaryPort()) !== before, 30_000);
      const now = await primaryPort();
      await waitFor(async () => (await info(now, PASSWORD, 'replication')).includes('role:master'));
      return { failoverMs: Date.now() - started };
    },
    async stop() {
      await Promise.all(children.map(kill));
    },
  };
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

async function info(port: number, password: string, section: string): Promise<string> {
  const client = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.info(section);
  } catch {
    return '';
  } finally {
    client.disconnect();
  }
}

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`Redis Sentinel test setup: not ready within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
