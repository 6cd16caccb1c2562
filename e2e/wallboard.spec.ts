import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startTestPostgres } from '../src/relay/testPostgres';
import { TeamQueues } from '../src/shared/teamQueues';
import { AGENT_SECRET, startTeam } from './teamDesks';

/**
 * What of the page lies outside the window, read from Chromium's boxes: the page's own scrolling, and every visible
 * element whose box passes an edge (named by its test id, id or class). Empty when everything fits.
 */
async function outsideWindow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const height = window.innerHeight;
    const found: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollHeight > height) found.push(`page scrolls: ${root.scrollHeight} px high in ${height}`);
    if (root.scrollWidth > width) found.push(`page scrolls: ${root.scrollWidth} px wide in ${width}`);
    for (const el of document.querySelectorAll<HTMLElement>('#board *')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      if (el.closest('.sr-only')) continue;
      if (box.bottom > height + 0.5 || box.right > width + 0.5 || box.top < -0.5 || box.left < -0.5) {
        const name = el.dataset.testid ?? (el.id || el.className || el.tagName);
        found.push(
          `${name}: ${Math.round(box.left)},${Math.round(box.top)} to ${Math.round(box.right)},${Math.round(box.bottom)}`,
        );
      }
    }
    return found;
  });
}

/** A customer who uses a username (Meta's business-scoped user ID, as in usernameCaller.spec.ts). */
const BSUID = 'US.13491208655302741918';

