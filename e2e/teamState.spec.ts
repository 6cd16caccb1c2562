import { test, expect, type Page } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { TeamQueues } from '../src/shared/teamQueues';
import { AGENT_SECRET, startTeam } from './teamDesks';

const queues = TeamQueues.parse({
  defaultQueue: 'support',
  repeatCallerMinutes: 0,
  queues: [{ id: 'support', name: 'Support', routing: 'ring_all', ringSeconds: 30, agents: { asha: 9, ben: 5 } }],
});

async function openBoard(board: Page, agentUrl: string) {
  await board.goto(`${agentUrl.replace(/^ws/, 'http')}board`);
  await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', AGENT_SECRET));
  await board.getByTestId('board-sign-in-button').click();
  await expect(board.getByTestId('board-live')).toHaveText('Live');
  return (id: string) => board.locator(`[data-testid="agent-row"][data-agent="${id}"]`).getByTestId('agent-status');
}

test('an agent answers a queue call and the top bar says On call, then after-call work after hanging up, then chooses Not ready: lunch and the board shows it', async ({
  browser,
}) => {
  const { sim, relays, pageA, pageB, close } = await startTeam(browser, { queues });
  const board = await (await browser.newContext()).newPage();
  try {
    const boardStatus = await openBoard(board, relays[1]!.agentUrl);
    const stateA = pageA.getByTestId('team-state');
    await expect(stateA).toHaveText('Available');
    await expect(pageB.getByTestId('team-state')).toHaveText('Available');

    const call = await sim.placeCall({ name: 'Queue Caller' });
    await expect(stateA).toHaveText('Ringing');
    await expect(pageB.getByTestId('team-state')).toHaveText('Ringing');
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(stateA).toHaveText(/^On call 0:\d\d$/);
    // Support does not allow call waiting: the line does not promise a waiting call.
    await expect(pageA.getByTestId('on-a-call')).toHaveText(
      'On a call: new calls ring for you once you are free again.',
    );
    // The time in state ticks.
    await expect(stateA).toHaveText(/^On call 0:0[1-9]$/);
    await expect(pageB.getByTestId('team-state')).toHaveText('Available');
    await expect(boardStatus('asha')).toHaveText('On call');

    await pageA.getByTestId('hangup').click();
    await expect.poll(() => sim.graph.actionsFor(call.callId)).toContain('terminate:200');
    await expect(stateA).toHaveText(/^After-call work 0:0\d$/);
    // The relay holds after-call work until the wrap-up is saved: the board says so (not "not ready: busy").
    await expect(boardStatus('asha')).toHaveText('After-call work');
    await expect(stateA).toHaveText(/^After-call work 0:0[1-9]$/);
    await pageA.getByTestId('wrap-up-outcome-Resolved').check();
    await pageA.getByTestId('wrap-up-save').click();
    await expect(stateA).toHaveText('Available');

    // The menu offers the team's reasons (the relay's defaults).
    const menu = pageA.getByTestId('agent-status');
    await expect(menu.locator('option')).toHaveText([
      'Available',
      'Not ready: break',
      'Not ready: lunch',
      'Not ready: training',
      'Not ready: meeting',
      'Not ready: busy',
      'Not ready: away',
    ]);
    await menu.selectOption({ label: 'Not ready: lunch' });
    await expect(stateA).toHaveText(/^Not ready: lunch 0:0\d$/);
    // The status line names the team's reason, not the desk's own 'Away'.
    await expect(pageA.getByTestId('not-ready')).toHaveText(/^Not ready: lunch\. Calls do not ring here\./);
    await expect(boardStatus('asha')).toHaveText('Not ready: lunch');

    // Not ready: the next call rings only at Ben.
    const next = await sim.placeCall({ name: 'While Asha Eats' });
    await expect(pageB.getByTestId('caller-name')).toHaveText('While Asha Eats');
    await expect(pageA.getByTestId('incoming-call')).toHaveCount(0);
    await pageB.getByTestId('reject').click();
    await expect(pageB.getByTestId('incoming-call')).toHaveCount(0);
    await sim.hangUp(next.callId);

    // A reload keeps the relay's state and its time; the menu still says lunch.
    await expect(stateA).toHaveText(/^Not ready: lunch 0:0[2-9]$/);
    await pageA.reload();
    await expect(pageA.getByTestId('agent-status')).toHaveValue('lunch');
    await expect(pageA.getByTestId('team-state')).toHaveText(/^Not ready: lunch 0:(0[2-9]|[1-5]\d)$/);

    await pageA.getByTestId('agent-status').selectOption({ label: 'Available' });
    await expect(pageA.getByTestId('team-state')).toHaveText('Available');
    await expect(boardStatus('asha')).toHaveText('Available');
  } finally {
    await close();
  }
});

