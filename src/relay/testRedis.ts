import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { freePort } from './freePort';

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
  /** Kills redis-server with SIGKILL, as a crash would. */
  kill(): Promise<void>;
  /** Starts an empty redis-server on the same port again. */
  start(): Promise<void>;
  /** Freezes redis-server (SIGSTOP), as a hung host would: connections stay open, nothing is answered. */
  pause(): void;
  /** Lets a paused redis-server run again (SIGCONT). */
  resume(): void;
}

/** A throwaway redis-server on loopback, for tests and benchmarks (Debian package `redis-server`), `extraArgs` added. */
export async function startTestRedis(extraArgs: string[] = []): Promise<TestRedis> {
  const port = await freePort();
  let child = await spawnRedis(port, extraArgs);
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: () => killRedis(child),
    kill: () => killRedis(child),
    async start() {
      child = await spawnRedis(port, extraArgs);
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
  };
}

async function killRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

async function spawnRedis(port: number, extraArgs: string[]): Promise<ChildProcess> {
  const dir = mkdtempSync(`${tmpdir()}/redis-`);
  const child: ChildProcess = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, ...extraArgs],
    { stdio: 'ignore' },
  );
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, retryStrategy: () => 50, maxRetriesPerRequest: 1 });
  probe.on('error', () => undefined);
  const started = Date.now();
  for (;;) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      if (spawnError)
        throw new Error('redis-server could not start: install it with apt-get install redis-server', {
          cause: spawnError,
        });
      if (Date.now() - started > 5000) throw new Error('redis-server did not come up within 5 s');
      probe.disconnect();
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  probe.disconnect();
  return child;
}

/**
 * Commands `redis`'s server receives per second over `ms` (MONITOR) whose arguments `counts`; a Lua script's commands
 * count as the script, once.
 */
export async function redisCommandsPerSecond(
  redis: Redis,
  ms: number,
  counts: (args: string[]) => boolean,
): Promise<number> {
  const monitor = await redis.monitor();
  let count = 0;
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    if (source !== 'lua' && counts(args)) count += 1;
  });
  await new Promise((r) => setTimeout(r, ms));
  monitor.disconnect();
  return count / (ms / 1000);
}
