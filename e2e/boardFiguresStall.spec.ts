import { test, expect } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { freePort } from '../src/relay/freePort';
import { connectTestAgent } from '../src/relay/testAgent';
import { startRelayProcess } from '../src/relay/testRelayProcess';
import { startTestRedis } from '../src/relay/testRedis';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';
import { TeamQueues } from '../src/shared/teamQueues';
import { startGraphApiSim } from '../sim/graphApiSim';

test('the team’s Redis hangs while the relay runs: within about 5 s the board says its figures are not updating and why, stops its timers, refuses Set Away with why; live again once Redis answers', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const SECRETS = RELAY_TEST_SECRETS;
  const [redis, graph] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const agentPort = await freePort();
  const relay = await startRelayProcess({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    prefix: 'stalled',
    agentPort,
    queues: TeamQueues.parse({
      defaultQueue: 'support',
      queues: [{ id: 'support', name: 'Support', routing: 'ring_all', agents: { ben: 1 } }],
    }),
  });
  const desk = await connectTestAgent('ben', [relay.agentUrl]);
  const context = await browser.newContext();
  const board = await context.newPage();
  let paused = false;
  try {
    await board.goto(`http://127.0.0.1:${agentPort}/board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', SECRETS.agentSecret));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    const ben = board.locator('[data-testid="agent-row"][data-agent="ben"]');
    await expect(ben.getByTestId('agent-status')).toHaveText('Available');
    const stale = board.getByTestId('board-stale');
    await expect(stale).toBeHidden();

    // Redis hangs (a frozen host): the relay's line to the page stays up, its snapshots stop.
    redis.pause();
    paused = true;
    const pausedAt = Date.now();
    await expect(stale).toBeVisible({ timeout: 15_000 });
    const noticedAfterMs = Date.now() - pausedAt;
    // 5 s after the last snapshot, which came at most a second before the pause.
    expect(noticedAfterMs).toBeGreaterThan(3_500);
    expect(noticedAfterMs).toBeLessThan(8_000);
    await expect(stale).toHaveText(
      /^Figures are not updating: the team relay cannot read the team’s state just now; they are as of \d{1,2}:\d\d:\d\d\s?[AP]M\.$/,
    );
    // The line itself is fine: the header does not say it reconnects.
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    await expect(board.locator('#board')).toHaveClass(/stale/);
    expect(Number(await board.locator('.floor').evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(0.6);
    const forCell = ben.locator('td').nth(2);
    const stopped = await forCell.textContent();
    await board.waitForTimeout(2200);
    await expect(forCell).toHaveText(stopped!);
    // Tried all the same: the relay answers at once that it cannot do it now.
    await ben.getByTestId('agent-set-status').click();
    await expect(board.getByTestId('board-problem')).toHaveText(
      'Not done: the team relay cannot read the team’s state just now. Try again once the figures are updating.',
      { timeout: 3000 },
    );
    await expect(ben.getByTestId('agent-status')).toHaveText('Available');
    await board.getByTestId('wallboard-toggle').click();
    await expect(stale).toBeVisible();
    await board.getByTestId('wallboard-toggle').click();

    redis.resume();
    paused = false;
    const resumedAt = Date.now();
    await expect(stale).toBeHidden({ timeout: 5_000 });
    expect(Date.now() - resumedAt).toBeLessThan(3_000);
    await expect(board.locator('#board')).not.toHaveClass(/stale/);
    await expect(board.getByTestId('board-problem')).toBeHidden();
    await expect(forCell).not.toHaveText(stopped!, { timeout: 3000 });
    // Set Away was refused, not kept for later: Ben is still available once Redis answers.
    await board.waitForTimeout(1500);
    await expect(ben.getByTestId('agent-status')).toHaveText('Available');
  } finally {
    if (paused) redis.resume();
    desk.client.close();
    await context.close();
    await relay.stop();
    await graph.close();
    await redis.stop();
  }
});
