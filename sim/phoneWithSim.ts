import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger, type Logger } from '../src/whatsapp/logger';
import type { TunnelProvider } from '../src/whatsapp/tunnel';
import { prepareDesk } from '../src/main/deskStartup';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { startWhatsAppSim, type WhatsAppSim } from './whatsappSim';

export const SIM_SECRETS = {
  accessToken: 'EAAGsimulatedAccessToken0123456789',
  appSecret: '0123456789abcdef0123456789abcdef',
  verifyToken: 'sim-verify-token',
  phoneNumberId: '518638374672395',
};

/** A public https address for the simulated desk, as an operator would give Meta (never dialled here). */
export const SIM_PUBLIC_URL = 'https://desk.sim.invalid';

export interface PhoneWithSimOptions {
  logger?: Logger;
  uiPort?: number;
  /** Keeps settings and history here; a fresh temporary folder otherwise. */
  dataDir?: string;
  tunnels?: TunnelProvider;
  /** Leave the phone unconfigured, as on first run. */
  unconfigured?: boolean;
  /** Fixed webhook port instead of a free one. */
  webhookPort?: number;
  mediaTimeoutMs?: number;
  /** More environment variables for the desk, e.g. WA_POLICY_FILE for an administrator's policy. */
  env?: Record<string, string>;
}

/** The phone in the browser host, configured against the WhatsApp simulator: for e2e tests, the demo and benchmarks. */
export async function startPhoneWithSim(options: PhoneWithSimOptions = {}) {
  const sim = await startWhatsAppSim({ ...SIM_SECRETS });
  const desk = await startDeskForSim(sim.graphBaseUrl, options);
  if (!options.unconfigured) await deliverSimTo(sim, desk.webhookUrl!);
  return {
    sim,
    host: desk.host,
    dataDir: desk.dataDir,
    logger: desk.logger,
    async close(removeData = options.dataDir === undefined): Promise<void> {
      await desk.close(removeData);
      await sim.close();
    },
  };
}

/** Gives the simulated Meta the desk's webhook address, and has it verify the address as Meta's dashboard does. */
export async function deliverSimTo(sim: WhatsAppSim, webhookUrl: string): Promise<void> {
  sim.setWebhookUrl(webhookUrl);
  if (!(await sim.verifyWebhook(SIM_SECRETS.verifyToken))) throw new Error('the simulated Meta could not verify');
}

/**
 * The desk alone, configured with the simulator's secrets and talking to its Graph API at `graphBaseUrl` (which
 * may live in another process); the simulator must still be told `webhookUrl`.
 */
export async function startDeskForSim(graphBaseUrl: string, options: PhoneWithSimOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'softphone-'));
  const logger =
    options.logger ?? createMemoryLogger({ secrets: () => [SIM_SECRETS.accessToken, SIM_SECRETS.appSecret] });
  const desk = prepareDesk({
    dataDir,
    cipher: plainCipher,
    logger,
    env: {
      WA_GRAPH_BASE_URL: graphBaseUrl,
      WA_WEBHOOK_PORT: String(options.webhookPort ?? 0),
      WA_MEDIA_TIMEOUT_MS: String(options.mediaTimeoutMs ?? 10_000),
      // Never this computer's own policy (/etc/wa-softphone): a test says which one it means.
      WA_POLICY_FILE: join(dataDir, 'no-policy.json'),
      ...options.env,
    },
  });
  const host = await hostRenderer({ desk, port: options.uiPort, tunnels: options.tunnels });
  if (!options.unconfigured) {
    const saved = await host.services.handlers['settings:save']({
      ...SIM_SECRETS,
      webhookPort: 8787,
      // The address Meta would be given; the simulator itself delivers to the local server behind it.
      tunnel: 'public_url',
      publicUrl: SIM_PUBLIC_URL,
      ngrokAuthtoken: '',
    });
    if (!saved.ok) throw new Error(`simulator settings refused: ${JSON.stringify(saved.errors)}`);
  }
  return {
    host,
    dataDir,
    logger,
    webhookUrl: host.services.webhookUrl,
    async close(removeData = options.dataDir === undefined): Promise<void> {
      await host.close();
      if (removeData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type PhoneWithSim = Awaited<ReturnType<typeof startPhoneWithSim>>;
