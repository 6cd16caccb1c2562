import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './phoneFixture';

/** Runs axe-core on the page as it stands and fails on any serious or critical violation. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
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
    await page.screenshot({ path: `test-results/screens/settings-${width}.png`, fullPage: true });
  });
}
