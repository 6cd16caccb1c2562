import { test, expect } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { startTestRedis } from '../src/relay/testRedis';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startGraphApiSim } from '../sim/graphApiSim';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/lib/chromiumLaunch';

// Real scrollbars, as a desktop browser shows them (headless hides them): the page's width is the window's less its bar.
test.use({
  launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--hide-scrollbars'] },
});

test('at 420 px wide every tile of the board is inside the window, none clipped, no sideways scroll', async ({
  browser,
}) => {
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
    prefix: 'narrow-tiles',
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: { asha: 1, ben: 2 } }],
    }),
  });
  const context = await browser.newContext({ viewport: { width: 420, height: 500 } });
  const board = await context.newPage();
  try {
    await board.goto(`${relay.agentUrl.replace(/^ws/, 'http')}board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', SECRETS.agentSecret));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    const tiles = board.locator('#tiles > li');
    await expect.poll(() => tiles.count()).toBeGreaterThan(2);
    // Each tile's right edge, and how far its content overflows it.
    const measure = () =>
      tiles.evaluateAll((items) =>
        items.map((li) => ({
          id: li.getAttribute('data-testid'),
          right: Math.round(li.getBoundingClientRect().right),
          overflow: li.scrollWidth - li.clientWidth,
        })),
      );
    const languages = await board
      .getByTestId('board-language')
      .locator('option')
      .evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
    for (const language of languages) {
      await board.setViewportSize({ width: 420, height: 500 });
      await board.getByTestId('board-language').selectOption(language);
      // Laid out (a redraw replaces the tiles each second), then measured.
      await expect.poll(async () => (await measure()).every((t) => t.right > 0)).toBe(true);
      const scrolling = await measure();
      const width = await board.evaluate(() => document.documentElement.clientWidth);
      expect(
        scrolling.filter((t) => t.right > width || t.overflow > 0),
        language,
      ).toEqual([]);
      expect(await board.evaluate(() => document.documentElement.scrollWidth), language).toBeLessThanOrEqual(width);
      // A window tall enough for no scrollbar (as a full-page capture takes it) lays the tiles out the same: they
      // do not jump by the bar's width as rows come and go, nor spill past a capture cut at the scrolled width.
      await board.setViewportSize({ width: 420, height: 3000 });
      await expect.poll(measure, { message: language }).toEqual(scrolling);
      await board.setViewportSize({ width: 420, height: 500 });
      await board.screenshot({ path: `test-results/screens/board-420-${language}.png`, fullPage: true });
    }
  } finally {
    await context.close();
    await relay.close();
    await graph.close();
    await redis.stop();
  }
});