test('with the relay holding after-call work, an agent whose desk has wrap-up turned off still writes up the call the relay waits for, and saving it frees them', async ({
  browser,
}) => {
  const { sim, relays, pageA, pageB, close } = await startTeam(browser, { queues, afterCallSeconds: 600 });
  const board = await (await browser.newContext()).newPage();
  try {
    const boardStatus = await openBoard(board, relays[0]!.agentUrl);
    await pageA.getByTestId('tab-settings').click();
    await pageA.getByTestId('settings-section-desk').click();
    await pageA.getByTestId('wrap-up-codes').fill('');
    await pageA.getByTestId('section-save').click();
    await pageA.getByTestId('tab-phone').click();

    const call = await sim.placeCall({ name: 'Held For Notes' });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('team-state')).toHaveText(/^On call/, { timeout: 10_000 });
    await expect(pageB.getByTestId('team-state')).toHaveText('Available');
    await pageA.getByTestId('hangup').click();
    await expect.poll(() => sim.graph.actionsFor(call.callId)).toContain('terminate:200');

    // The relay says after-call work for this call: the desk shows that wrap-up, with the default outcomes.
    await expect(pageA.getByTestId('team-state')).toHaveText(/^After-call work 0:\d\d$/);
    await expect(boardStatus('asha')).toHaveText('After-call work');
    const wrapUp = pageA.locator(`[data-testid="wrap-up"][data-call-id="${call.callId}"]`);
    await expect(wrapUp).toBeVisible();
    const second = await sim.placeCall({ name: 'Only For Ben' });
    await expect(pageB.getByTestId('caller-name')).toHaveText('Only For Ben');
    await expect(pageA.getByTestId('incoming-call')).toHaveCount(0);
    await pageB.getByTestId('reject').click();
    await expect(pageB.getByTestId('incoming-call')).toHaveCount(0);
    await sim.hangUp(second.callId);

    await wrapUp.getByTestId('wrap-up-outcome-Resolved').check();
    await wrapUp.getByTestId('wrap-up-save').click();
    await expect(wrapUp).toHaveCount(0);
    await expect(pageA.getByTestId('team-state')).toHaveText('Available');
    await expect(boardStatus('asha')).toHaveText('Available');
    const third = await sim.placeCall({ name: 'Asha Again' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Asha Again');
    await sim.hangUp(third.callId);
  } finally {
    await close();
  }
});

test('with after-call work turned off at the relay, the agent writing up a call is told calls ring, and the next call rings at them', async ({
  browser,
}) => {
  const { sim, pageA, close } = await startTeam(browser, { queues, afterCallSeconds: 0 });
  try {
    const call = await sim.placeCall({ name: 'First Of Two' });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('team-state')).toHaveText(/^On call/, { timeout: 10_000 });
    await pageA.getByTestId('hangup').click();
    await expect.poll(() => sim.graph.actionsFor(call.callId)).toContain('terminate:200');
    await expect(pageA.locator(`[data-testid="wrap-up"][data-call-id="${call.callId}"]`)).toBeVisible();
    // The relay routes to Asha again at once: the desk must not claim that calls wait for her wrap-up.
    await expect(pageA.getByTestId('team-state')).toHaveText('Available');
    await expect(pageA.getByTestId('ready')).toBeVisible();
    await expect(pageA.getByTestId('not-ready')).toHaveCount(0);
    const next = await sim.placeCall({ name: 'Second Of Two' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Second Of Two');
    await sim.hangUp(next.callId);
  } finally {
    await close();
  }
});

test('the relay’s after-call limit passes while the agent writes up a call: calls ring again, the notes stay until Save', async ({
  browser,
}) => {
  const { sim, pageA, close } = await startTeam(browser, { queues, afterCallSeconds: 3 });
  try {
    const call = await sim.placeCall({ name: 'Slow Notes' });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('team-state')).toHaveText(/^On call/, { timeout: 10_000 });
    await pageA.getByTestId('hangup').click();
    await expect(pageA.getByTestId('team-state')).toHaveText(/^After-call work/);
    const card = pageA.locator(`[data-testid="wrap-up"][data-call-id="${call.callId}"]`);
    // While calls wait for the wrap-up, saving it is what lets them ring.
    await expect(card.getByTestId('wrap-up-save')).toHaveText('Save and take calls');
    await card.getByTestId('wrap-up-notes').fill('Wants a refund for the March invoice');
    // The relay's limit ends after-call work: the agent is Available again, but what they wrote stays.
    await expect(pageA.getByTestId('team-state')).toHaveText('Available', { timeout: 8000 });
    await pageA.waitForTimeout(1000);
    await expect(card.getByTestId('wrap-up-notes')).toHaveValue('Wants a refund for the March invoice');
    // Calls ring already: Save only saves, and says no more.
    await expect(card.getByTestId('wrap-up-save')).toHaveText('Save');
    await expect(pageA.getByTestId('wrap-up-no-ring')).toHaveText(
      'Calls ring for you again. What you wrote stays here until you save.',
    );
    // Not ready with the card still open: no call rings because of the status, and the line says so.
    await pageA.getByTestId('agent-status').selectOption({ label: 'Not ready: break' });
    await expect(pageA.getByTestId('wrap-up-no-ring')).toHaveText(
      'You are not ready: no call rings for you until you choose Available. What you wrote stays here until you save.',
    );
    await pageA.getByTestId('agent-status').selectOption({ label: 'Available' });
    await expect(pageA.getByTestId('wrap-up-no-ring')).toHaveText(
      'Calls ring for you again. What you wrote stays here until you save.',
    );
    await card.getByTestId('wrap-up-outcome-Resolved').check();
    await card.getByTestId('wrap-up-save').click();
    await expect(card).toHaveCount(0);
    await expect(pageA.getByTestId('wrap-up-error')).toHaveCount(0);
  } finally {
    await close();
  }
});

test('the relay’s after-call limit closes a wrap-up the agent wrote nothing in: no lone Call ended card is left', async ({
  browser,
}) => {
  const { sim, pageA, close } = await startTeam(browser, { queues, afterCallSeconds: 3 });
  try {
    const call = await sim.placeCall({ name: 'Quick Question' });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('team-state')).toHaveText(/^On call/, { timeout: 10_000 });
    await pageA.getByTestId('hangup').click();
    const card = pageA.locator(`[data-testid="wrap-up"][data-call-id="${call.callId}"]`);
    await expect(card).toBeVisible();
    await expect(pageA.getByTestId('team-state')).toHaveText('Available', { timeout: 8000 });
    await expect(card).toHaveCount(0);
    await pageA.waitForTimeout(500);
    await expect(pageA.getByTestId('call-ended')).toHaveCount(0);
    await expect(pageA.getByTestId('idle')).toBeVisible();
  } finally {
    await close();
  }
});

