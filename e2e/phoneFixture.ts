import { test as base, expect, type Page } from '@playwright/test';
import { join } from 'node:path';
import { startBrowserHost, type BrowserHost } from '../src/main/browserHost';
import type { AppConfig } from '../src/main/config';
import { createMemoryLogger } from '../src/main/logger';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';

export const TEST_SECRETS = {
  accessToken: 'EAAGsimulatedAccessToken0123456789',
  appSecret: 'sim-app-secret-0123',
  verifyToken: 'sim-verify-token',
  phoneNumberId: '518638374672395',
};

export interface Phone {
  page: Page;
  sim: WhatsAppSim;
  host: BrowserHost;
  logs: ReturnType<typeof createMemoryLogger>['records'];
}

export async function startPhone(page: Page): Promise<Phone> {
  const sim = await startWhatsAppSim({ ...TEST_SECRETS });
  const config: AppConfig = {
    ...TEST_SECRETS,
    webhookPort: 0,
    webhookHost: '127.0.0.1',
    graphBaseUrl: sim.graphBaseUrl,
    graphApiVersion: 'v23.0',
    iceServers: [],
  };
  const logger = createMemoryLogger({ secrets: () => [TEST_SECRETS.accessToken, TEST_SECRETS.appSecret] });
  const host = await startBrowserHost({ config, logger, rendererDir: join(__dirname, '..', 'out', 'renderer') });
  if (!host.services.webhookUrl) throw new Error('webhook server did not start');
  sim.setWebhookUrl(host.services.webhookUrl);
  await page.goto(host.url);
  await expect(page.getByTestId('idle')).toBeVisible();
  return { page, sim, host, logs: logger.records };
}

export const test = base.extend<{ phone: Phone }>({
  phone: async ({ page }, use) => {
    const phone = await startPhone(page);
    await use(phone);
    await phone.host.close();
    await phone.sim.close();
  },
});

export { expect };

/** Reads the renderer's live media figures from the in-call screen. */
export async function mediaFigures(page: Page) {
  const el = page.getByTestId('media-state');
  return {
    connection: await el.getAttribute('data-connection'),
    energy: Number(await el.getAttribute('data-energy')),
    packetsReceived: Number(await el.getAttribute('data-packets-received')),
    packetsSent: Number(await el.getAttribute('data-packets-sent')),
  };
}