test('the floor’s tiles and alert: an admin sets a 5 s longest wait, a call waits in Customer Support with nobody free, its tile turns red and the banner names the queue; wallboard from 5 m, 420 px, Arabic', async ({
  browser,
}) => {
  // Three calls, two alerts and the wallboard's turn of 8 s take most of a minute on two busy cores.
  test.setTimeout(170_000);
  const postgres = await startTestPostgres();
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [
      { id: 'support', name: 'Customer Support', ringSeconds: 30, agents: { asha: 9 } },
      { id: 'sales', name: 'Sales Desk', ringSeconds: 60, payloads: ['sales'], agents: { ben: 9 } },
      // No call comes to it: the wallboard shows it in its turn all the same.
      { id: 'billing', name: 'Billing', ringSeconds: 30, payloads: ['billing'], agents: { ben: 1 } },
    ],
  });
  const { sim, relays, pageA, close } = await startTeam(browser, { queues, databaseUrl: postgres.url });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const board = await context.newPage();
  const tile = (id: string) => board.getByTestId(`tile-${id}`);
  try {
    await board.goto(`${relays[1]!.agentUrl.replace(/^ws/, 'http')}board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    await expect(tile('waiting').locator('.tile-value')).toHaveText('0');
    await expect(tile('available').locator('.tile-value')).toHaveText('2');
    // The defaults until an admin sets them: a minute's wait; the sound is off until the supervisor turns it on.
    await expect(tile('longest-wait')).toContainText('limit 1:00');
    await expect(board.getByTestId('alert-sound')).not.toBeChecked();

    // The admin sets the thresholds on the Team settings page (PostgreSQL; every instance applies them in seconds).
    await board.getByTestId('board-settings').click();
    await expect(board.getByTestId('settings-max-wait')).toHaveValue('60');
    await board.getByTestId('settings-reasons').fill('break\nlunch');
    await board.getByTestId('settings-codes').fill('Resolved');
    await board.getByTestId('settings-max-wait').fill('2');
    await board.getByTestId('settings-save').click();
    // Below the 5 s floor the browser holds the form back (the relay would name the field as well).
    expect(await board.getByTestId('settings-max-wait').evaluate((el: HTMLInputElement) => el.validity.valid)).toBe(
      false,
    );
    await expect(board.getByTestId('settings-saved')).toBeHidden();
    await board.getByTestId('settings-max-wait').fill('5');
    await board.getByTestId('settings-sl-target').fill('90');
    await board.getByTestId('settings-save').click();
    await expect(board.getByTestId('settings-saved')).toBeVisible();
    await board.goBack();
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    await expect(tile('longest-wait')).toContainText('limit 0:05', { timeout: 15_000 });
    await expect(tile('service-level')).toContainText('target 90%');

    // The supervisor turns the alert's sound on (off until then).
    await board.getByTestId('alert-sound').check();

    // Asha steps away: a call to Customer Support waits with nobody free to take it.
    await pageA.getByTestId('agent-status').selectOption('lunch');
    await expect(tile('not-ready').locator('.tile-value')).toHaveText('1');
    const call = await sim.placeCall({ from: '447700900801', name: 'Waiting Caller' });
    const row = board.locator(`[data-testid="waiting-row"][data-call-id="${call.callId}"]`);
    await expect(row).toContainText('Customer Support');
    await expect(row).toContainText('+447700900801');
    await expect(tile('waiting').locator('.tile-value')).toHaveText('1');
    await expect(board.getByTestId('floor-alert')).toBeHidden();
    await expect(tile('available')).toHaveAttribute('data-level', 'alert');

    // Past 5 s the queue crosses the longest wait: its tile turns red and the banner names it, by its name.
    await expect(tile('longest-wait')).toHaveAttribute('data-level', 'alert', { timeout: 15_000 });
    await expect(tile('longest-wait')).toHaveCSS('background-color', 'rgb(164, 0, 29)');
    await expect(tile('longest-wait')).toContainText('over the limit');
    const alert = board.getByTestId('floor-alert');
    await expect(alert).toBeVisible();
    await expect(alert.getByTestId('floor-alert-item')).toHaveText(
      'Customer Support: a caller has waited longer than 0:05.',
    );
    await expect(alert.getByTestId('floor-alert-item')).toHaveAttribute('data-queue', 'support');
    await expect(board.locator('body')).toHaveAttribute('data-alert-chimes', '1');

    // A customer known by username shows as @username.
    const byName = await sim.placeCall({ from: BSUID, username: 'maria.lopez' });
    await expect(board.locator(`[data-testid="waiting-row"][data-call-id="${byName.callId}"]`)).toContainText(
      '@maria.lopez',
    );

    // A call for Sales rings at Ben, unanswered: past 5 s Sales crosses too, and the sound plays once more.
    const sale = await sim.placeCall({ from: '447700900802', ctaPayload: 'sales' });
    await expect(board.locator(`[data-testid="waiting-row"][data-call-id="${sale.callId}"]`)).toContainText(
      'Sales Desk',
    );
    await expect(alert.locator('[data-queue="sales"]')).toBeVisible({ timeout: 15_000 });
    await expect(board.locator('body')).toHaveAttribute('data-alert-chimes', '2');

    // The wallboard, read across the room: figures at least 96 px high (2.5 cm letters), one queue at a time.
    await board.setViewportSize({ width: 1920, height: 1080 });
    await board.getByTestId('wallboard-toggle').click();
    await expect(board.getByTestId('wallboard-queue-name')).toHaveText('Customer Support');
    // Read in one turn of the page: the tiles are drawn anew every second.
    const figureHeight = await board.evaluate(() =>
      parseFloat(getComputedStyle(document.querySelector('[data-testid="tile-waiting"] .tile-value')!).fontSize),
    );
    expect(figureHeight).toBeGreaterThanOrEqual(96);
    await expect(board.getByTestId('waiting')).toBeHidden();
    await expect(board.getByTestId('floor-alert')).toBeVisible();
    // The whole wallboard in the window, with both queues' alerts up: nothing scrolls, no box past an edge.
    await expect(board.getByTestId('wallboard-queue').locator('.tile')).toHaveCount(3);
    expect(await outsideWindow(board)).toEqual([]);
    await board.screenshot({ path: 'test-results/screens/wallboard-en.png' });
    await board.setViewportSize({ width: 1280, height: 800 });
    expect(await outsideWindow(board)).toEqual([]);
    await board.screenshot({ path: 'test-results/screens/wallboard-1280x800.png' });
    await board.setViewportSize({ width: 1920, height: 1080 });
    // The queues take turns, every 8 s.
    await expect(board.getByTestId('wallboard-queue-name')).toHaveText('Sales Desk', { timeout: 20_000 });
    // A queue without a call today takes its turn too, with nobody waiting.
    await expect(board.getByTestId('wallboard-queue-name')).toHaveText('Billing', { timeout: 20_000 });
    await expect(board.getByTestId('tile-queue-waiting').locator('.tile-value')).toHaveText('0');
    await board.getByTestId('wallboard-toggle').click();
    await expect(board.getByTestId('waiting')).toBeVisible();

    // Docked at 420 px: nothing wider than the window, so no sideways scrolling.
    await board.setViewportSize({ width: 420, height: 900 });
    await expect(row).toBeVisible();
    expect(await board.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    await board.screenshot({ path: 'test-results/screens/board-420.png', fullPage: true });

    // In Arabic, right to left, the alert in Arabic with the queue's name kept whole; axe finds nothing.
    await board.getByTestId('board-language').selectOption('ar');
    await expect(board.locator('html')).toHaveAttribute('dir', 'rtl');
    const supportAlert = alert.locator('[data-queue="support"]');
    await expect(supportAlert).toContainText('ينتظر عميل منذ أكثر من');
    await expect(supportAlert.locator('bdi')).toHaveText('Customer Support');
    expect(await board.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(420);
    const violations = (await new AxeBuilder({ page: board }).analyze()).violations;
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await board.setViewportSize({ width: 1280, height: 900 });
    expect((await new AxeBuilder({ page: board }).analyze()).violations.map((v) => v.id)).toEqual([]);
    await board.screenshot({ path: 'test-results/screens/board-alert-ar.png', fullPage: true });

    await sim.hangUp(call.callId);
    await sim.hangUp(byName.callId);
    await sim.hangUp(sale.callId);
    // Nobody waits any more; what stays is today's service level, below the 90 % target in both queues.
    await expect(alert.locator('[data-kind="max_wait"]')).toHaveCount(0);
    await expect(alert.locator('[data-kind="service_level"][data-queue="support"]')).toBeVisible();
    // The tile says the level is below its target, never "over the limit" (a tester read it as too high).
    await expect(tile('service-level')).toHaveAttribute('data-level', 'alert');
    await expect(tile('service-level')).toContainText('دون الهدف');
    await expect(tile('service-level')).not.toContainText('فوق الحد');
    // Every percentage as Arabic writes it (Intl), the same in the tile, its target, the banner and the table.
    const arabicPercent = (pct: number) =>
      board.evaluate(
        (v) => new Intl.NumberFormat('ar', { style: 'percent', maximumFractionDigits: 1 }).format(v / 100),
        pct,
      );
    await expect(tile('service-level')).toContainText(`الهدف ${await arabicPercent(90)}`);
    const level = await board
      .locator('[data-testid="figures-queue"][data-queue="support"] [data-field="service-level"]')
      .textContent();
    await expect(alert.locator('[data-kind="service_level"][data-queue="support"]')).toContainText(
      `مستوى الخدمة اليوم ${level}، أقل من هدف ${await arabicPercent(90)}.`,
    );

    // The reports name the queues too.
    await board.getByTestId('board-reports').click();
    await board.getByTestId('report-show').click();
    await expect(board.locator('[data-testid="report-queue"][data-queue="support"]')).toContainText('Customer Support');
    await expect(board.locator('[data-testid="report-queue"][data-queue="sales"]')).toContainText('Sales Desk');
  } finally {
    await context.close();
    await close();
    await postgres.stop();
  }
});
