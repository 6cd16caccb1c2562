import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { WINDOW_HEADER } from '../src/shared/ipcChannels';
import { SIM_PUBLIC_URL } from '../sim/phoneWithSim';
import { expect, openPhone, test, TEST_SECRETS } from './phoneFixture';

/** A policy file as IT would drop it in /etc/wa-softphone, here in a folder of the test's own. */
function policyFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'policy-')), 'policy.json');
  writeFileSync(file, text);
  return file;
}

const POLICY = JSON.stringify({
  connection: {
    mode: 'direct',
    accessToken: TEST_SECRETS.accessToken,
    appSecret: TEST_SECRETS.appSecret,
    phoneNumberId: TEST_SECRETS.phoneNumberId,
    verifyToken: TEST_SECRETS.verifyToken,
    webhookPort: 8787,
    tunnel: 'public_url',
    publicUrl: SIM_PUBLIC_URL,
  },
});

/** Every axe-core violation on the page, whatever its impact. */
async function axeViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** The window's id as the page sends it, so a request can be made as the page would make it. */
async function windowIdOf(page: Page): Promise<string> {
  const request = page.waitForRequest(
    (r) => r.url().includes('/api/invoke/') && r.headers()[WINDOW_HEADER] !== undefined,
  );
  await page.getByTestId('tab-settings').click();
  return (await request).headers()[WINDOW_HEADER]!;
}

test('a managed desk hides the administrator’s settings, works with them, and main refuses writing them', async ({
  page,
}) => {
  const phone = await openPhone(page, { unconfigured: true, env: { WA_POLICY_FILE: policyFile(POLICY) } });
  try {
    // Configured by the policy alone: no welcome, the phone is ready.
    await expect(page.getByTestId('idle')).toBeVisible();
    const windowId = await windowIdOf(page);
    await expect(page.getByTestId('connection-managed')).toHaveText(
      'Your administrator manages this desk’s connection: the WhatsApp account, the webhook and the relay address.',
    );
    await expect(page.getByTestId('administrator-section')).toHaveCount(0);
    for (const field of ['accessToken', 'appSecret', 'webhookPort', 'relayUrls', 'phoneNumberId', 'verifyToken']) {
      await expect(page.getByTestId(`setting-${field}`)).toHaveCount(0);
    }
    await expect(page.getByTestId('mode-direct')).toHaveCount(0);
    await expect(page.getByTestId('webhook-server')).toHaveCount(0);
    await expect(page.getByTestId('calling-settings')).toHaveCount(0);
    await page.getByTestId('settings-test').click();
    await expect(page.getByTestId('test-result')).toHaveText('Connected to Simulated Business (+1 555-144-1906).');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screens/settings-managed-light.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: 'test-results/screens/settings-managed-dark.png', fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });

    // Past the page: the same request the page would send, straight to main.
    // From the page itself, as the renderer's bridge sends it: the page cannot do more than this.
    const invoke = (channel: string, body: unknown) =>
      page.evaluate(
        async ({ channel, body, header, windowId }) => {
          const response = await fetch(`/api/invoke/${channel}`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', [header]: windowId },
            body: JSON.stringify(body),
          });
          return (await response.json()) as { result: Record<string, unknown> };
        },
        { channel, body, header: WINDOW_HEADER, windowId },
      );
    const view = await invoke('settings:get', {});
    expect(view.result).toMatchObject({ configured: true, accessTokenSet: false, phoneNumberId: '', webhookPort: 0 });
    expect(JSON.stringify(view.result)).not.toContain(TEST_SECRETS.accessToken);
    for (const write of [
      { accessToken: 'EAAGagentPastesHisOwnToken00000' },
      { appSecret: '00000000000000000000000000000000' },
      { webhookPort: 8788 },
      { mode: 'relay', relayUrls: 'wss://relay.elsewhere.example' },
    ]) {
      const refused = await invoke('settings:save', write);
      const field = Object.keys(write).at(-1)!;
      expect(refused.result).toMatchObject({ ok: false, errors: { [field]: 'lockedField' } });
    }
    // The policy is still in force: WhatsApp still accepts the desk.
    await page.getByTestId('settings-test').click();
    await expect(page.getByTestId('test-result')).toHaveText('Connected to Simulated Business (+1 555-144-1906).');

    // In Arabic the managed connection reads right to left, with nothing of the administrator's shown.
    await page.getByTestId('settings-section-desk').click();
    await page.getByTestId('language').selectOption('ar');
    await page.getByTestId('settings-section-connection').click();
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
    await expect(page.getByTestId('connection-managed')).toHaveText(
      'يدير المسؤول اتصال هذا المكتب: حساب واتساب وخطاف الويب وعنوان المُرحِّل.',
    );
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/screens/settings-managed-ar.png', fullPage: true });
  } finally {
    await phone.close();
  }
});

