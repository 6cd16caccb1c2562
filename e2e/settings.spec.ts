import { expect, openPhone, test, TEST_SECRETS } from './phoneFixture';
import { localProxyTunnels } from './localTunnel';

test('first run: onboarding validates, saves, tests the connection and takes a call', async ({ page }) => {
  const phone = await openPhone(page, { unconfigured: true });
  try {
    await expect(page.getByRole('heading', { name: 'Welcome to the WhatsApp Business phone' })).toBeVisible();
    await expect(page.getByTestId('secrets-unencrypted')).toBeVisible();
    await page.getByTestId('setting-phoneNumberId').fill('+1 555 0100');
    await page.getByTestId('setting-webhookPort').fill('80');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('error-phoneNumberId')).toContainText('numeric ID');
    await expect(page.getByTestId('error-webhookPort')).toHaveText('Webhook port: 1024 or above');
    await expect(page.getByTestId('error-accessToken')).toHaveText('Access token: required');

    await page.getByTestId('setting-accessToken').fill(TEST_SECRETS.accessToken);
    await page.getByTestId('setting-phoneNumberId').fill(TEST_SECRETS.phoneNumberId);
    await page.getByTestId('setting-appSecret').fill(TEST_SECRETS.appSecret);
    await page.getByTestId('setting-verifyToken').fill(TEST_SECRETS.verifyToken);
    await page.getByTestId('setting-webhookPort').fill('8787');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('settings-saved')).toBeVisible();
    // The window never receives a secret back.
    await expect(page.getByTestId('setting-accessToken')).toHaveValue('');
    await expect(page.getByTestId('setting-accessToken')).toHaveAttribute(
      'placeholder',
      'Stored. Leave empty to keep it.',
    );

    await page.getByTestId('settings-test').click();
    await expect(page.getByTestId('test-result')).toHaveText('Connected to Simulated Business (+1 555-144-1906).');

    await expect(page.getByTestId('webhook-server')).toContainText('Listening on http://127.0.0.1:');
    await expect(page.getByTestId('verify-token')).toHaveText(TEST_SECRETS.verifyToken);
    // With no https address given, the only address is the local one the webhook server listens on.
    await expect(page.getByTestId('callback-url')).toHaveText('–');
    const localUrl = /Listening on (\S+)/.exec((await page.getByTestId('webhook-server').textContent())!)![1]!;
    const verify = await fetch(
      `${localUrl}?hub.mode=subscribe&hub.challenge=42&hub.verify_token=${TEST_SECRETS.verifyToken}`,
    );
    expect(await verify.text()).toBe('42');

    phone.sim.setWebhookUrl(localUrl);
    await phone.sim.placeCall({ name: 'First Customer' });
    await expect(page.getByTestId('caller-name')).toHaveText('First Customer');
    await expect(page.getByTestId('last-event')).toHaveCount(0);
    await page.getByTestId('tab-settings').click();
    await expect(page.getByTestId('last-event')).toContainText('Last event received');
    await expect(page.getByTestId('last-event')).toContainText('1 accepted, 0 refused');
  } finally {
    await phone.close();
  }
});

test('a wrong token or phone number ID is named in the connection test', async ({ phone }) => {
  const { page } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-accessToken').fill('EAAGthisTokenWasRevoked000000');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await page.getByTestId('settings-test').click();
  await expect(page.getByTestId('error-accessToken')).toContainText('WhatsApp does not accept it');

  await page.getByTestId('setting-accessToken').fill(TEST_SECRETS.accessToken);
  await page.getByTestId('setting-phoneNumberId').fill('99999999');
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-test').click();
  await expect(page.getByTestId('error-phoneNumberId')).toContainText('no phone number with this ID');
  expect(JSON.stringify(phone.logs)).not.toContain('EAAGthisTokenWasRevoked000000');
});

test('a public URL becomes the callback URL to paste into Meta', async ({ phone }) => {
  const { page } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('tunnel-public_url').check();
  await page.getByTestId('setting-publicUrl').fill('');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('error-publicUrl')).toContainText('required');
  await page.getByTestId('setting-publicUrl').fill('https://phone.example.com/');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('callback-url')).toHaveText('https://phone.example.com/webhook');
});

test('the built-in tunnel carries webhooks to the phone and reports a bad authtoken', async ({ page }) => {
  const opened: string[] = [];
  const phone = await openPhone(page, { tunnels: localProxyTunnels(opened) });
  try {
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('tunnel-ngrok').check();
    await page.getByTestId('setting-ngrokAuthtoken').fill('wrong');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('tunnel-state')).toContainText('Tunnel failed: authentication failed');

    await page.getByTestId('setting-ngrokAuthtoken').fill('test-ngrok-authtoken');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('tunnel-state')).toHaveText('ngrok tunnel is up.');
    await expect(page.getByTestId('callback-url')).toHaveText(`${opened[0]}/webhook`);
    phone.sim.setWebhookUrl(`${opened[0]}/webhook`);
    await phone.sim.placeCall({ name: 'Through The Tunnel' });
    await expect(page.getByTestId('caller-name')).toHaveText('Through The Tunnel');
  } finally {
    await phone.close();
  }
});

test('a refused webhook shows in the status with its reason', async ({ phone }) => {
  const { page, host } = phone;
  const reply = await fetch(host.services.webhookUrl!, {
    method: 'POST',
    body: '{}',
    headers: { 'X-Hub-Signature-256': 'sha256=00' },
  });
  expect(reply.status).toBe(401);
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('last-rejection')).toContainText('HTTP 401');
});