test('an agent who goes Not ready while a call rings at them: their card says the ring was withdrawn for that, not that it rang out', async ({
  browser,
}) => {
  const { sim, pageA, pageB, close } = await startTeam(browser, { queues });
  try {
    const call = await sim.placeCall({ name: 'Withdrawn Ring' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Withdrawn Ring');
    await pageA.getByTestId('agent-status').selectOption({ label: 'Not ready: break' });
    const ended = pageA.locator(`[data-testid="call-ended"][data-call-id="${call.callId}"]`);
    await expect(ended.getByTestId('end-reason')).toHaveText(
      'You are not ready, so this call no longer rings for you and goes back to wait for an agent. Choose Available to take calls.',
    );
    // A whole sentence, so not set in capitals as the short reasons are.
    await expect(ended.getByTestId('end-reason')).toHaveCSS('text-transform', 'none');
    // The customer waits for the team: the card offers no call back to them.
    await expect(ended.getByTestId('ended-call-back')).toHaveCount(0);
    // Ben's desk rings on, and nothing went to WhatsApp for Asha's ring.
    await expect(pageB.getByTestId('caller-name')).toHaveText('Withdrawn Ring');
    expect(sim.graph.actionsFor(call.callId)).toEqual([]);
    await sim.hangUp(call.callId);
  } finally {
    await close();
  }
});

test('a supervisor sets an agent Away while they are on a call: it takes effect once the call and its wrap-up are done', async ({
  browser,
}) => {
  const { sim, relays, pageA, close } = await startTeam(browser, { queues });
  const board = await (await browser.newContext()).newPage();
  try {
    const boardStatus = await openBoard(board, relays[0]!.agentUrl);
    const call = await sim.placeCall({ name: 'Long Talker' });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('team-state')).toHaveText(/^On call/, { timeout: 10_000 });
    await expect(boardStatus('asha')).toHaveText('On call');
    const toggle = board.locator('[data-testid="agent-row"][data-agent="asha"]').getByTestId('agent-set-status');
    await expect(toggle).toBeEnabled();
    await expect(toggle).toHaveText('Set Away');
    await expect(toggle).toHaveAttribute('title', 'Takes effect once their call and wrap-up are done');
    await toggle.click();
    // Still on the call; Away waits for its end and the wrap-up, and Asha's status line says so (not "You are Away").
    // The board says so too, and its button now undoes it (tester: the row said only 'On call').
    await expect(boardStatus('asha')).toHaveText('On call · Away after this call');
    await expect(toggle).toHaveText('Set Available');
    await expect(pageA.getByTestId('not-ready')).toContainText(
      'On a call. Afterwards you are Away: calls will not ring here.',
    );
    await pageA.getByTestId('hangup').click();
    await expect.poll(() => sim.graph.actionsFor(call.callId)).toContain('terminate:200');
    await expect(boardStatus('asha')).toHaveText('After-call work · Away after this call');
    await pageA.getByTestId('wrap-up-outcome-Resolved').check();
    await pageA.getByTestId('wrap-up-save').click();
    await expect(boardStatus('asha')).toHaveText(/^Not ready/);
    await expect(toggle).toHaveText('Set Available');
    await toggle.click();
    await expect(boardStatus('asha')).toHaveText('Available');
  } finally {
    await close();
  }
});

test('a supervisor sets an agent Away for training during their wrap-up: the desk says it applies after saving, by whom, and Save promises no calls', async ({
  browser,
}) => {
  const { sim, relays, pageA, close } = await startTeam(browser, { queues });
  const board = await (await browser.newContext()).newPage();
  try {
    const boardStatus = await openBoard(board, relays[0]!.agentUrl);
    const call = await sim.placeCall({ name: 'Before Training' });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('team-state')).toHaveText(/^On call/, { timeout: 10_000 });
    await pageA.getByTestId('hangup').click();
    await expect.poll(() => sim.graph.actionsFor(call.callId)).toContain('terminate:200');
    await expect(boardStatus('asha')).toHaveText('After-call work');
    const card = pageA.locator(`[data-testid="wrap-up"][data-call-id="${call.callId}"]`);
    await expect(card.getByTestId('wrap-up-save')).toHaveText('Save and take calls');

    const ashaRow = board.locator('[data-testid="agent-row"][data-agent="asha"]');
    await ashaRow.getByTestId('agent-away-reason').selectOption('training');
    await ashaRow.getByTestId('agent-set-status').click();
    await expect(pageA.getByTestId('not-ready')).toHaveText(
      'Wrap-up. After you save it you are not ready (training): calls will not ring here. Set by your supervisor sam.',
    );
    await expect(ashaRow.getByTestId('agent-status')).toHaveText('After-call work · Away after this call: training');
    await expect(ashaRow.getByTestId('agent-set-status')).toHaveText('Set Available');
    await expect(card.getByTestId('wrap-up-save')).toHaveText('Save');
    await expect(pageA.getByTestId('wrap-up-no-ring')).toHaveText(
      'You are not ready: no call rings for you until you choose Available. What you wrote stays here until you save.',
    );
    await card.getByTestId('wrap-up-outcome-Resolved').check();
    await card.getByTestId('wrap-up-save').click();
    await expect(pageA.getByTestId('team-state')).toHaveText(/^Not ready: training/);
    await expect(pageA.getByTestId('not-ready')).toHaveText(
      'Not ready: training. Calls do not ring here. Set by your supervisor sam. Switch to Available',
    );
  } finally {
    await close();
  }
});

