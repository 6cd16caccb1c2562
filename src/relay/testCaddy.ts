import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './freePort';

export interface TestCaddy {
  /** Meta's side: where webhooks are delivered (http://127.0.0.1:port). */
  webhookUrl: string;
  /** The desks' side: the relay address desks are given (ws://127.0.0.1:port/). */
  deskUrl: string;
  stop(): Promise<void>;
}

/**
 * Debian's `caddy` running deploy/Caddyfile itself, with loopback HTTP sites in place of the public names and these
 * relay instances as upstreams (each on its own loopback address, the same ports on each, as in compose.yaml).
 */
export async function startTestCaddy(relays: { hosts: string[]; webhookPort: number; agentPort: number }) {
  if (spawnSync('caddy', ['version']).error) throw new Error('caddy is missing: install it with apt-get install caddy');
  // A port chosen free can be taken by another program before Caddy binds it (a busy machine): try again, with new ones.
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const caddy = await launch(relays);
    try {
      await caddy.ready();
      return caddy;
    } catch (error) {
      await caddy.stop();
      lastError = error as Error;
    }
  }
  throw lastError!;
}

async function launch(relays: { hosts: string[]; webhookPort: number; agentPort: number }) {
  const [webhookPort, deskPort] = [await freePort(), await freePort()];
  const home = mkdtempSync(join(tmpdir(), 'caddy-'));
  const upstreams = (port: number) => relays.hosts.map((host) => `${host}:${port}`).join(' ');
  const child: ChildProcess = spawn(
    'caddy',
    ['run', '--config', resolve(__dirname, '../../deploy/Caddyfile'), '--adapter', 'caddyfile'],
    {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        XDG_DATA_HOME: join(home, 'data'),
        XDG_CONFIG_HOME: join(home, 'config'),
        CADDY_ADMIN: 'off',
        WEBHOOK_SITE: `http://127.0.0.1:${webhookPort}`,
        DESK_SITE: `http://127.0.0.1:${deskPort}`,
        RELAY_WEBHOOK_UPSTREAMS: upstreams(relays.webhookPort),
        RELAY_AGENT_UPSTREAMS: upstreams(relays.agentPort),
        RELAY_AGENT_PORT: String(relays.agentPort),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  // Caddy's own words on why it stopped, for the error; CADDY_LOG=1 shows them all.
  let said = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    if (process.env.CADDY_LOG) process.stderr.write(chunk);
    said = (said + chunk.toString()).slice(-1500);
  });
  return {
    webhookUrl: `http://127.0.0.1:${webhookPort}`,
    deskUrl: `ws://127.0.0.1:${deskPort}/`,
    /** Resolves once both instances answer through Caddy. */
    async ready(): Promise<void> {
      const started = Date.now();
      for (let upInARow = 0; upInARow < 4;) {
        if (child.exitCode !== null) throw new Error(`caddy exited with ${child.exitCode}: ${said}`);
        if (Date.now() - started > 15_000) throw new Error('caddy did not come up within 15 s');
        const ok = await fetch(`http://127.0.0.1:${deskPort}/readyz`).then(
          (r) => r.ok,
          () => false,
        );
        upInARow = ok ? upInARow + 1 : 0;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
