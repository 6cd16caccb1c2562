import { spawn } from 'node:child_process';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { electronBinary } from './lib/electronBinary';
import { connectionSeedFromEnv, environmentFromEnv } from '../src/main/config';
import { createLogger } from '../src/whatsapp/logger';
import { hostRenderer } from '../src/main/rendererHost';

/** `npm start`: the Electron app where its binary exists, otherwise the same app served to a browser. */
async function main(): Promise<void> {
  const binary = electronBinary();
  if (binary) {
    const child = spawn(binary, [join(__dirname, '..', 'out', 'main', 'index.js')], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  const environment = environmentFromEnv(process.env);
  if (!environment.ok) {
    for (const error of environment.errors) console.error(`  - ${error}`);
    process.exit(2);
  }
  let secrets: string[] = [];
  const logger = createLogger({ secrets: () => secrets });
  const dataDir = process.env.SOFTPHONE_DATA_DIR ?? join(homedir(), '.wa-softphone');
  const host = await hostRenderer({ dataDir, environment: environment.environment, logger, port: Number(process.env.SOFTPHONE_UI_PORT ?? 5180) });
  const seed = connectionSeedFromEnv(process.env);
  if (seed) await host.services.handlers['settings:save'](seed);
  const c = host.storage.settings.connection();
  secrets = [c.accessToken, c.appSecret, c.ngrokAuthtoken];
  console.log('No Electron binary here, so the phone runs in your browser.');
  console.log(`Open ${host.url} in Chromium or Chrome. Settings are kept in ${dataDir} (secrets unencrypted outside Electron).`);
  const stop = () => void host.close().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
