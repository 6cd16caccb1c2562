import { expect, openPhone, test, TEST_SECRETS } from './phoneFixture';

test('ready for calls only when all is well; Away says so and one click makes the desk available again', async ({
  phone,
}) => {
  const { page } = phone;
  await expect(page.getByTestId('ready')).toHaveText('Ready for calls');
  await page.getByTestId('agent-status').selectOption('away');
  await expect(page.getByTestId('not-ready')).toContainText('You are Away');
  await expect(page.getByTestId('ready')).toHaveCount(0);
  await page.getByTestId('fix-status').click();
  await expect(page.getByTestId('ready')).toHaveText('Ready for calls');
});

test('a blocked microphone: the desk is not ready before any call, and the ringing card warns the agent', async ({
  page,
}) => {
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = () =>
      Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
  });
  const phone = await openPhone(page);
  try {
    await expect(page.getByTestId('not-ready')).toContainText('The microphone is blocked');
    await phone.sim.placeCall({ name: 'Unheard Customer' });
    await expect(page.getByTestId('ringing-mic-warning')).toContainText('the caller will not hear you');
  } finally {
    await phone.close();
  }
});

test('a token WhatsApp refuses, and a callback address Meta cannot reach, are named with a way to fix them', async ({
  phone,
}) => {
  const { page } = phone;
  await expect(page.getByTestId('ready')).toBeVisible();
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-accessToken').fill('EAAGthisTokenIsNotKnownToWhatsApp0000');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('not-ready')).toContainText('Access token: WhatsApp does not accept it');
  // Save checks with WhatsApp before it says Saved: never a green "Saved." beside a refused token.
  await expect(page.getByTestId('settings-saved')).toHaveText(
    'Saved, but WhatsApp did not accept these settings: see below.',
  );
  await expect(page.getByTestId('error-accessToken')).toContainText('WhatsApp does not accept it');
  // Already on the connection settings: the line names the problem without a button to open this same screen.
  await expect(page.getByTestId('fix-settings')).toHaveCount(0);
  // The main process named the problem by its message: in Spanish the line and the field say it in Spanish.
  await phone.host.services.handlers['preferences:save']({ language: 'es' });
  await expect(page.getByTestId('not-ready')).toContainText('Token de acceso: WhatsApp no lo acepta');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('error-accessToken')).toContainText('WhatsApp no lo acepta');
  await phone.host.services.handlers['preferences:save']({ language: 'en' });

  await page.getByTestId('setting-accessToken').fill(TEST_SECRETS.accessToken);
  await page.getByTestId('tunnel-none').check();
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('not-ready')).toContainText('WhatsApp cannot reach this phone');
});

test('an unconfigured phone never looks available', async ({ page }) => {
  const phone = await openPhone(page, { unconfigured: true });
  try {
    await expect(page.getByTestId('not-ready')).toContainText('Not connected to WhatsApp yet');
    await expect(page.getByTestId('ready')).toHaveCount(0);
  } finally {
    await phone.close();
  }
});
