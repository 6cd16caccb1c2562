import { createLogger } from '../src/whatsapp/logger';
import { startDeskForSim } from '../sim/phoneWithSim';

/**
 * The desk in a process of its own, against the simulator's Graph API at argv[2]: WhatsApp's side (the simulated
 * Meta and the caller's libwebrtc) then never runs on the desk's event loop, as over the internet.
 */
async function main(): Promise<void> {
  const desk = await startDeskForSim(process.argv[2]!, { logger: createLogger({ level: 'warn' }) });
  process.on('message', () => void desk.close().then(() => process.exit(0)));
  process.send?.({ url: desk.host.url, webhookUrl: desk.webhookUrl });
}

void main();
