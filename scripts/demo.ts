import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createLogger } from '../src/main/logger';
import { startWhatsAppSim } from '../sim/whatsappSim';
import { hostRenderer } from './rendererHost';

const SECRETS = {
  accessToken: 'EAAGdemoAccessTokenForTheSimulator01',
  appSecret: 'demo-app-secret',
  verifyToken: 'demo-verify-token',
  phoneNumberId: '100000000000001',
};

/** `npm run demo`: the phone plus the WhatsApp simulator calling it; no Meta account needed. */
async function main(): Promise<void> {
  const sim = await startWhatsAppSim({ ...SECRETS });
  const logger = createLogger({ secrets: () => [SECRETS.accessToken, SECRETS.appSecret] });
  const host = await hostRenderer(
    {
      ...SECRETS,
      webhookPort: 0,
      webhookHost: '127.0.0.1',
      graphBaseUrl: sim.graphBaseUrl,
      graphApiVersion: 'v23.0',
      iceServers: [],
    },
    logger,
    Number(process.env.SOFTPHONE_UI_PORT ?? 5180),
  );
  sim.setWebhookUrl(host.services.webhookUrl!);
  console.log(`\nThe phone is at ${host.url}`);
  const chromium = ['/usr/bin/chromium', '/usr/bin/google-chrome'].find((p) => existsSync(p));
  if (chromium && process.env.DISPLAY) {
    spawn(chromium, [`--app=${host.url}`, '--autoplay-policy=no-user-gesture-required'], { stdio: 'ignore', detached: true }).unref();
  } else {
    console.log('Open that address in Chromium or Chrome (allow the microphone).');
  }
  console.log('Press Enter to place a call from a simulated WhatsApp user, "h" + Enter to make the caller hang up, Ctrl+C to stop.\n');
  let last: string | undefined;
  const place = async () => {
    const call = await sim.placeCall({ name: 'Demo Caller' });
    last = call.callId;
    console.log(`Calling… (${call.callId.slice(0, 24)}…) the caller plays a 440 Hz tone and records what you say.`);
  };
  setTimeout(() => void place(), 3000);
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line.trim() === 'h' && last) void sim.hangUp(last).then(() => console.log('The caller hung up.'));
    else void place();
  });
  const stop = () => void Promise.all([host.close(), sim.close()]).finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
