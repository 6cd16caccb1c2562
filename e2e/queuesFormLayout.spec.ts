import AxeBuilder from '@axe-core/playwright';
import { test, expect, type Locator } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startGraphApiSim } from '../sim/graphApiSim';

/** Each field of a queue's box: its words apart from its control (beside or above), on a line of its own. */
function layoutOf(queue: Locator) {
  return queue.evaluate((box) =>
    [...box.querySelectorAll(':scope > label')].map((label) => {
      const words = label.firstElementChild!.getBoundingClientRect();
      const control = label.lastElementChild as HTMLInputElement;
      const at = control.getBoundingClientRect();
      return {
        text: label.firstElementChild!.textContent,
        apart: words.right <= at.left + 0.5 || words.bottom <= at.top + 0.5,
        ownLine: label.getBoundingClientRect().width >= box.getBoundingClientRect().width * 0.6,
        box: control.type === 'checkbox' ? undefined : `${Math.round(at.left)}/${Math.round(at.width)}`,
      };
    }),
  );
}

test('the queues form reads field by field: each label apart from its box, boxes of one width, wide and narrow, axe-clean', async ({
  browser,
}) => {
  const SECRETS = RELAY_TEST_SECRETS;
  const [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'queues-layout',
    databaseUrl: postgres.url,
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: { asha: 1, ben: 2 } }],
    }),
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const board = await context.newPage();
  try {
    await board.goto(`${relay.agentUrl.replace(/^ws/, 'http')}board`);
    await board
      .getByTestId('board-token')
      .fill(await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' }));
    await board.getByTestId('board-sign-in-button').click();
    await board.getByTestId('board-settings').click();
    const support = board.getByTestId('queue-support');
    await expect(support.getByTestId('queue-name')).toHaveValue('Support');
    for (const width of [1280, 420]) {
      await board.setViewportSize({ width, height: 900 });
      const layout = await layoutOf(support);
      expect(layout.length).toBeGreaterThan(6);
      expect(layout.filter((f) => !f.apart || !f.ownLine).map((f) => `${width}: ${f.text}`)).toEqual([]);
      expect(new Set(layout.flatMap((f) => (f.box ? [f.box] : []))).size, `${width}`).toBe(1);
      // The forms use the page's width (a queue's box most of it), and the hours' JSON box fills its fieldset.
      const room = await board.evaluate(() => {
        const main = document.querySelector('main')!;
        const content = main.clientWidth - parseFloat(getComputedStyle(main).paddingInlineStart) * 2;
        const hours = document.getElementById('queue-hours')!;
        return {
          queue: document.querySelector('fieldset.queue')!.getBoundingClientRect().width / content,
          hours: hours.getBoundingClientRect().width / hours.parentElement!.clientWidth,
        };
      });
      expect(room.queue, `${width}: a queue's share of the page`).toBeGreaterThan(0.75);
      expect(room.hours, `${width}: the hours box's share of its fieldset`).toBeGreaterThan(0.9);
      await board.screenshot({ path: `test-results/screens/queues-form-${width}.png`, fullPage: true });
    }
    const axe = await new AxeBuilder({ page: board }).include('[data-testid="queues-editor"]').analyze();
    expect(axe.violations.map((v) => v.id)).toEqual([]);
  } finally {
    await context.close();
    await relay.close();
    await graph.close();
    await redis.stop();
    await postgres.stop();
  }
});
