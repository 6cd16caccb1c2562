import { loadWebhookFixture } from '../fixtures/load';
import { postSignedWebhook, terminateWebhook } from '../sim/webhookSender';
import { expect, test, TEST_SECRETS } from './phoneFixture';

/** Delivers a fixture written from Meta's pages, signed, to the desk's webhook server as Meta does. */
async function deliver(webhookUrl: string, fixture: string): Promise<void> {
  // The restriction ends on 12 Dec of a year far ahead, so it has not expired whenever the test runs.
  const body = JSON.stringify(loadWebhookFixture(fixture))
    .replaceAll('518638374672395', TEST_SECRETS.phoneNumberId)
    .replace('1797033600', String(Date.UTC(2099, 11, 12) / 1000));
  expect((await postSignedWebhook(webhookUrl, body, TEST_SECRETS.appSecret)).status).toBe(200);
}

test('the operator reads WhatsApp’s restriction and payment problem in words on the status line and in Settings, in Spanish too', async ({
  phone,
}) => {
  const { page, host } = phone;
  await deliver(host.services.webhookUrl!, 'doc-account-update-calling-restriction.json');
  await deliver(host.services.webhookUrl!, 'doc-errors-only-131044.json');
  const status = page.getByTestId('account-alerts-status');
  // Customers' calls cannot ring: the readiness line says so, and the other alert follows it.
  await expect(page.getByTestId('not-ready')).toHaveText(
    'WhatsApp restricted calling on this number until 12 Dec: too many missed calls.',
  );
  await expect(page.getByTestId('ready')).toHaveCount(0);
  await expect(status.getByTestId('account-alert')).toHaveText([
    'WhatsApp could not connect this call because the business account has no valid payment method: ask your administrator to add one. (WhatsApp code 131044)',
  ]);
  await page.getByTestId('tab-settings').click();
  // Settings lists them all, newest first.
  await expect(page.getByTestId('account-alerts-settings').getByTestId('account-alert')).toHaveText([
    'WhatsApp could not connect this call because the business account has no valid payment method: ask your administrator to add one. (WhatsApp code 131044)',
    'WhatsApp restricted calling on this number until 12 Dec: too many missed calls.',
  ]);
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('language').selectOption('es');
  await expect(page.getByTestId('not-ready')).toHaveText(
    'WhatsApp restringió las llamadas a este número hasta el 12 dic: demasiadas llamadas perdidas.',
  );
});

test('a call WhatsApp ends with an error code shows the code’s sentence in the agent’s language; one without a code still ends', async ({
  phone,
}) => {
  const { page, sim, host } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('language').selectOption('es');
  await page.getByTestId('tab-phone').click();
  const call = await sim.placeCall({ name: 'Cliente Dos' });
  await expect(page.getByTestId('answer')).toBeVisible();
  const ended = terminateWebhook({
    callId: call.callId,
    from: call.from,
    phoneNumberId: TEST_SECRETS.phoneNumberId,
    status: 'FAILED',
    error: { code: 138015, message: 'Calling cannot be enabled' },
  });
  expect((await postSignedWebhook(host.services.webhookUrl!, ended, TEST_SECRETS.appSecret)).status).toBe(200);
  await expect(page.getByTestId('end-message')).toHaveText(
    'No se pueden activar las llamadas en este número hasta que su límite de mensajes sea de al menos 2.000: consulta a tu administrador. (código de WhatsApp 138015)',
  );
  await page.getByTestId('dismiss').click();

  const second = await sim.placeCall({ name: 'Cliente Tres' });
  await expect(page.getByTestId('answer')).toBeVisible();
  const noCode = terminateWebhook({
    callId: second.callId,
    from: second.from,
    phoneNumberId: TEST_SECRETS.phoneNumberId,
    status: 'FAILED',
    error: { code: 0, message: 'Something failed' },
  }) as unknown as {
    entry: Array<{ changes: Array<{ value: { calls: Array<{ errors: object[] }>; errors: object[] } }> }>;
  };
  const value = noCode.entry[0]!.changes[0]!.value;
  delete (value.calls[0]!.errors[0] as { code?: number }).code;
  delete (value.errors[0] as { code?: number }).code;
  expect((await postSignedWebhook(host.services.webhookUrl!, noCode, TEST_SECRETS.appSecret)).status).toBe(200);
  await expect(page.getByTestId('end-message')).toHaveText(
    'WhatsApp informó de un problema con esta llamada sin decir cuál; los detalles están en el registro.',
  );
});
