import { expect, mediaFigures, test } from './phoneFixture';

test('a clean call through the relay shows good quality and no warnings', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ farEnd: { network: {} } });
  await page.getByTestId('answer').click();
  await expect.poll(async () => (await mediaFigures(page)).packetsReceived).toBeGreaterThan(50);
  await expect.poll(() => call.farEnd.received.loudFrames).toBeGreaterThan(20);
  await expect(page.getByTestId('quality')).toHaveAttribute('data-warnings', '');
  // The agent reads one plain sentence; the figures wait behind Details.
  await expect(page.getByTestId('quality-summary')).toHaveText('Call quality: good');
  await expect(page.getByText(/^RTT \d+ ms$/)).toBeHidden();
  await page.getByTestId('quality-details').getByText('Details').click();
  await expect(page.getByText(/^RTT \d+ ms$/)).toBeVisible();
  await expect(page.getByText(/^MOS \d\.\d\d$/)).toBeVisible();
});

test('packet loss and delay raise the warnings during the call and are stored with it', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ farEnd: { network: {} } });
  await page.getByTestId('answer').click();
  await expect.poll(async () => (await mediaFigures(page)).packetsReceived).toBeGreaterThan(25);
  call.farEnd.impair({ lossPct: 15, delayMs: 260 });
  await expect(page.getByTestId('quality-summary')).toHaveText('The caller’s connection is poor', { timeout: 15_000 });
  // Which limits were crossed, for whoever needs them: behind Details.
  await expect(page.getByTestId('quality-warning-loss')).toBeHidden();
  await page.getByTestId('quality-details').getByText('Details').click();
  await expect(page.getByTestId('quality-warning-loss')).toBeVisible({ timeout: 15_000 });
  // Round-trip time comes from RTCP receiver reports, about one a second and themselves subject to the loss.
  await expect(page.getByTestId('quality-warning-rtt')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('quality-warning-mos')).toBeVisible({ timeout: 30_000 });
  await page.waitForTimeout(2200);
  await page.getByTestId('hangup').click();
  await page.getByTestId('tab-history').click();
  const mos = Number((await page.getByTestId('history-mos').textContent())!.replace('MOS ', ''));
  expect(mos).toBeLessThan(3.5);
});
