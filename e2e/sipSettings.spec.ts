import { expect, test } from './phoneFixture';

/**
 * Issue 27: SIP at WhatsApp and the SRTP key exchange are edited in Settings > Calling at WhatsApp, as "Configure Call
 * Settings" and the "SIP Configuration Guide" (Meta, 2026) describe them, each with what it means for this phone;
 * what WhatsApp would refuse is named in the agent's language before anything is sent, and the Graph API simulator
 * judges what is sent by its own rules.
 */
test('the operator turns SIP on toward a SIP server with webhooks kept and SDES keys; mistakes are named first, in Spanish too', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const posts = () => sim.graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/settings')).length;
  await page.getByTestId('tab-settings').click();
  const sip = page.getByTestId('calling-sip');
  await expect(sip).toContainText('With SIP on, WhatsApp rings your SIP server');
  await expect(sip).toContainText('DTLS agrees the keys inside the media connection itself');
  await page.getByTestId('calling-srtp').selectOption('SDES');
  await expect(sip).toContainText('SDES sends the keys inside the SIP signalling');
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-sip-problems')).toHaveText(
    'SDES works only with SIP on: turn SIP on, or choose DTLS.',
  );

  await page.getByTestId('calling-sip-status').check();
  await page.getByTestId('calling-sip-hostname').fill('203.0.113.7');
  await page.getByTestId('calling-sip-port').fill('70000');
  await page.getByTestId('calling-sip-params').fill('trunk=wa\ngroup=b;1');
  const before = posts();
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-sip-problems').locator('li')).toHaveText([
    'SIP server: 203.0.113.7 is not a host name such as sip.example.com (WhatsApp checks that the server’s certificate names it, so an address will not do).',
    'SIP server port: 70000 is not a port from 1 to 65535.',
    "Request URI parameter “group=b;1”: write name=value, with letters, digits and - _ . ! ~ * ' ( ) only.",
  ]);
  expect(posts()).toBe(before);

  // In the agent's language (the panel reads WhatsApp's settings again: SIP is still off there).
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('language').selectOption('es');
  await page.getByTestId('settings-section-connection').click();
  await expect(page.getByTestId('calling-sip')).toContainText('Con SIP activado, WhatsApp llama a tu servidor SIP');
  await expect(page.getByTestId('calling-sip-status')).not.toBeChecked();
  await page.getByTestId('calling-sip-status').check();
  await page.getByTestId('calling-srtp').selectOption('SDES');
  await page.getByTestId('calling-sip-port').fill('70000');
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-sip-problems').locator('li')).toHaveText([
    'SIP está activado pero falta el nombre de host del servidor SIP: añádelo o desactiva SIP.',
    'Puerto del servidor SIP: 70000 no es un puerto entre 1 y 65535.',
  ]);
  expect(posts()).toBe(before);

  await page.getByTestId('calling-sip-hostname').fill('sip.example.com');
  await page.getByTestId('calling-sip-port').fill('');
  await page.getByTestId('calling-sip-params').fill('trunk=wa\ngroup=b1');
  await page.getByTestId('calling-sip-webhooks').check();
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-saved')).toBeVisible();
  await expect(page.getByTestId('calling-sip-problems')).toHaveCount(0);
  const calling = (sim.graph.callingSettings as { calling: Record<string, unknown> }).calling;
  expect(calling.sip).toEqual({
    status: 'ENABLED',
    webhook_delivery: 'ENABLED',
    servers: [{ hostname: 'sip.example.com', port: 5061, request_uri_user_params: { trunk: 'wa', group: 'b1' } }],
  });
  expect(calling.srtp_key_exchange_protocol).toBe('SDES');
  // The panel shows what WhatsApp now holds.
  await expect(page.getByTestId('calling-sip-port')).toHaveValue('5061');
  await expect(page.getByTestId('calling-sip-status')).toBeChecked();
});

test('saving other calling settings leaves SIP and the key exchange as WhatsApp has them', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('calling-callback').uncheck();
  await page.getByTestId('calling-save').click();
  await expect(page.getByTestId('calling-saved')).toBeVisible();
  const sent = sim.graph.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/settings')).at(-1);
  const body = sent?.body as { calling: Record<string, unknown> };
  expect(body.calling.callback_permission_status).toBe('DISABLED');
  expect(body.calling).not.toHaveProperty('sip');
  expect(body.calling).not.toHaveProperty('srtp_key_exchange_protocol');
});
