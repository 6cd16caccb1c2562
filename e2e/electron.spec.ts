import { _electron as electron, test, expect, type ElectronApplication, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { electronBinary, electronSkipReason } from '../scripts/lib/electronBinary';
import { TEST_SECRETS } from './phoneFixture';

const binary = electronBinary();
test.skip(!binary, electronSkipReason('Electron e2e'));

let sim: WhatsAppSim;
let app: ElectronApplication;
let page: Page;

test.beforeEach(async () => {
  sim = await startWhatsAppSim({ ...TEST_SECRETS });
  const dataDir = mkdtempSync(join(tmpdir(), 'softphone-electron-'));
  app = await electron.launch({
    executablePath: binary,
    args: [
      join(__dirname, '..', 'out', 'main', 'index.js'),
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
    ],
    env: {
      ...process.env,
      WA_ACCESS_TOKEN: TEST_SECRETS.accessToken,
      WA_APP_SECRET: TEST_SECRETS.appSecret,
      SOFTPHONE_DATA_DIR: dataDir,
      WA_VERIFY_TOKEN: TEST_SECRETS.verifyToken,
      WA_PHONE_NUMBER_ID: TEST_SECRETS.phoneNumberId,
      WA_WEBHOOK_PORT: '0',
      WA_GRAPH_BASE_URL: sim.graphBaseUrl,
    },
  });
  page = await app.firstWindow();
  const status = await page.evaluate(() => window.softphone!.invoke('app:status', {}));
  sim.setWebhookUrl(status.webhook.localUrl!);
});

test.afterEach(async () => {
  await app?.close();
  await sim?.close();
});

test('electron: answers a call with audio both ways', async () => {
  const call = await sim.placeCall({ name: 'Electron Caller' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
  await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
});

test('electron: rejects a call', async () => {
  const call = await sim.placeCall({ name: 'Electron Caller' });
  await page.getByTestId('reject').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call rejected');
  expect(sim.graph.actionsFor(call.callId)).toEqual(['reject:200']);
});

test('electron: the page has no Node and the preload exposes only the contract', async () => {
  const globals = await page.evaluate(() => ({
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
    api: Object.keys(window.softphone ?? {}).sort(),
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined', api: ['invoke', 'on'] });
});

test('electron: closing the window hides it to the tray and the call goes on; with the tray off a live call is asked about', async () => {
  const call = await sim.placeCall({ name: 'Tray Caller' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.isVisible())).toBe(false);
  const heard = call.farEnd.received.loudFrames;
  await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 5000 }).toBeGreaterThan(heard + 20);
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
});
