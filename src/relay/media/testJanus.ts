import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { toneWav } from '../../../sim/callMediaFiles';
import { freePort } from '../freePort';
import type { JanusAccess } from './janusAccess';

/** The secrets every test Janus of this process is locked with, as one deployment's Janus instances share theirs. */
export const testJanusAccess: JanusAccess = {
  apiSecret: randomBytes(18).toString('base64url'),
  adminKey: randomBytes(18).toString('base64url'),
};

/** Debian's Janus module folder (package `janus`). */
const MODULES = ['/usr/lib/x86_64-linux-gnu/janus', '/usr/lib/aarch64-linux-gnu/janus', '/usr/lib/janus'].find((dir) =>
  existsSync(join(dir, 'plugins', 'libjanus_audiobridge.so')),
);

/** The machine's first non-loopback IPv4 address: Janus gathers no loopback candidates (janus-facts.md). */
export function mediaHostAddress(): string {
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('this machine has no non-loopback IPv4 address for Janus to use');
}

export interface TestJanus {
  /** The WebSocket address janode connects to. */
  url: string;
  /** Its API secret and AudioBridge admin key. */
  access: JanusAccess;
  /** Janus's own log, for a failing test's diagnosis. */
  logFile: string;
  /** Janus's process ID now (a restart changes it), for a benchmark reading its CPU time from /proc. */
  pid(): number | undefined;
  /** Kills Janus with SIGKILL, as a crash would. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A throwaway Janus on loopback for tests and benchmarks: only AudioBridge and the WebSocket transport, config
 * generated into a temporary folder (../shared/reference/janus-facts.md), regular ICE nomination (what RFC 5245 asks
 * toward lite peers).
 */
export async function startTestJanus(options: { reclaimSeconds?: number } = {}): Promise<TestJanus> {
  if (!MODULES) throw new Error('Janus was not found: install it with apt-get install janus');
  const dir = mkdtempSync(join(tmpdir(), 'janus-'));
  for (const sub of ['plugins', 'transports', 'conf']) mkdirSync(join(dir, sub));
  symlinkSync(join(MODULES, 'plugins', 'libjanus_audiobridge.so'), join(dir, 'plugins', 'libjanus_audiobridge.so'));
  symlinkSync(join(MODULES, 'transports', 'libjanus_websockets.so'), join(dir, 'transports', 'libjanus_websockets.so'));
  const port = await freePort();
  const rtpBase = 20_000 + Math.floor(Math.random() * 20_000);
  writeFileSync(
    join(dir, 'conf', 'janus.jcfg'),
    `general: {
  configs_folder = "${join(dir, 'conf')}"
  plugins_folder = "${join(dir, 'plugins')}"
  transports_folder = "${join(dir, 'transports')}"
  events_folder = "${join(dir, 'events')}"
  loggers_folder = "${join(dir, 'loggers')}"
  debug_level = ${process.env.JANUS_DEBUG_LEVEL ?? 3}
  # Locked as deploy/janus is: every request needs the API secret; there is no Admin API.
  api_secret = "${testJanusAccess.apiSecret}"
  # A relay instance that dies leaves its sessions; another claims them within this (janusSessionKeeper.ts).
  reclaim_session_timeout = ${options.reclaimSeconds ?? 10}
}
media: {
  rtp_port_range = "${rtpBase}-${rtpBase + 400}"
}
nat: {
  ice_nomination = "regular"
  nice_debug = false
}
`,
  );
  writeFileSync(
    join(dir, 'conf', 'janus.plugin.audiobridge.jcfg'),
    `general: {\n  admin_key = "${testJanusAccess.adminKey}"\n  lock_rtp_forward = true\n}\n`,
  );
  writeFileSync(
    join(dir, 'conf', 'janus.transport.websockets.jcfg'),
    `general: {
  json = "indented"
  ws = true
  ws_ip = "127.0.0.1"
  ws_port = ${port}
  wss = false
}
admin: {
  admin_ws = false
}
`,
  );
  const spawnJanus = async (): Promise<ChildProcess> => {
    const child = spawn(
      'janus',
      ['-C', join(dir, 'conf', 'janus.jcfg'), '-F', join(dir, 'conf'), '-o', '-N', '-L', join(dir, 'janus.log')],
      { stdio: 'ignore' },
    );
    let spawnError: Error | undefined;
    child.on('error', (error) => (spawnError = error));
    const started = Date.now();
    for (;;) {
      const up = await new Promise<boolean>((resolve) => {
        const socket = createConnection({ host: '127.0.0.1', port }, () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      });
      if (up) return child;
      if (spawnError)
        throw new Error('Janus could not start: install it with apt-get install janus', { cause: spawnError });
      if (child.exitCode !== null) throw new Error(`Janus exited with code ${child.exitCode}; see ${dir}/janus.log`);
      if (Date.now() - started > 15_000) throw new Error('Janus did not come up within 15 s');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = async (janus: ChildProcess) => {
    if (janus.exitCode !== null || janus.signalCode !== null) return;
    janus.kill('SIGKILL');
    await new Promise((r) => janus.once('exit', r));
  };
  let child = await spawnJanus();
  return {
    url: `ws://127.0.0.1:${port}`,
    access: testJanusAccess,
    logFile: join(dir, 'janus.log'),
    pid: () => child.pid,
    kill: () => kill(child),
    async start() {
      child = await spawnJanus();
    },
    async stop() {
      await kill(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Hold music for tests: a steady tone as the Ogg Opus file Janus's AudioBridge plays (`play_file`), made with opusenc
 * (Debian package `opus-tools`), as an operator would make theirs.
 */
export function holdMusicFile(hz: number, seconds = 4): string {
  const dir = mkdtempSync(join(tmpdir(), 'hold-music-'));
  writeFileSync(join(dir, 'tone.wav'), toneWav(seconds, hz, 48_000, 12_000));
  try {
    execFileSync('opusenc', ['--quiet', join(dir, 'tone.wav'), join(dir, 'hold.opus')]);
  } catch (error) {
    throw new Error('opusenc was not found: install it with apt-get install opus-tools', { cause: error });
  }
  return join(dir, 'hold.opus');
}
