import { startBotDemo } from '../sim/botDemo';
import { startDemoCalls } from '../sim/demoCalls';
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
