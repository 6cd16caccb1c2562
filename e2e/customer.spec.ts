import { expect, test } from './phoneFixture';

const CUSTOMER = '447700900555';

test('who is calling: the ringing card shows the earlier call, its outcome and notes, and opens the CRM page', async ({
  phone,
  context,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('crm-template').fill('https://crm.example.invalid/search?phone={phone}&user={user_id}');
  await page.getByTestId('section-save').click();
  await page.getByTestId('tab-phone').click();

  await sim.placeCall({ from: CUSTOMER, name: 'Returning Customer' });
  await expect(page.getByTestId('customer-history')).toHaveText('First call from this customer.');
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Follow-up needed').check();
  await page.getByTestId('wrap-up-notes').fill('Parcel lost; promised a refund by Friday');
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);

  await sim.placeCall({ from: CUSTOMER, name: 'Returning Customer' });
  const card = page.getByTestId('incoming-call');
  await expect(card.getByTestId('customer-history')).toContainText('Called once before');
  await expect(card.getByTestId('customer-history')).toContainText('Follow-up needed');
  await expect(card.getByTestId('customer-notes')).toHaveText('Parcel lost; promised a refund by Friday');
  const opened = context.waitForEvent('request', (r) => r.url().startsWith('https://crm.example.invalid/'));
  await card.getByTestId('open-crm').click();
  expect((await opened).url()).toBe(`https://crm.example.invalid/search?phone=${CUSTOMER}&user=`);
});

test('screen pop: the CRM page opens by itself when the agent answers', async ({ phone, context }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('crm-template').fill('https://crm.example.invalid/c/{phone}');
  await page.getByTestId('section-save').click();
  await page.getByTestId('crm-screen-pop').check();
  await page.getByTestId('tab-phone').click();
  await sim.placeCall({ from: CUSTOMER });
  const opened = context.waitForEvent('request', (r) => r.url().startsWith('https://crm.example.invalid/'));
  await page.getByTestId('answer').click();
  expect((await opened).url()).toBe(`https://crm.example.invalid/c/${CUSTOMER}`);
});
