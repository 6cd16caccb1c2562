import { test, expect } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { freePort } from '../src/relay/freePort';
import { startRelay, type Relay } from '../src/relay/relayServer';
import { connectTestAgent } from '../src/relay/testAgent';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startGraphApiSim } from '../sim/graphApiSim';

test('the relay goes away: the board marks its floor stale with when, stops its timers and refuses actions until live again; the reports page opens on a report and clears it when the sign-in ends', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const SECRETS = RELAY_TEST_SECRETS;
  const [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const agentPort = await freePort();
  const start = () =>
    startRelay({
      ...SECRETS,
      redisUrl: redis.url,
      graphBaseUrl: graph.baseUrl,
      logger: createMemoryLogger(),
      prefix: 'lost',
      agentPort,
      databaseUrl: postgres.url,
      queues: TeamQueues.parse({
        defaultQueue: 'support',
        queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: { ben: 1 } }],
      }),
    });
  let relay: Relay | undefined = await start();
  const desk = await connectTestAgent('ben', [relay.agentUrl]);
  const context = await browser.newContext();
  const board = await context.newPage();
  try {
    await board.goto(`http://127.0.0.1:${agentPort}/board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', SECRETS.agentSecret));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    const ben = board.locator('[data-testid="agent-row"][data-agent="ben"]');
    await expect(ben.getByTestId('agent-status')).toHaveText('Available');
    await expect(board.getByTestId('board-stale')).toBeHidden();

    // The relay stops: the floor is dimmed, a sentence says since when, and Ben's "For" stops counting.
    await relay.close();
    relay = undefined;
    const stale = board.getByTestId('board-stale');
    await expect(stale).toBeVisible();
    await expect(stale).toHaveText(
      /^Lost contact with the team relay at \d{1,2}:\d\d\s?[AP]M; figures are as of then\. Reconnecting…$/,
    );
    await expect(board.locator('#board')).toHaveClass(/stale/);
    expect(Number(await board.locator('.floor').evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(0.6);
    const forCell = ben.locator('td').nth(2);
    const frozen = await forCell.textContent();
    await board.waitForTimeout(2200);
    await expect(forCell).toHaveText(frozen!);
    // An action is refused with a sentence, and the button stays usable for when the board is live again.
    await ben.getByTestId('agent-set-status').click();
    await expect(board.getByTestId('board-problem')).toHaveText(
      'Not sent: the board has lost contact with the team relay. Try again once it is live.',
    );
    await expect(ben.getByTestId('agent-set-status')).toBeEnabled();
    // The wallboard says so too, large.
    await board.getByTestId('wallboard-toggle').click();
    await expect(stale).toBeVisible();
    await board.getByTestId('wallboard-toggle').click();

    // The relay is back: the board is live again, undimmed, the sentence and the refusal gone.
    relay = await start();
    await expect(stale).toBeHidden({ timeout: 20_000 });
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    await expect(board.locator('#board')).not.toHaveClass(/stale/);
    await expect(board.getByTestId('board-problem')).toBeHidden();

    // The reports page opens on a report without Show; when the relay ends the sign-in, the report goes.
    await board.getByTestId('board-reports').click();
    await expect(board.getByTestId('report-team')).toBeVisible();
    await board.route('**/board/api/report**', (route) => route.fulfill({ status: 401, body: '' }));
    await board.getByTestId('report-show').click();
    await expect(board.getByTestId('report-problem')).toHaveText(
      'Your sign-in has ended (the token expired or was revoked): sign in again on the live board.',
    );
    await expect(board.getByTestId('report-team')).toHaveCount(0);
    await expect(board.locator('#report')).toBeHidden();
    await expect(board.locator('canvas:visible')).toHaveCount(0);
  } finally {
    desk.client.close();
    await context.close();
    await relay?.close();
    await graph.close();
    await redis.stop();
    await postgres.stop();
  }
});
