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
