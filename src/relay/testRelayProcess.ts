import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { RelayOptions } from './relayServer';

export interface RelayProcess {
  webhookUrl: string;
  agentUrl: string;
  /** The relay's process ID, for a benchmark reading its CPU time and memory from /proc. */
  pid: number;
  /** The relay's log so far, one JSON record per line, as it printed them. */
  logLines: string[];
  /** SIGKILL, as a crash or an OOM kill would: nothing is closed cleanly. */
  kill(): Promise<void>;
  /** SIGTERM, as a rolling restart would: the relay closes itself cleanly, then exits. */
  stop(): Promise<void>;
}

/**
 * One relay instance in its own process (`npm run relay`'s entry point), so a test can really kill it. It takes the
 * options an in-process `startRelay` would, turned into the relay's environment; ports are chosen by the system.
 */
export async function startRelayProcess(
  options: Pick<
    RelayOptions,
    | 'accessToken'
    | 'phoneNumberId'
    | 'appSecret'
    | 'verifyToken'
    | 'agentSecret'
    | 'redisUrl'
    | 'redisSentinel'
    | 'graphBaseUrl'
    | 'prefix'
    | 'queues'
    | 'janusUrls'
    | 'janusAccess'
    | 'host'
    | 'webhookPort'
    | 'agentPort'
    | 'trustedProxies'
    | 'routing'
    | 'databaseUrl'
    | 'colleagueRingSeconds'
    | 'janusHoldMusic'
  >,
): Promise<RelayProcess> {
  const env: Record<string, string> = {
    WA_ACCESS_TOKEN: options.accessToken,
    WA_PHONE_NUMBER_ID: options.phoneNumberId,
    WA_APP_SECRET: options.appSecret,
    WA_VERIFY_TOKEN: options.verifyToken,
    RELAY_AGENT_SECRET: options.agentSecret,
    RELAY_WEBHOOK_PORT: String(options.webhookPort ?? 0),
    RELAY_AGENT_PORT: String(options.agentPort ?? 0),
  };
  if (options.host) env.RELAY_HOST = options.host;
  if (options.routing) env.RELAY_ROUTING = options.routing;
  if (options.databaseUrl) env.RELAY_DATABASE_URL = options.databaseUrl;
  if (options.colleagueRingSeconds) env.RELAY_COLLEAGUE_RING_SECONDS = String(options.colleagueRingSeconds);
  if (options.janusHoldMusic) env.RELAY_JANUS_HOLD_MUSIC = options.janusHoldMusic;
  if (options.trustedProxies) env.RELAY_TRUSTED_PROXIES = options.trustedProxies.join(',');
  if (options.redisUrl) env.REDIS_URL = options.redisUrl;
  const sentinel = options.redisSentinel;
  if (sentinel) {
    env.REDIS_SENTINELS = sentinel.sentinels.map((s) => `${s.host}:${s.port}`).join(',');
    env.REDIS_SENTINEL_NAME = sentinel.name;
    if (sentinel.password) env.REDIS_PASSWORD = sentinel.password;
    if (sentinel.sentinelPassword) env.REDIS_SENTINEL_PASSWORD = sentinel.sentinelPassword;
  }
  if (options.graphBaseUrl) env.WA_GRAPH_BASE_URL = options.graphBaseUrl;
  if (options.prefix) env.RELAY_PREFIX = options.prefix;
  if (options.janusUrls) env.RELAY_JANUS_URLS = options.janusUrls.join(',');
  if (options.janusAccess) {
    env.RELAY_JANUS_API_SECRET = options.janusAccess.apiSecret;
    env.RELAY_JANUS_ADMIN_KEY = options.janusAccess.adminKey;
  }
  if (options.queues) {
    env.RELAY_QUEUES_FILE = join(mkdtempSync(join(tmpdir(), 'relay-queues-')), 'queues.json');
    writeFileSync(env.RELAY_QUEUES_FILE, JSON.stringify(options.queues));
  }
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'index.ts')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // RELAY_TEST_LOG=1 shows the relay's own log lines, for a failing test.
  if (process.env.RELAY_TEST_LOG) child.stdout!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const logLines: string[] = [];
  const ready = await new Promise<{ webhook: string; agents: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      logLines.push(line);
      let record: { msg?: string; webhook?: string; agents?: string };
      try {
        record = JSON.parse(line) as typeof record;
      } catch {
        return;
      }
      if (record.msg === 'relay ready') resolve({ webhook: record.webhook!, agents: record.agents! });
    });
    child.once('exit', (code) => reject(new Error(`relay process exited with ${code}`)));
  });
  return {
    webhookUrl: ready.webhook,
    agentUrl: ready.agents,
    pid: child.pid!,
    logLines,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
