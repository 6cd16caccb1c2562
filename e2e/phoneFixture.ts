import { test as base, expect, type Page } from '@playwright/test';
import { createMemoryLogger, type LogRecord } from '../src/whatsapp/logger';
import { SIM_SECRETS, startPhoneWithSim, type PhoneWithSim, type PhoneWithSimOptions } from '../sim/phoneWithSim';

export const TEST_SECRETS = SIM_SECRETS;

export interface Phone extends PhoneWithSim {
  page: Page;
  logs: LogRecord[];
}

export async function openPhone(page: Page, options: PhoneWithSimOptions = {}): Promise<Phone> {
  const logger = createMemoryLogger({ secrets: () => [SIM_SECRETS.accessToken, SIM_SECRETS.appSecret] });
  const phone = await startPhoneWithSim({ logger, ...options });
  await page.goto(phone.host.url);
  if (!options.unconfigured) await expect(page.getByTestId('idle')).toBeVisible();
  return { ...phone, page, logs: logger.records };
}

export const test = base.extend<{ phone: Phone }>({
  phone: async ({ page }, use) => {
    const phone = await openPhone(page);
    await use(phone);
    await phone.close();
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
