import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './phoneFixture';

/** The state at the top reads clearly on its own colour: axe-core's contrast rule on that one element. */
async function expectStateReadable(page: Page, state: string): Promise<void> {
  const theme = await page.locator('html').getAttribute('data-theme');
  await page.screenshot({ path: `test-results/screens/agent-state-${state}-${theme}.png` });
  const result = await new AxeBuilder({ page }).include('[data-testid="team-state"]').analyze();
  const bad = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${state} (${theme}): ${v.id}`);
  expect(bad, bad.join('\n')).toEqual([]);
}

const backgroundOf = (page: Page) =>
  page.getByTestId('team-state').evaluate((el) => getComputedStyle(el).backgroundColor);

for (const theme of ['light', 'dark'] as const) {
  test(`the agent sees their state and its time at the top through a call, each in its own colour (${theme})`, async ({
    phone,
  }) => {
    const { page, sim } = phone;
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    const state = page.getByTestId('team-state');
    const colours = new Set<string>();

    await expect(state).toHaveText('Available');
    await expect(state).toHaveAttribute('data-state', 'available');
    await expect(page.getByTestId('ready')).toHaveText('Ready for calls');
    await expectStateReadable(page, 'available');
    colours.add(await backgroundOf(page));

    await sim.placeCall({ name: 'State Customer' });
    await expect(state).toHaveText('Ringing');
    await expect(page.getByTestId('answer')).toBeEnabled();
    await expectStateReadable(page, 'ringing');
    colours.add(await backgroundOf(page));

    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(state).toHaveAttribute('data-state', 'on_call');
    // The time runs: 0:00, then 0:01 or more.
    await expect(state).toHaveText(/^On call 0:0[1-9]$/, { timeout: 5000 });
    await expect(page.getByTestId('ready')).toHaveCount(0);
    await expect(page.getByTestId('on-a-call')).toHaveText('On a call: a new call shows here as call waiting.');
    await expectStateReadable(page, 'on-call');
    colours.add(await backgroundOf(page));

    await page.getByTestId('hold').click();
    await expect(page.getByTestId('held-call')).toBeVisible();
    await expect(state).toHaveText(/^On hold 0:0\d$/);
    await expect(page.getByTestId('ready')).toHaveCount(0);
    await expect(page.getByTestId('on-a-call')).toHaveText('A call is on hold: take it back or hang it up.');
    await expectStateReadable(page, 'on-hold');
    colours.add(await backgroundOf(page));

    await page.getByTestId('held-resume').click();
    await expect(state).toHaveAttribute('data-state', 'on_call');
    await page.getByTestId('hangup').click();
    await expect(state).toHaveText(/^After-call work 0:0\d$/);
    await expectStateReadable(page, 'after-call-work');
    colours.add(await backgroundOf(page));

    await page.getByTestId('wrap-up-outcome-Resolved').check();
    await page.getByTestId('wrap-up-save').click();
    await expect(state).toHaveText('Available');
    await expect(page.getByTestId('ready')).toHaveText('Ready for calls');

    await page.getByTestId('agent-status').selectOption('away');
    await expect(state).toHaveText(/^Not ready: away 0:0[1-9]$/, { timeout: 5000 });
    await expectStateReadable(page, 'not-ready');
    colours.add(await backgroundOf(page));
    // Six states, six colours.
    expect(colours.size).toBe(6);
  });
}
