import { expect, test } from './phoneFixture';

test('the agent chooses Spanish: the ringing card, the call and the history speak Spanish', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('language').selectOption('es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expect(page.getByTestId('tab-history')).toHaveText('Historial');
  await page.getByTestId('tab-phone').click();
  await sim.placeCall({ name: 'Cliente Uno' });
  await expect(page.getByTestId('answer')).toHaveText('Contestar');
  await expect(page).toHaveTitle(/^Sonando: Cliente Uno/);
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('En llamada', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Llamada terminada');
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-reason').first()).toHaveText('Contestada');
});

test('Arabic reads right to left, and the layout follows', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.getByTestId('tab-phone').click();
  await sim.placeCall({ name: 'عميل' });
  await expect(page.getByTestId('answer')).toHaveText('رد');
  // Right to left: the first tab sits to the right of the last one.
  const phoneTab = (await page.getByTestId('tab-phone').boundingBox())!;
  const settingsTab = (await page.getByTestId('tab-settings').boundingBox())!;
  expect(phoneTab.x).toBeGreaterThan(settingsTab.x);
  // Arrow keys follow the reading direction: Left moves forward.
  await page.getByTestId('reject').click();
  await page.getByTestId('tab-phone').focus();
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByTestId('tab-history')).toBeFocused();
});

test.describe('with the operating system in Brazilian Portuguese', () => {
  test.use({ locale: 'pt-BR' });
  test('the phone speaks Portuguese without being asked, and Hindi when chosen', async ({ phone }) => {
    const { page } = phone;
    await expect(page.getByTestId('ready')).toHaveText('Pronto para chamadas');
    await expect(page.getByTestId('tab-settings')).toHaveText('Configurações');
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('settings-section-desk').click();
    await page.getByTestId('language').selectOption('hi');
    await expect(page.getByTestId('tab-phone')).toHaveText('फ़ोन');
    await expect(page.locator('html')).toHaveAttribute('dir', 'ltr');
  });
});
