import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './freePort';

export interface TestPostgres {
  url: string;
  /** Kills the server with SIGKILL, as a crash would; the data folder stays. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Debian's PostgreSQL binaries (package `postgresql`), newest version first. */
function pgBin(name: string): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', name))) return join(root, v, 'bin', name);
  throw new Error(`PostgreSQL's ${name} was not found: install it with apt-get install postgresql`);
}

/** PostgreSQL refuses to run as root: as root, the cluster belongs to Debian's `postgres` user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** A throwaway PostgreSQL cluster on loopback in a temporary folder, for tests and benchmarks. */
export async function startTestPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(`${tmpdir()}/pg-`);
  const data = join(dir, 'data');
  const user = runAs();
  if (user) chownSync(dir, user.uid, user.gid);
  execFileSync(pgBin('initdb'), ['-D', data, '-U', 'relay', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    stdio: 'ignore',
    ...user,
  });
  const port = await freePort();
  const url = `postgres://relay@127.0.0.1:${port}/postgres`;
  let child = await spawnPostgres(data, dir, port, url, user);
  return {
    url,
    kill: () => killPostgres(child),
    async start() {
      child = await spawnPostgres(data, dir, port, url, user);
    },
    async stop() {
      await killPostgres(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function killPostgres(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

async function spawnPostgres(
  data: string,
  socketDir: string,
  port: number,
  url: string,
  user?: { uid: number; gid: number },
): Promise<ChildProcess> {
  // Killed with SIGKILL, the postmaster leaves its children; the old pid file and shared memory go with them.
  const child = spawn(
    pgBin('postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      socketDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
    ],
    { stdio: 'ignore', ...user },
  );
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  const started = Date.now();
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 500 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query('SELECT 1');
      await client.end();
      return child;
    } catch {
      await client.end().catch(() => undefined);
      if (spawnError) throw new Error('PostgreSQL could not start', { cause: spawnError });
      if (child.exitCode !== null) throw new Error(`PostgreSQL exited with code ${child.exitCode}`);
      if (Date.now() - started > 15_000) throw new Error('PostgreSQL did not come up within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
