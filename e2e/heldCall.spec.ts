import { expect, test } from './phoneFixture';

test('with one caller on hold and another live, the held card says who it is and each Hang up names its caller', async ({
  phone,
}) => {
  const { page, sim } = phone;
  // A customer who called before: the held card tells their history here.
  await sim.placeCall({ from: '447700900201', name: 'First Caller' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);

  await sim.placeCall({ from: '447700900201', name: 'First Caller' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  // Alone, the call's button says Hang up.
  await expect(page.getByTestId('hangup')).toHaveText('Hang up');
  await sim.placeCall({ from: '447700900202', name: 'Second Caller' });
  await page.getByTestId('hold-and-answer').click();
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Second Caller');
  // The keyboard is on the live call's controls, not on the held call's Take back.
  await expect(page.getByTestId('in-call').getByTestId('mute')).toBeFocused();

  const held = page.getByTestId('held-call');
  await expect(held.getByRole('heading')).toHaveText('First Caller');
  await expect(held.getByTestId('held-number')).toHaveText('+447700900201');
  await expect(held.getByTestId('customer-history')).toContainText('Called once before');
  await expect(held.getByTestId('held-resume')).toHaveText('Take back');
  // Each Hang up names its caller, for the eye and for a screen reader.
  await expect(held.getByRole('button', { name: 'Hang up First Caller (on hold)', exact: true })).toBeVisible();
  await expect(
    page.getByTestId('in-call').getByRole('button', { name: 'Hang up Second Caller', exact: true }),
  ).toBeVisible();

  // A third caller now: the live call cannot be held too, so the card offers only to end it and answer.
  await sim.placeCall({ from: '447700900203', name: 'Third Caller' });
  await expect(page.getByTestId('end-and-answer')).toBeVisible();
  await expect(page.getByTestId('hold-and-answer')).toHaveCount(0);
  await page.getByTestId('reject').click();
  await expect(page.getByTestId('end-and-answer')).toHaveCount(0);

  await held.getByRole('button', { name: 'Hang up First Caller' }).click();
  await expect(held).toHaveCount(0);
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Second Caller');
  await expect(page.getByTestId('hangup')).toHaveText('Hang up');
});

test('two callers of the same name, one held and one live: the two Hang up buttons have different names', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await sim.placeCall({ from: '447700900211', name: 'Demo Caller' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await sim.placeCall({ from: '447700900212', name: 'Demo Caller' });
  await page.getByTestId('hold-and-answer').click();
  await expect(page.getByTestId('held-call')).toBeVisible();
  // Before, both read "Hang up Demo Caller": a screen reader could not tell which call each ends.
  await expect(page.getByRole('button', { name: 'Hang up Demo Caller', exact: true })).toHaveCount(1);
  await expect(
    page.getByTestId('held-call').getByRole('button', { name: 'Hang up Demo Caller (on hold)', exact: true }),
  ).toBeVisible();
});