test('a supervisor sets an idle agent Away from the board: the desk’s status line says not ready, set by the supervisor, and offers Available once', async ({
  browser,
}) => {
  const { relays, pageA, close } = await startTeam(browser, { queues });
  const board = await (await browser.newContext()).newPage();
  try {
    const boardStatus = await openBoard(board, relays[1]!.agentUrl);
    await expect(pageA.getByTestId('team-state')).toHaveText('Available');
    const toggle = board.locator('[data-testid="agent-row"][data-agent="asha"]').getByTestId('agent-set-status');
    await expect(toggle).toHaveText('Set Away');
    await toggle.click();
    await expect(boardStatus('asha')).toHaveText(/^Not ready/);
    const line = pageA.getByTestId('not-ready');
    await expect(line).toHaveText(
      'Not ready: away. Calls do not ring here. Set by your supervisor sam. Switch to Available',
    );
    // The supervisor's name is isolated, so it reads whole in a right-to-left sentence too.
    await expect(line.getByTestId('status-set-by').locator('bdi')).toHaveText('sam');
    // One way back to Available in the line: its button, not a sentence repeating it.
    await expect(line.getByText('Switch to Available')).toHaveCount(1);
    await line.getByTestId('fix-status').click();
    await expect(pageA.getByTestId('team-state')).toHaveText('Available');
    await expect(pageA.getByTestId('ready')).toBeVisible();
    await expect(boardStatus('asha')).toHaveText('Available');

    // Away for one of the team's reasons: the board and the desk say which, and the desk who set it.
    const ashaRow = board.locator('[data-testid="agent-row"][data-agent="asha"]');
    await ashaRow.getByTestId('agent-away-reason').selectOption('lunch');
    await toggle.click();
    await expect(boardStatus('asha')).toHaveText('Not ready: lunch');
    await expect(line).toHaveText(
      'Not ready: lunch. Calls do not ring here. Set by your supervisor sam. Switch to Available',
    );
    await line.getByTestId('fix-status').click();
    await expect(boardStatus('asha')).toHaveText('Available');

    // The agent's own Away names nobody.
    await pageA.getByTestId('agent-status').selectOption({ label: 'Not ready: lunch' });
    await expect(line).toHaveText('Not ready: lunch. Calls do not ring here. Switch to Available');
    await expect(pageA.getByTestId('status-set-by')).toHaveCount(0);
  } finally {
    await close();
  }
});

