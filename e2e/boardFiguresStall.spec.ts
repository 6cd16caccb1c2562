import { test, expect } from '@playwright/test';
import { startBoardOnRelayProcess } from './boardOnRelayProcess';

test('the team’s Redis hangs while the relay runs: within about 5 s the board says its figures are not updating and why, stops its timers, refuses Set Away with why; live again once Redis answers', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { redis, board, ben, close } = await startBoardOnRelayProcess(browser, 'stalled');
  let paused = false;
  try {
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
    await close();
  }
});
