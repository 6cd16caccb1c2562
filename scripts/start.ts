import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { electronBinary } from '../e2e/electronBinary';
import { configFromEnv } from '../src/main/config';
import { createLogger } from '../src/main/logger';
import { hostRenderer } from './rendererHost';

/** `npm start`: the Electron app where its binary exists, otherwise the same app served to a browser. */
async function main(): Promise<void> {
  const binary = electronBinary();
  if (binary) {
    const child = spawn(binary, [join(__dirname, '..', 'out', 'main', 'index.js')], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    return;
  }
  const config = configFromEnv(process.env);
  if (!config.ok) {
    console.error('The phone needs its settings (see README.md, "Connect to WhatsApp"):');
    for (const error of config.errors) console.error(`  - ${error}`);
    console.error('To try it without a Meta account, run: npm run demo');
    process.exit(2);
  }
  const logger = createLogger({ secrets: () => [config.config.accessToken, config.config.appSecret] });
  const host = await hostRenderer(config.config, logger, Number(process.env.SOFTPHONE_UI_PORT ?? 5180));
  console.log('No Electron binary here, so the phone runs in your browser.');
  console.log(`Open ${host.url} in Chromium or Chrome.`);
  console.log(`Webhook for Meta (through your tunnel): ${host.services.webhookUrl ?? host.services.webhookError}`);
  const stop = () => void host.close().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
