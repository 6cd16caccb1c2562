import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface RelayProcess {
  webhookUrl: string;
  agentUrl: string;
  /** SIGKILL, as a crash or an OOM kill would: nothing is closed cleanly. */
  kill(): Promise<void>;
}

/**
 * One relay instance in its own process (`npm run relay`'s entry point), so a test can really kill it. `env` is the
 * relay's environment (REDIS_URL, WA_*, RELAY_*); ports are chosen by the system.
 */
export async function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'index.ts')], {
    env: { ...process.env, RELAY_WEBHOOK_PORT: '0', RELAY_AGENT_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = await new Promise<{ webhook: string; agents: string }>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
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
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
