import AxeBuilder from '@axe-core/playwright';
import { LANGUAGES } from '../src/renderer/src/i18n';
import { expect, test } from '@playwright/test';
import { SIM_SECRETS as TEST_SECRETS, startPhoneWithSim } from '../sim/phoneWithSim';

test('a new user opens the phone: one welcome, a simulated call to try and Meta’s setup steps, in their language', async ({
  browser,
}) => {
  const phone = await startPhoneWithSim({ unconfigured: true });
  try {
    for (const { tag, catalog } of LANGUAGES) {
      const context = await browser.newContext({ locale: tag });
      const page = await context.newPage();
      const failed: string[] = [];
      page.on('response', (response) => {
        if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      await page.goto(phone.host.url);
      await expect(page.locator('html')).toHaveAttribute('lang', tag);

      const welcome = page.getByTestId('welcome');
      await expect(welcome.getByRole('heading', { level: 2 })).toHaveText(catalog.welcome.title);
      await expect(page.getByText(/welcome|bienvenid|boas-vindas|स्वागत|مرحب/i)).toHaveCount(1);
      await expect(welcome.getByRole('heading', { name: catalog.welcome.tryTitle })).toBeVisible();
      await expect(page.getByTestId('welcome-try').locator('code')).toHaveText('npm run demo');
      await expect(page.getByTestId('welcome-steps').getByRole('listitem')).toHaveText([
        catalog.welcome.step1,
        catalog.welcome.step2,
        catalog.welcome.step3,
        catalog.welcome.step4,
        catalog.welcome.step5,
      ]);
      // "Not connected" once, on the status line, and no button to open the screen already open.
      await expect(page.getByText(catalog.readiness.notConfigured)).toHaveCount(1);
      await expect(page.getByRole('alert')).toHaveCount(0);
      await expect(page.getByTestId('fix-settings')).toHaveCount(0);

      // The browser host serves the page's icon.
      const icon = await page.locator('link[rel="icon"]').getAttribute('href');
      const reply = await page.request.get(new URL(icon!, page.url()).href);
      expect(reply.status()).toBe(200);
      expect(reply.headers()['content-type']).toBe('image/svg+xml');
      expect(failed).toEqual([]);

      const axe = await new AxeBuilder({ page }).analyze();
      const bad = axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${tag}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(bad, bad.join('\n')).toEqual([]);
      await context.close();
    }
  } finally {
    await phone.close();
  }
});

test('a new user reaches Audio and Desk before connecting, and sets the language there', async ({ page }) => {
  const phone = await startPhoneWithSim({ unconfigured: true });
  try {
    await page.goto(phone.host.url);
    await expect(page.getByTestId('welcome')).toBeVisible();
    await page.getByTestId('settings-section-audio').click();
    await expect(page.getByTestId('devices-panel')).toBeVisible();
    await expect(page.getByTestId('settings-section-audio')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByTestId('connection-settings')).toHaveCount(0);
    await page.getByTestId('settings-section-desk').click();
    await page.getByTestId('language').selectOption('es');
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    await expect(page.getByTestId('settings-section-desk')).toHaveText('Puesto');
    await expect(page.getByTestId('settings-section-desk')).toHaveAttribute('aria-current', 'page');
    // Back on Connection, the welcome is still there for connecting.
    await page.getByTestId('settings-section-connection').click();
    await expect(page.getByTestId('welcome')).toBeVisible();
  } finally {
    await phone.close();
  }
});

test('the welcome names the four webhook fields and says the callback URL comes after saving; Meta is told it needs https', async ({
  browser,
}) => {
  const phone = await startPhoneWithSim({ unconfigured: true });
  try {
    for (const { tag } of LANGUAGES) {
      const context = await browser.newContext({ locale: tag });
      const page = await context.newPage();
      await page.goto(phone.host.url);
      const step4 = page.getByTestId('welcome-steps').getByRole('listitem').nth(3);
      for (const field of ['calls', 'messages', 'account_update', 'account_settings_update']) {
        await expect(step4, `${tag}: ${field}`).toContainText(field);
      }
      await context.close();
    }
    const page = await browser.newPage();
    await page.goto(phone.host.url);
    // Before Save there is no callback URL to paste: step 4 says where it will be.
    await expect(page.getByTestId('callback-url')).toHaveCount(0);
    await expect(page.getByTestId('welcome-steps').getByRole('listitem').nth(3)).toContainText(
      'After “Save connection”',
    );
    await page.getByTestId('setting-accessToken').fill(TEST_SECRETS.accessToken);
    await page.getByTestId('setting-phoneNumberId').fill(TEST_SECRETS.phoneNumberId);
    await page.getByTestId('setting-appSecret').fill(TEST_SECRETS.appSecret);
    await page.getByTestId('setting-verifyToken').fill(TEST_SECRETS.verifyToken);
    await page.getByTestId('setting-webhookPort').fill('8787');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('settings-saved')).toBeVisible();
    // "My own tunnel or proxy": the local http address is no callback URL Meta can use, and the page says so.
    await expect(page.getByTestId('callback-url')).not.toContainText('http://');
    await expect(page.getByTestId('tunnel-state')).toContainText('Meta accepts only an https address');
    await expect(page.getByTestId('tunnel-state')).toContainText('http://127.0.0.1:');
  } finally {
    await phone.close();
  }
});
