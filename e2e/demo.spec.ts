import { startBotDemo } from '../sim/botDemo';
import { startDemoCalls } from '../sim/demoCalls';
import { startTeamDemo } from '../sim/teamDemo';
import { startPhoneWithSim } from '../sim/phoneWithSim';
import { expect, test } from './phoneFixture';

test('the demo’s first call waits until the page is open, then rings there', async ({ page }) => {
  const phone = await startPhoneWithSim();
  const demo = startDemoCalls(phone, { settleMs: 500 });
  try {
    await new Promise((r) => setTimeout(r, 3500));
    expect(phone.sim.graph.calls.size).toBe(0);
    await page.goto(phone.host.url);
    await expect(page.getByTestId('caller-name')).toHaveText('Demo Caller', { timeout: 10_000 });
    expect(await demo.first).toBeDefined();
  } finally {
    demo.stop();
    await phone.close();
  }
});

test('npm run demo -- --bot: the front bot answers, the desk rings with its summary, the agent hands the call to the survey bot, which ends it, and the customer’s 5 is kept', async ({
  page,
}) => {
  const lines: string[] = [];
  const demo = await startBotDemo({ say: (line) => lines.push(line), uiPort: 0 });
  try {
    await page.goto(demo.url);
    await page.getByTestId('ready').filter({ hasText: 'Ready for calls from the team relay' }).waitFor();
    const { rated } = await demo.place();
    await expect(page.getByTestId('assistant-note')).toContainText(
      'From the assistant: Wants to change the delivery address of order A-1042.',
      { timeout: 25_000 },
    );
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 15_000 });
    await page.getByTestId('hand-to-assistant').click();
    await page.getByTestId('hand-over').click();
    await expect(page.getByTestId('wrap-up')).toBeVisible({ timeout: 15_000 });
    expect(await rated).toBe(5);
    expect(lines.join('\n')).toMatch(
      /front desk's bot answered[\s\S]*handed the call to Support[\s\S]*survey bot[\s\S]*ended the call on WhatsApp[\s\S]*rated 5 of 5/,
    );
  } finally {
    await demo.close();
  }
});

test('npm run demo -- --team: both desks ring for Support, Asha answers, and the supervisor’s board shows her call', async ({
  browser,
}) => {
  const lines: string[] = [];
  const demo = await startTeamDemo({ say: (line) => lines.push(line), uiPort: 0 });
  // A window each, as people have them (tabs of one window would be throttled in the background).
  const contexts = await Promise.all([browser.newContext(), browser.newContext(), browser.newContext()]);
  try {
    const [asha, ben, board] = await Promise.all([
      contexts[0]!.newPage(),
      contexts[1]!.newPage(),
      contexts[2]!.newPage(),
    ]);
    for (const [page, url] of [
      [asha, demo.desks.asha],
      [ben, demo.desks.ben],
    ] as const) {
      await page.goto(url);
      await page.getByTestId('ready').filter({ hasText: 'Ready for calls from the team relay' }).waitFor();
    }
    await board.goto(demo.board);
    await board.getByTestId('board-token').fill(demo.supervisorToken);
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');

    const call = await demo.place();
    await expect(asha.getByTestId('caller-name')).toHaveText('Demo Customer 1');
    await expect(ben.getByTestId('caller-name')).toHaveText('Demo Customer 1');
    await asha.getByTestId('answer').click();
    await expect(asha.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    const answeredAt = Date.now();
    await expect(board.locator(`[data-testid="in-progress-row"][data-call-id="${call.callId}"]`)).toContainText('asha');
    // The call lasts a few seconds; the board's handle time is Meta's billed time, which the simulator now measures.
    await asha.waitForTimeout(Math.max(0, answeredAt + 4500 - Date.now()));
    await asha.getByTestId('hangup').click();
    const talked = (Date.now() - answeredAt) / 1000;
    const aht = board.locator('[data-testid="figures-team"] [data-field="aht"]');
    await expect(aht).toHaveText(/^\d+ s$/, { timeout: 15_000 });
    const billed = Number((await aht.textContent())!.replace(' s', ''));
    // Meta counts whole seconds from the accept (sent before the desk says On call) to the end.
    expect(billed, `billed ${billed} s for a call of ${talked.toFixed(1)} s`).toBeGreaterThanOrEqual(
      Math.floor(talked) - 1,
    );
    expect(billed).toBeLessThanOrEqual(Math.ceil(talked) + 3);
    expect(lines).toEqual(['Demo Customer 1 (+447700900001) calls Support.']);

    // Sales rings Ben alone; the admin's token opens Team settings.
    await demo.place('sales');
    await expect(ben.getByTestId('caller-name')).toHaveText('Demo Customer 2');
    // Two calls placed at once (Enter pressed twice): each line names its own customer with their one number.
    await Promise.all([demo.place('sales'), demo.place()]);
    // (Their lines come in the order the relay took the calls.)
    expect([...lines].sort()).toEqual([
      'Demo Customer 1 (+447700900001) calls Support.',
      'Demo Customer 2 (+447700900002) calls Sales.',
      'Demo Customer 3 (+447700900003) calls Sales.',
      'Demo Customer 4 (+447700900004) calls Support.',
    ]);
    await board.getByTestId('board-sign-out').click();
    await board.getByTestId('board-token').fill(demo.adminToken);
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-settings')).toBeVisible();
  } finally {
    for (const context of contexts) await context.close();
    await demo.close();
  }
});
