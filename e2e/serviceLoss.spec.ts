import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';

/** `npm start`'s browser host in its own process, so the test can stop, freeze and kill it like a crash would. */
async function startPhoneProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'scripts', 'start.ts')], {
    env: {
      ...process.env,
      SOFTPHONE_DATA_DIR: mkdtempSync(join(tmpdir(), 'softphone-service-')),
      SOFTPHONE_UI_PORT: '0',
      SOFTPHONE_NO_ELECTRON: '1',
      SOFTPHONE_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const match = /Open (http:\/\/\S+)/.exec(line);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the phone exited early (${code})`)));
  });
  return { child, url };
}

test('the phone’s service freezes, recovers, then dies: the page says so within 2 s each time', async ({ page }) => {
  const { child, url } = await startPhoneProcess();
  try {
    await page.goto(url);
    await expect(page.getByTestId('status')).toContainText('Not connected to WhatsApp yet');
    await expect(page.getByTestId('backend-lost')).toHaveCount(0);

    child.kill('SIGSTOP');
    await expect(page.getByTestId('backend-lost')).toBeVisible({ timeout: 2000 });
    child.kill('SIGCONT');
    await expect(page.getByTestId('backend-lost')).toHaveCount(0, { timeout: 3000 });
    await expect(page.getByTestId('status')).toContainText('Not connected to WhatsApp yet');

    child.kill('SIGKILL');
    await expect(page.getByTestId('backend-lost')).toBeVisible({ timeout: 2000 });
    await expect(page.getByTestId('backend-lost')).toContainText('Restart the phone');
  } finally {
    child.kill('SIGKILL');
  }
});
