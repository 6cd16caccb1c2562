import { test, expect } from '@playwright/test';
import { startRelay } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startGraphApiSim } from '../sim/graphApiSim';

const SAID: Record<string, string> = {
  en: 'Paste your supervisor token first.',
  es: 'Pega primero tu token de supervisor.',
  'pt-BR': 'Cole primeiro o seu token de supervisor.',
  hi: 'पहले अपना सुपरवाइज़र टोकन चिपकाएँ।',
  ar: 'الصق رمز المشرف أولًا.',
};

test('signing in to the board with no token says to paste one first, in each board language', async ({ browser }) => {
  const SECRETS = RELAY_TEST_SECRETS;
  const [redis, graph] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'sign-in-empty',
  });
  const context = await browser.newContext();
  const board = await context.newPage();
  try {
    await board.goto(`${relay.agentUrl.replace(/^ws/, 'http')}board`);
    const languages = await board
      .getByTestId('board-language')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(languages.sort()).toEqual(Object.keys(SAID).sort());
    for (const language of languages) {
      await board.getByTestId('board-language').selectOption(language);
      // Empty, then only spaces: neither is sent, and the page says why nothing happened.
      for (const typed of ['', '   ']) {
        await board.getByTestId('board-token').fill(typed);
        await board.getByTestId('board-sign-in-button').click();
        await expect(board.getByTestId('board-problem'), `${language} '${typed}'`).toHaveText(SAID[language]!);
        await board.evaluate(() => {
          document.getElementById('problem')!.hidden = true;
        });
      }
    }
    await expect(board.getByTestId('board-sign-in')).toBeVisible();
  } finally {
    await context.close();
    await relay.close();
    await graph.close();
    await redis.stop();
  }
});
