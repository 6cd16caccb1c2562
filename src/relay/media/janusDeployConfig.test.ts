import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../freePort';
import { connectJanusAnchor } from './janusAnchor';
import { unguessableRoom, type JanusAccess } from './janusAccess';
import { connectAsStranger } from './testJanusStranger';
import { mediaHostAddress } from './testJanus';

/** deploy/janus as an operator runs it: the start script writes the configuration from the environment. */
const DEPLOY = resolve(__dirname, '../../../deploy/janus');
const ACCESS: JanusAccess = { apiSecret: 'deploy-test-api-secret-1', adminKey: 'deploy-test-admin-key-22' };

function render(env: Record<string, string>, out = mkdtempSync(join(tmpdir(), 'janus-deploy-'))) {
  const run = spawnSync('sh', [join(DEPLOY, 'render-config.sh'), DEPLOY, out], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    encoding: 'utf8',
  });
  return { out, status: run.status, error: run.stderr };
}

const reachable = (host: string, port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ host, port }, () => {
      socket.destroy();
      done(true);
    });
    socket.on('error', () => done(false));
  });

describe('deploy/janus start script', () => {
  it('refuses to start Janus without the secrets, or with its API on every interface, in a sentence', () => {
    const good = { RELAY_JANUS_API_SECRET: ACCESS.apiSecret, RELAY_JANUS_ADMIN_KEY: ACCESS.adminKey };
    expect(render({}).error).toMatch(/set RELAY_JANUS_API_SECRET/);
    expect(render({ ...good, RELAY_JANUS_ADMIN_KEY: 'short' }).error).toMatch(/set RELAY_JANUS_ADMIN_KEY/);
    expect(render({ ...good, RELAY_JANUS_API_SECRET: 'quote"in-the-secret-1' }).status).not.toBe(0);
    expect(render({ ...good, JANUS_WS_IP: '0.0.0.0' }).error).toMatch(/not every interface/);
    expect(render({ ...good, JANUS_WS_IP: '::' }).status).not.toBe(0);
    expect(render({ ...good, JANUS_WS_IP: '127.0.0.1;rm' }).status).not.toBe(0);
    expect(render(good).status).toBe(0);
  });
});

describe('Janus started from deploy/janus', () => {
  let janus: ChildProcess;
  let dir: string;
  let port: number;

  beforeAll(async () => {
    port = await freePort();
    const rendered = render({
      RELAY_JANUS_API_SECRET: ACCESS.apiSecret,
      RELAY_JANUS_ADMIN_KEY: ACCESS.adminKey,
      JANUS_WS_IP: '127.0.0.1',
      JANUS_WS_PORT: String(port),
    });
    expect(rendered.status, rendered.error).toBe(0);
    dir = rendered.out;
    janus = spawn('janus', ['-C', join(dir, 'janus.jcfg'), '-F', dir, '-o', '-N', '-L', join(dir, 'janus.log')], {
      stdio: 'ignore',
    });
    await vi.waitFor(async () => expect(await reachable('127.0.0.1', port)).toBe(true), { timeout: 15_000 });
  }, 30_000);

  afterAll(() => {
    janus?.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps its configuration, secrets included, readable by its own user only', () => {
    for (const file of ['janus.jcfg', 'janus.plugin.audiobridge.jcfg', 'janus.transport.websockets.jcfg'])
      expect(statSync(join(dir, file)).mode & 0o077).toBe(0);
  });

  it('listens for its API only on the address given, and answers only the relays', async () => {
    expect(await reachable(mediaHostAddress(), port)).toBe(false);
    const url = `ws://127.0.0.1:${port}`;
    const stranger = await connectAsStranger(url);
    try {
      expect((await stranger.createSession()).error?.code).toBe(403);
    } finally {
      stranger.close();
    }
    const insider = await connectAsStranger(url, { apisecret: ACCESS.apiSecret });
    try {
      const at = await insider.attachAudioBridge();
      expect((await insider.audioBridge(at, { request: 'create', room: unguessableRoom() })).error).toBeTruthy();
    } finally {
      insider.close();
    }
    const relay = await connectJanusAnchor(url, ACCESS);
    try {
      const room = await relay.openRoom(unguessableRoom());
      await relay.closeRoom(room);
    } finally {
      await relay.close();
    }
  });
});
