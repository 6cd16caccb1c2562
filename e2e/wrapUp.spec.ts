import { expect, test } from './phoneFixture';

test('after a call: wrap-up with an outcome and notes, no ringing meanwhile, stored, searchable and exported', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await sim.placeCall({ name: 'Wrap Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('wrap-up')).toContainText('Wrap Customer');
  await expect(page.getByTestId('wrap-up-timer')).toContainText('Wrap-up 0:0');

  // During wrap-up a new call shows but does not ring.
  const next = await sim.placeCall({ name: 'Quiet Customer' });
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringtone', 'off');
  await sim.hangUp(next.callId);
  await expect(page.getByTestId('incoming-call')).toHaveCount(0);

  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up-error')).toHaveText('Choose an outcome.');
  // The question to answer takes the focus, not Save.
  await expect(page.getByTestId('wrap-up-outcome-Resolved')).toBeFocused();
  await page.getByTestId('wrap-up-outcome-Sales').check();
  await page.getByTestId('wrap-up-notes').fill('x'.repeat(2001));
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up-error')).toContainText('2000 characters at most (2001 now)');
  await page.getByTestId('wrap-up-notes').fill('Wants the premium plan, call Tuesday');
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);

  await page.getByTestId('tab-history').click();
  await page.getByTestId('history-search').fill('premium');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('history-outcome')).toHaveText('Sales');
  await expect(page.getByTestId('history-notes')).toHaveText('Wants the premium plan, call Tuesday');
  const csv = await phone.host.services.handlers['history:exportCsv']({ search: '', missedOnly: false, limit: 10 });
  expect(csv.split('\r\n')[0]).toContain('","outcome","notes"');
  expect(csv).toContain('"Sales","Wants the premium plan, call Tuesday"');
});

test('the operator’s own outcome codes, and an automatic return to Available', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('wrap-up-codes').fill('Solved\nEscalated');
  await page.getByTestId('wrap-up-auto-return').fill('2');
  await page.getByTestId('section-save').click();
  await page.getByTestId('tab-phone').click();
  await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('wrap-up-outcome-Escalated')).toBeVisible();
  await expect(page.getByTestId('wrap-up-outcome-Sales')).toHaveCount(0);
  await expect(page.getByTestId('wrap-up-timer')).toContainText('Back to Available in');
  await expect(page.getByTestId('wrap-up')).toHaveCount(0, { timeout: 5000 });
  await expect(page.getByTestId('ready')).toBeVisible();
});

test('the automatic return to Available never closes a wrap-up the agent is writing: the notes stay until Save', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('wrap-up-auto-return').fill('3');
  await page.getByTestId('section-save').click();
  await page.getByTestId('tab-phone').click();
  const call = await sim.placeCall({ name: 'Writing Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('wrap-up-timer')).toContainText('Back to Available in');
  // While the countdown runs, the line above says it ends the wait too.
  await expect(page.getByTestId('wrap-up-no-ring')).toHaveText(/until you save or the countdown ends/);

  await page.getByTestId('wrap-up-notes').click();
  await page.keyboard.type('Wants a refund');
  // Well past the 3 s: the card, the notes and the focus stay; no call rings meanwhile; both lines say Save.
  await page.waitForTimeout(4500);
  await page.keyboard.type(' for order 42');
  await expect(page.getByTestId('wrap-up-notes')).toHaveValue('Wants a refund for order 42');
  await expect(page.getByTestId('wrap-up-notes')).toBeFocused();
  await expect(page.getByTestId('wrap-up-timer')).not.toContainText('Back to Available');
  await expect(page.getByTestId('wrap-up-no-ring')).toHaveText('No new call rings for you until you save.');
  await expect(page.getByTestId('not-ready')).toBeVisible();

  await page.getByTestId('wrap-up-outcome-Sales').check();
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);
  await expect(page.getByTestId('ready')).toBeVisible();
  const history = await phone.host.services.handlers['history:list']({ search: '', missedOnly: false, limit: 10 });
  expect(history.find((e) => e.callId === call.callId)).toMatchObject({
    outcome: 'Sales',
    notes: 'Wants a refund for order 42',
  });
});

test('the agent closes the tab mid wrap-up and opens the desk again: the notes and outcome are still there', async ({
  phone,
  context,
}) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ name: 'Closed Tab Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Sales').check();
  await page.getByTestId('wrap-up-notes').click();
  await page.keyboard.type('Wants the premium plan, call Tuesday');
  await page.waitForTimeout(1000);
  page.on('dialog', (dialog) => void dialog.accept());
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => page.isClosed()).toBe(true);

  const again = await context.newPage();
  await again.goto(phone.host.url);
  const card = again.getByTestId('wrap-up').filter({ hasText: 'Closed Tab Customer' });
  await expect(card.getByTestId('wrap-up-notes')).toHaveValue('Wants the premium plan, call Tuesday');
  await expect(card.getByTestId('wrap-up-outcome-Sales')).toBeChecked();
  await card.getByTestId('wrap-up-save').click();
  await expect(card).toHaveCount(0);
  const history = await phone.host.services.handlers['history:list']({ search: '', missedOnly: false, limit: 10 });
  expect(history.find((e) => e.callId === call.callId)).toMatchObject({
    outcome: 'Sales',
    notes: 'Wants the premium plan, call Tuesday',
  });
});
