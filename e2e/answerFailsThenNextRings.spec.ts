import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './phoneFixture';

const REFUSED =
  'The call could not be answered. WhatsApp refused the request (WhatsApp code 2): try again, and tell your administrator if it keeps happening.';

test('the agent answers, WhatsApp refuses the accept, the next caller rings at once: the failure stays readable beside the ring until OK, and Enter meant for OK answers nothing', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const first = await sim.placeCall({ name: 'Refused Caller' });
  sim.graph.addFault({
    action: 'accept',
    status: 500,
    body: { error: { message: 'Service temporarily unavailable', code: 2, fbtrace_id: 'Fx1' } },
  });
  await page.getByTestId('answer').click();
  const failed = page.locator(`[data-testid="call-ended"][data-call-id="${first.callId}"]`);
  await expect(failed.getByTestId('end-message')).toHaveText(REFUSED);
  await expect.poll(() => sim.graph.actionsFor(first.callId).at(-1)).toBe('terminate:200');
  // The desk puts the keyboard on the failure's OK: the agent's next Enter is meant for it.
  await expect(failed.getByTestId('dismiss')).toBeFocused();

  // The next caller rings right away: the failed call's card stays, with its sentence, beside the ring.
  const next = await sim.placeCall({ name: 'Next Caller' });
  const ring = page.locator(`[data-testid="incoming-call"][data-call-id="${next.callId}"]`);
  await expect(ring).toBeVisible();
  await expect(ring.getByTestId('answer')).toBeEnabled();
  await expect(failed.getByTestId('end-reason')).toHaveText('Call failed');
  await expect(failed.getByTestId('end-message')).toHaveText(REFUSED);
  // Still there a while later: it waits for the agent, not for a timer.
  await page.waitForTimeout(1500);
  await expect(failed.getByTestId('end-message')).toBeVisible();

  // As when a ring replaces a summary: the ring's heading takes the focus, not Answer, so that Enter answers nothing.
  await expect(ring.getByTestId('caller-name')).toBeFocused();
  await expect(page.getByTestId('announcer')).toHaveText(/Next Caller\. Press Ctrl\+Shift\+A to answer/);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(500);
  await expect(ring.getByTestId('answer')).toBeEnabled();
  expect(sim.graph.actionsFor(next.callId)).toEqual([]);
  expect((await new AxeBuilder({ page }).analyze()).violations.filter((v) => v.impact === 'serious')).toEqual([]);

  // OK puts the failure away; the ring is untouched.
  await failed.getByTestId('dismiss').click();
  await expect(failed).toHaveCount(0);
  await expect(ring).toBeVisible();
  await ring.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
});
