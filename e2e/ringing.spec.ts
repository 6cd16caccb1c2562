import { expect, test } from './phoneFixture';

test('a ringing call cannot be missed: its heading takes the focus, Answer is largest, ring time counts, the title and a live region say who calls', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.setViewportSize({ width: 1440, height: 900 });
  await sim.placeCall({ name: 'Ringing Customer' });
  const answer = page.getByTestId('answer');
  await expect(answer).toBeEnabled();
  // The ring puts the focus on its heading, never on Answer: an Enter meant for something else answers nothing.
  await expect(page.getByTestId('caller-name')).toBeFocused();
  await expect(page).toHaveTitle(/^Ringing: Ringing Customer/);
  await expect(page.getByTestId('announcer')).toHaveText(/Incoming WhatsApp call from Ringing Customer/);
  await expect(page.getByTestId('ring-time')).toHaveText('0:00');
  await expect(page.getByTestId('ring-time')).toHaveText('0:01', { timeout: 3000 });
  const answerBox = (await answer.boundingBox())!;
  const rejectBox = (await page.getByTestId('reject').boundingBox())!;
  expect(answerBox.width * answerBox.height).toBeGreaterThan(1.5 * rejectBox.width * rejectBox.height);
  // At 1440 px the card keeps a readable width instead of stretching across the screen.
  expect((await page.getByTestId('incoming-call').boundingBox())!.width).toBeLessThanOrEqual(760);
  // Tab reaches Answer, and Enter there answers.
  await page.keyboard.press('Tab');
  await expect(answer).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect(page).toHaveTitle(/^On call: Ringing Customer/);
});

test('with reduced motion the ringing card does not pulse', async ({ phone }) => {
  const { page, sim } = phone;
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await sim.placeCall({ name: 'Calm Customer' });
  const card = page.getByTestId('incoming-call');
  await expect(card).toBeVisible();
  const pulse = () => card.evaluate((el) => getComputedStyle(el, '::after').animationName);
  expect(await pulse()).toBe('none');
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  expect(await pulse()).toBe('ring-pulse');
});