test('the operator sees what WhatsApp’s calling settings mean, changes them from the desk, and the holidays survive', async ({
  phone,
}) => {
  const { page, sim } = phone;
  // Shaped like Meta's "Configure Call Settings" sample, with SIP switched on.
  sim.graph.setCallingSettings({
    calling: {
      status: 'ENABLED',
      call_icon_visibility: 'DEFAULT',
      callback_permission_status: 'ENABLED',
      call_hours: {
        status: 'ENABLED',
        timezone_id: 'America/Manaus',
        weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0400', close_time: '1020' }],
        holiday_schedule: [{ date: '2099-12-25', start_time: '0000', end_time: '2359' }],
      },
      sip: { status: 'ENABLED', servers: [{ hostname: 'sip.example.com', port: 5061 }] },
    },
  });
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-test').click();
  await expect(page.getByTestId('test-findings')).toContainText('SIP is turned on for this number');
  await expect(page.getByTestId('calling-findings')).toContainText('SIP is turned on');
  await expect(page.getByTestId('calling-schedule')).toContainText('Holidays (kept when you save): 2099-12-25');

  await page.getByTestId('calling-callback').uncheck();
  await page.getByTestId('calling-timezone').fill('Europe/Madrid');
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-saved')).toBeVisible();
  const calling = (sim.graph.callingSettings as { calling: Record<string, unknown> }).calling;
  expect(calling.callback_permission_status).toBe('DISABLED');
  expect(calling.call_hours).toEqual({
    status: 'ENABLED',
    timezone_id: 'Europe/Madrid',
    weekly_operating_hours: [{ day_of_week: 'MONDAY', open_time: '0400', close_time: '1020' }],
    holiday_schedule: [{ date: '2099-12-25', start_time: '0000', end_time: '2359' }],
  });
  await expect(page.getByTestId('calling-findings')).toContainText(
    'Customers who call do not give permission to be called back',
  );
});

test('the administrator tells the two saves of Settings > Connection apart: one per card, under its heading, named by what it saves and where it goes', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  const connection = page.getByRole('region', { name: 'WhatsApp connection' });
  const calling = page.getByRole('region', { name: 'Calling at WhatsApp' });
  await expect(calling.getByTestId('calling-save')).toBeVisible();
  // Each card holds one save, its own: the desk's connection here, the number's settings at WhatsApp there.
  const saves = /save|send/i;
  await expect(connection.getByRole('button', { name: saves })).toHaveCount(1);
  await expect(calling.getByRole('button', { name: saves })).toHaveCount(1);
  await expect(connection.getByRole('button', { name: saves })).toHaveAccessibleName('Save connection');
  await expect(connection.getByRole('button', { name: saves })).toHaveAccessibleDescription(
    'Kept on this computer, for this desk only.',
  );
  await expect(calling.getByRole('button', { name: saves })).toHaveAccessibleName('Send calling settings to WhatsApp');
  await expect(calling.getByRole('button', { name: saves })).toHaveAccessibleDescription(
    'These are your number’s settings at WhatsApp: sending them changes calling for every customer and every desk on this number.',
  );
  // What each sends is its own: the connection's Save leaves WhatsApp's calling settings alone.
  const before = JSON.stringify(sim.graph.callingSettings);
  await page.getByTestId('calling-callback').uncheck();
  await connection.getByRole('button', { name: 'Save connection' }).click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  expect(JSON.stringify(sim.graph.callingSettings)).toBe(before);
  await calling.getByRole('button', { name: 'Send calling settings to WhatsApp' }).click();
  await expect(page.getByTestId('calling-saved')).toBeVisible();
  expect(JSON.stringify(sim.graph.callingSettings)).toContain('"callback_permission_status":"DISABLED"');
});

test('a token without whatsapp_business_management: the connection works and the desk says what the settings need', async ({
  phone,
}) => {
  const { page, sim } = phone;
  sim.graph.setManagementPermission(false);
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('calling-error')).toContainText('lacks the whatsapp_business_management permission');
  await page.getByTestId('settings-test').click();
  await expect(page.getByTestId('test-result')).toContainText('Connected to Simulated Business');
  await expect(page.getByTestId('test-findings')).toContainText('whatsapp_business_management');
});

test('settings come in sections: the connection apart from audio, desk and team; Open Settings goes to what needs fixing', async ({
  phone,
}) => {
  const { page } = phone;
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('connection-settings')).toBeVisible();
  await expect(page.getByTestId('devices-panel')).toHaveCount(0);
  await page.getByTestId('settings-section-audio').click();
  await expect(page.getByTestId('devices-panel')).toBeVisible();
  await expect(page.getByTestId('connection-settings')).toHaveCount(0);
  await page.getByTestId('settings-section-desk').click();
  await expect(page.getByTestId('preferences-panel')).toBeVisible();
  await page.getByTestId('settings-section-team').click();
  await expect(page.getByTestId('relay-state')).toContainText('takes WhatsApp calls itself');
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  expect(height).toBeLessThan(1400);
  // A problem named on the status line opens the section that fixes it.
  await page.getByTestId('settings-section-connection').click();
  await page.getByTestId('tunnel-none').check();
  await page.getByTestId('settings-save').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('fix-settings').click();
  await expect(page.getByTestId('connection-settings')).toBeVisible();
});
