import { test, expect } from '@playwright/test';
import { startBoardOnRelayProcess } from './boardOnRelayProcess';

test('the relay freezes without closing the line: within 12 s the board says it lost the relay, stops its timers and refuses actions; live again once the relay runs', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { relay, board, ben, close } = await startBoardOnRelayProcess(browser, 'frozen');
  let frozen = false;
  try {
    const stale = board.getByTestId('board-stale');
    await expect(stale).toBeHidden();

    // A frozen relay (as a suspended VM would be) keeps its sockets open: nothing closes, nothing more comes.
    process.kill(relay.pid, 'SIGSTOP');
    frozen = true;
    const frozenAt = Date.now();
    await expect(stale).toBeVisible({ timeout: 20_000 });
    const noticedAfterMs = Date.now() - frozenAt;
    // Not on a close (there was none), but on the silence: after about 12 s of it, not much later.
    expect(noticedAfterMs).toBeGreaterThan(9_000);
    expect(noticedAfterMs).toBeLessThan(15_000);
    await expect(stale).toHaveText(
      /^Lost contact with the team relay at \d{1,2}:\d\d\s?[AP]M; figures are as of then\. Reconnecting…$/,
    );
    await expect(board.getByTestId('board-live')).toHaveText('Reconnecting…');
    await expect(board.locator('#board')).toHaveClass(/stale/);
    expect(Number(await board.locator('.floor').evaluate((el) => getComputedStyle(el).opacity))).toBeLessThan(0.6);
    const forCell = ben.locator('td').nth(2);
    const stopped = await forCell.textContent();
    await board.waitForTimeout(2200);
    await expect(forCell).toHaveText(stopped!);
    await ben.getByTestId('agent-set-status').click();
    await expect(board.getByTestId('board-problem')).toHaveText(
      'Not sent: the board has lost contact with the team relay. Try again once it is live.',
    );
    await board.getByTestId('wallboard-toggle').click();
    await expect(stale).toBeVisible();
    await board.getByTestId('wallboard-toggle').click();

    // The relay runs again: the page's next attempt gets through, and the board is live.
    process.kill(relay.pid, 'SIGCONT');
    frozen = false;
    await expect(stale).toBeHidden({ timeout: 40_000 });
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    await expect(board.locator('#board')).not.toHaveClass(/stale/);
    await expect(board.getByTestId('board-problem')).toBeHidden();
  } finally {
    if (frozen) process.kill(relay.pid, 'SIGCONT');
    await close();
  }
});

test('a Set Away clicked while the relay is frozen, before the board notices, is not done when the relay runs again: the board says it came too late', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { relay, board, ben, close } = await startBoardOnRelayProcess(browser, 'frozen-late');
  let frozen = false;
  try {
    process.kill(relay.pid, 'SIGSTOP');
    frozen = true;
    const frozenAt = Date.now();
    // The board does not know yet (it would after 12 s of silence): the click goes out and waits on the line.
    await ben.getByTestId('agent-set-status').click();
    await board.waitForTimeout(Math.max(0, frozenAt + 10_000 - Date.now()));
    await expect(board.getByTestId('board-stale')).toBeHidden();
    process.kill(relay.pid, 'SIGCONT');
    frozen = false;

    await expect(board.getByTestId('board-problem')).toHaveText(
      'Not done: the change reached the team relay too late (the line or the relay was held up). Check the board and try again.',
      { timeout: 10_000 },
    );
    // Snapshots after it still show Ben Available: the change the supervisor stopped waiting for was never made.
    await board.waitForTimeout(2000);
    await expect(ben.getByTestId('agent-status')).toHaveText('Available');
  } finally {
    if (frozen) process.kill(relay.pid, 'SIGCONT');
    await close();
  }
});
