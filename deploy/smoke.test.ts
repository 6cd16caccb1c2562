import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Processes still running whose command line or environment names this folder (every piece the smoke starts). */
function processesWith(folder: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmdline.includes(folder) || readFileSync(`/proc/${pid}/environ`, 'utf8').includes(folder))
        found.push(`${pid} ${cmdline}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/** Runs deploy/smoke.ts as an operator does, in a temporary folder of its own; what it said, and what it left. */
async function runSmoke(env: Record<string, string> = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'smoke-run-'));
  chmodSync(tmp, 0o755);
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'smoke.ts')], {
    env: { ...process.env, ...env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stillRunning = processesWith(tmp);
  // tsx keeps its compile cache there too (tsx-<uid>); everything else is the smoke's.
  const leftInTmp = readdirSync(tmp).filter((name) => !name.startsWith('tsx-'));
  return { code, out: out.trim(), leftInTmp, stillRunning };
}

describe('deploy/smoke.ts', () => {
  it('brings up Redis, PostgreSQL, Janus, two relays and Caddy with deploy/Caddyfile, puts calls through, and tears down', async () => {
    const run = await runSmoke();
    expect(run.out).toMatch(/^Smoke test passed in [\d.]+ s: Redis, PostgreSQL, Janus, two relay instances and Caddy /);
    expect(run.out).toMatch(
      /one anchored on Janus \(heard both ways\).* are kept in PostgreSQL \(wacid\.\S+, wacid\.\S+\)\.$/,
    );
    expect(run.code).toBe(0);
    expect(run.leftInTmp).toEqual([]);
    expect(run.stillRunning).toEqual([]);
  }, 120_000);

  it('fails in one sentence when the Caddyfile sends webhooks to the wrong upstream, and still tears down', async () => {
    const broken = join(mkdtempSync(join(tmpdir(), 'caddyfile-')), 'Caddyfile');
    const caddyfile = readFileSync(join(__dirname, 'Caddyfile'), 'utf8');
    const wrongUpstream = caddyfile.replace('{$RELAY_WEBHOOK_UPSTREAMS:', '{$RELAY_AGENT_UPSTREAMS:');
    expect(wrongUpstream).not.toBe(caddyfile);
    writeFileSync(broken, wrongUpstream);
    const run = await runSmoke({ SMOKE_CADDYFILE: broken });
    expect(run.out).toBe(
      "Smoke test failed: WhatsApp's call webhook did not get through Caddy's /webhook: the app answered the connect webhook with HTTP 426.",
    );
    expect(run.code).toBe(1);
    expect(run.leftInTmp).toEqual([]);
    expect(run.stillRunning).toEqual([]);
  }, 120_000);
});
