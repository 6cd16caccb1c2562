import { expect, test } from './phoneFixture';

test('after hanging up, docked at 420 px, the agent writes the call up in one card: how it ended, the outcome first, Save in view, no dial box', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.setViewportSize({ width: 420, height: 720 });
  await sim.placeCall({ from: '447700900123', name: 'Docked Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect(page.getByTestId('dial-number')).toHaveCount(0);
  await page.getByTestId('hangup').click();

  const card = page.getByTestId('wrap-up');
  await expect(card).toHaveCount(1);
  // One card: the summary is its first line, not a second card above it.
  await expect(page.locator('.panel > .card, .panel .wrap-ups > .card')).toHaveCount(1);
  await expect(card.getByTestId('end-reason')).toHaveText('Call ended');
  await expect(card.getByTestId('ended-time')).toHaveText(/\d{1,2}:\d{2}/);
  await expect(card.getByTestId('talk-time')).toHaveText(/^\d+:\d{2}$/);
  await expect(card.getByRole('heading')).toContainText('Docked Customer');
  await expect(card.getByTestId('ended-number')).toContainText('447700900123');
  await expect(page.getByTestId('dismiss')).toHaveCount(0);
  // The dial box waits until the wrap-up is saved.
  await expect(page.getByTestId('dial-number')).toHaveCount(0);

  // The outcome comes before the notes, and the focus is on it, not on the page.
  const order = await card.evaluate((el) => {
    const outcome = el.querySelector('fieldset')!;
    const notes = el.querySelector('textarea')!;
    return outcome.compareDocumentPosition(notes) & Node.DOCUMENT_POSITION_FOLLOWING;
  });
  expect(order).toBeTruthy();
  await expect(page.getByTestId('wrap-up-outcome-Resolved')).toBeFocused();

  // Save is on screen without scrolling.
  await page.screenshot({ path: 'test-results/screens/wrap-up-card-420.png' });
  const save = page.getByTestId('wrap-up-save');
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  const box = (await save.boundingBox())!;
  expect(box.y + box.height, 'Save button bottom at 720 px high').toBeLessThanOrEqual(720);

  await save.click();
  await expect(page.getByTestId('wrap-up-error')).toHaveText('Choose an outcome.');
  await page.getByTestId('wrap-up-outcome-Sales').check();
  await expect(page.getByTestId('wrap-up-error')).toHaveCount(0);
  await save.click();
  await expect(card).toHaveCount(0);
  await expect(page.getByTestId('dial-number')).toBeVisible();
  await expect(page.getByTestId('idle')).toBeVisible();
});

test('a missed call keeps its own summary card with OK and Call back, as there is nothing to write up', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ name: 'Gone Customer' });
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await sim.hangUp(call.callId);
  await expect(page.getByTestId('end-reason')).toHaveText('Missed call');
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);
  await expect(page.getByTestId('dismiss')).toBeVisible();
  await expect(page.getByTestId('dial-number')).toBeVisible();
});