test('an agent browsing the status menu with the arrow keys while a call rings changes nothing until they choose with Enter', async ({
  browser,
}) => {
  const { sim, pageA, close } = await startTeam(browser, { queues });
  try {
    const call = await sim.placeCall({ name: 'Browsed Ring' });
    const ring = pageA.locator(`[data-testid="incoming-call"][data-call-id="${call.callId}"]`);
    const ended = pageA.locator(`[data-testid="call-ended"][data-call-id="${call.callId}"]`);
    await expect(ring.getByTestId('answer')).toBeEnabled();
    const menu = pageA.getByTestId('agent-status');
    await menu.focus();
    // Down over "Not ready" and back up: the option shows, the status stays and the call rings on.
    await pageA.keyboard.press('ArrowDown');
    await expect(menu).not.toHaveValue('available');
    await pageA.waitForTimeout(1000);
    await pageA.keyboard.press('ArrowUp');
    await expect(menu).toHaveValue('available');
    await pageA.keyboard.press('ArrowDown');
    await pageA.keyboard.press('Escape');
    await expect(menu).toHaveValue('available');
    await pageA.waitForTimeout(1000);
    await expect(ring).toBeVisible();
    await expect(ended).toHaveCount(0);
    await expect(pageA.getByTestId('team-state')).not.toHaveAttribute('data-state', 'not_ready');

    // Enter chooses the option browsed to: now the ring is withdrawn.
    await pageA.keyboard.press('ArrowDown');
    await pageA.keyboard.press('Enter');
    await expect(ended.getByTestId('end-reason')).toHaveText(/You are not ready, so this call no longer rings for you/);
    await expect(menu).not.toHaveValue('available');
    await sim.hangUp(call.callId);
  } finally {
    await close();
  }
});
