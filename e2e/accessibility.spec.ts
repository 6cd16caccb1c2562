import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './phoneFixture';

/** Runs axe-core on the page as it stands and fails on any serious or critical violation. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const width = page.viewportSize()?.width ?? 0;
  await page.screenshot({ path: `test-results/screens/${screen.replace(/ /g, '-')}-${width}.png`, fullPage: true });
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

for (const width of [380, 1440]) {
  test(`every screen passes axe-core with no serious or critical violation at ${width} px`, async ({ phone }) => {
    const { page, sim } = phone;
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page, 'idle');
    const call = await sim.placeCall({ name: 'Axe Customer' });
    await expect(page.getByTestId('incoming-call')).toBeVisible();
    // Checked once Answer is live: a disabled button is exempt from contrast rules.
    await expect(page.getByTestId('answer')).toBeEnabled();
    await expectAccessible(page, 'ringing');
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expectAccessible(page, 'in call');
    await page.getByTestId('mute').click();
    await expectAccessible(page, 'muted');
    await page.getByTestId('keypad-toggle').click();
    await expectAccessible(page, 'keypad');
    await page.getByTestId('hangup').click();
    await expect(page.getByTestId('call-ended')).toBeVisible();
    await expectAccessible(page, 'ended');
    void call;
    await page.getByTestId('tab-history').click();
    await expectAccessible(page, 'history');
    await page.getByTestId('tab-settings').click();
    await expectAccessible(page, 'settings');
    for (const section of ['audio', 'desk', 'team', 'connection']) {
      await page.getByTestId(`settings-section-${section}`).click();
      await expectAccessible(page, `settings ${section}`);
    }
    await page.getByTestId('tab-phone').click();
    // The dial box comes back once the call is written up.
    await page.getByTestId('wrap-up-outcome-Resolved').check();
    await page.getByTestId('wrap-up-save').click();
    await page.getByTestId('dial-number').fill('14085550111');
    await page.getByTestId('dial-call').click();
    await expect(page.getByTestId('dial-error')).toBeVisible();
    await expectAccessible(page, 'dial');
  });
}

test('tabs follow the WAI-ARIA pattern: arrows and Home/End move, one tab stop, each tab controls its panel', async ({
  phone,
}) => {
  const { page } = phone;
  const tabs = page.getByRole('tab');
  await expect(tabs).toHaveCount(3);
  await page.getByTestId('tab-phone').focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-history')).toBeFocused();
  await expect(page.getByTestId('tab-history')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByRole('tabpanel')).toHaveAttribute('aria-labelledby', 'tab-history');
  await page.keyboard.press('End');
  await expect(page.getByTestId('tab-settings')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-phone')).toBeFocused();
  await expect(page.getByTestId('tab-history')).toHaveAttribute('tabindex', '-1');
});

test('usable from 320 px to 1920 px: nothing cut off, no sideways scrolling', async ({ phone }) => {
  const { page } = phone;
  for (const width of [320, 1920]) {
    await page.setViewportSize({ width, height: 800 });
    for (const tab of ['phone', 'history', 'settings']) {
      await page.getByTestId(`tab-${tab}`).click();
      const box = (await page.getByTestId('tab-settings').boundingBox())!;
      expect(box.x + box.width, `Settings tab at ${width} px on ${tab}`).toBeLessThanOrEqual(width);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth, `page width at ${width} px on ${tab}`).toBeLessThanOrEqual(width);
    }
  }
});

test('dark mode follows the system, can be chosen, and still passes axe-core on the ringing card and settings', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectAccessible(page, 'settings dark');
  await page.getByTestId('tab-phone').click();
  await sim.placeCall({ name: 'Night Customer' });
  await expect(page.getByTestId('answer')).toBeEnabled();
  await expectAccessible(page, 'ringing dark');
});

test('two wrap-ups at once and a call ringing while the agent types on History pass axe-core', async ({ phone }) => {
  const { page, sim } = phone;
  for (const name of ['Early Customer', 'Later Customer']) {
    await sim.placeCall({ name });
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await page.getByTestId('hangup').click();
    await expect(page.getByTestId('wrap-up').filter({ hasText: name })).toBeVisible();
  }
  await expect(page.getByTestId('wrap-up')).toHaveCount(2);
  await expectAccessible(page, 'two wrap-ups');
  await page.getByTestId('tab-history').click();
  await page.getByTestId('history-search').fill('Early');
  await sim.placeCall({ name: 'Bar Customer' });
  await expect(page.getByTestId('ringing-bar')).toContainText('Bar Customer');
  await expectAccessible(page, 'ringing bar');
});