test('a desk the administrator set up for a team asks the agent only to sign in', async ({ page }) => {
  const policy = JSON.stringify({ connection: { mode: 'relay', relayUrls: 'wss://relay.example.com/' } });
  const phone = await openPhone(page, { unconfigured: true, env: { WA_POLICY_FILE: policyFile(policy) } });
  try {
    await page.getByTestId('tab-settings').click();
    // Not "nothing needs to be typed here" above the token field the agent must fill in (a tester's finding).
    await expect(page.getByTestId('welcome-managed')).toHaveText(
      'Your administrator set up this desk for the team: sign in below with your company account or the agent token they gave you.',
    );
    await expect(page.getByTestId('setting-agentToken')).toBeVisible();
    await expect(page.getByTestId('setting-relayUrls')).toHaveCount(0);
  } finally {
    await phone.close();
  }
});

test('a malformed policy locks the settings all the same and says so in the agent’s language', async ({ browser }) => {
  // A Spanish-speaking agent: the desk speaks the system's language until told otherwise.
  const context = await browser.newContext({ locale: 'es-ES' });
  const page = await context.newPage();
  const phone = await openPhone(page, {
    unconfigured: true,
    env: { WA_POLICY_FILE: policyFile('{"connection": {"webhookPort": 80, "accessToken": }') },
  });
  try {
    await page.getByTestId('tab-settings').click();
    await expect(page.getByTestId('connection-managed')).toHaveText(
      'Tu administrador gestiona la conexión de este puesto: la cuenta de WhatsApp, el webhook y la dirección del relé.',
    );
    await expect(page.getByText('No se pudo leer la configuración del administrador para este puesto')).toBeVisible();
    // Not connected, yet nothing to type: the welcome says who finishes it, not Meta's steps for a form that is not there.
    await expect(page.getByTestId('welcome-managed')).toContainText('pídele que la termine');
    await expect(page.getByTestId('welcome-steps')).toHaveCount(0);
    await expect(page.getByTestId('administrator-section')).toHaveCount(0);
    await expect(page.getByTestId('setting-accessToken')).toHaveCount(0);
    const logged = phone.logs.find((r) => r.msg.includes('administrator settings could not be read'));
    expect(logged).toMatchObject({ level: 'error', detail: 'not valid JSON' });
  } finally {
    await phone.close();
    await context.close();
  }
});

test('without a policy the Administrator section is there, the desk saves once for its section, languages by name', async ({
  phone,
}) => {
  const { page } = phone;
  await page.getByTestId('tab-settings').click();
  await expect(page.getByTestId('administrator-section')).toContainText('Administrator');
  await expect(page.getByTestId('setting-accessToken')).toBeVisible();
  await expect(page.getByTestId('setting-permissionTemplateLanguage').locator('option[value="pt_BR"]')).toHaveText(
    'Brazilian Portuguese',
  );
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/screens/settings-administrator.png', fullPage: true });
  await page.getByTestId('settings-section-desk').click();
  await expect(page.getByRole('button', { name: 'Save' })).toHaveCount(1);
  await page.getByTestId('wrap-up-codes').fill('Solved\nEscalated');
  await page.getByTestId('crm-template').fill('https://crm.example.invalid/c/{phone}');
  await page.getByTestId('follow-up-template').fill('missed_call_sorry');
  await page.getByTestId('follow-up-language').selectOption('es_MX');
  await page.getByTestId('section-save').click();
  await expect(page.getByTestId('section-saved')).toHaveText('Saved.');
  expect(await axeViolations(page)).toEqual([]);
  await page.screenshot({ path: 'test-results/screens/settings-desk.png', fullPage: true });
  await expect(page.getByTestId('capture-language').locator('option[value="en_US"]')).toHaveText('American English');
  // All three were saved by the one button, and come back after a reload.
  await page.reload();
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await expect(page.getByTestId('wrap-up-codes')).toHaveValue('Solved\nEscalated');
  await expect(page.getByTestId('crm-template')).toHaveValue('https://crm.example.invalid/c/{phone}');
  await expect(page.getByTestId('follow-up-language')).toHaveValue('es_MX');
});
