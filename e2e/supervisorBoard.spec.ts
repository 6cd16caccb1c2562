import pg from 'pg';
import { test, expect, type Page } from '@playwright/test';
import { issueAgentToken, issueSupervisorToken } from '../src/relay/agentTokens';
import { startTestPostgres } from '../src/relay/testPostgres';
import { TeamQueues } from '../src/shared/teamQueues';
import { AGENT_SECRET, startTeam } from './teamDesks';

const figure = (page: Page, testId: string, field: string, attrs = '') =>
  page.locator(`[data-testid="${testId}"]${attrs} [data-field="${field}"]`);

test('the supervisor watches the floor live: waiting calls, calls in progress, agents, and today’s figures match the calls placed; sets a desk Away and reads an agent’s calls', async ({
  browser,
}) => {
  const postgres = await startTestPostgres();
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', ringSeconds: 30, agents: { asha: 9, ben: 5 } }],
  });
  const { sim, relays, pageA, pageB, close } = await startTeam(browser, { queues, databaseUrl: postgres.url });
  const board = await (await browser.newContext()).newPage();
  try {
    await board.goto(`${relays[1]!.agentUrl.replace(/^ws/, 'http')}board`);
    // An agent's own token does not open the board.
    await board.getByTestId('board-token').fill(await issueAgentToken('asha', AGENT_SECRET));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-problem')).toHaveText(
      'This supervisor token is not accepted; ask for a new one.',
    );
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', AGENT_SECRET));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-who')).toHaveText('Signed in as sam');
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    const agentRow = (id: string) => board.locator(`[data-testid="agent-row"][data-agent="${id}"]`);
    await expect(agentRow('asha').getByTestId('agent-status')).toHaveText('Available');
    await expect(agentRow('ben').getByTestId('agent-status')).toHaveText('Available');

    // Ben's desk was left Available: the supervisor sets it Away (a double click sets it once), and the desk says so.
    await agentRow('ben').getByTestId('agent-set-status').dblclick();
    await expect(pageB.getByTestId('agent-status')).toHaveValue('away');
    await expect(agentRow('ben').getByTestId('agent-status')).toHaveText('Not ready: away');

    // A call waits in Support, ringing at Asha.
    const first = await sim.placeCall({ from: '447700900701', name: 'First Caller' });
    const waiting = board.locator(`[data-testid="waiting-row"][data-call-id="${first.callId}"]`);
    await expect(waiting).toContainText('Support');
    await expect(waiting).toContainText('447700900701');
    await expect(waiting).toContainText('asha');
    await expect(board.getByTestId('waiting-count')).toHaveText('(1)');
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    const live = board.locator(`[data-testid="in-progress-row"][data-call-id="${first.callId}"]`);
    await expect(live).toContainText('asha');
    // Support's audio goes straight to the desk: no Listen, and the board says why.
    await expect(live.getByTestId('not-listenable')).toHaveText('Direct audio: no listening');
    await expect(live.getByTestId('listen')).toHaveCount(0);
    await expect(board.getByTestId('waiting-count')).toHaveText('(0)');
    await expect(agentRow('asha').getByTestId('agent-status')).toHaveText('On call');
    // Asha holds the call: the board says so, on her row and the call's, as her desk does; and again when she takes it back.
    await pageA.getByTestId('hold').click();
    await expect(agentRow('asha').getByTestId('agent-status')).toHaveText('On hold');
    await expect(live).toHaveAttribute('data-held', 'true');
    await expect(live).toContainText(/On hold \d+:\d\d/);
    await pageA.getByTestId('held-resume').click();
    await expect(agentRow('asha').getByTestId('agent-status')).toHaveText('On call');
    await expect(live).not.toHaveAttribute('data-held', 'true');
    await pageA.getByTestId('hangup').click();
    await pageA.getByTestId('wrap-up-outcome-Resolved').check();
    await pageA.getByTestId('wrap-up-save').click();
    await expect(live).toHaveCount(0);

    // A second call rings at Asha, who does not answer; the caller gives up.
    const second = await sim.placeCall({ from: '447700900702', name: 'Second Caller' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Second Caller');
    await sim.hangUp(second.callId);

    // Today: 2 offered, 1 answered, 1 missed, nothing abandoned; Asha was offered both and answered one.
    await expect(figure(board, 'figures-team', 'offered')).toHaveText('2');
    await expect(figure(board, 'figures-team', 'answered')).toHaveText('1');
    await expect(figure(board, 'figures-team', 'missed')).toHaveText('1');
    await expect(figure(board, 'figures-team', 'abandoned')).toHaveText('0');
    await expect(figure(board, 'figures-queue', 'offered', '[data-queue="support"]')).toHaveText('2');
    await expect(figure(board, 'figures-agent', 'offered', '[data-agent="asha"]')).toHaveText('2');
    await expect(figure(board, 'figures-agent', 'answered', '[data-agent="asha"]')).toHaveText('1');
    await expect(figure(board, 'figures-team', 'service-level')).toHaveText('50%');

    // A supervisor on the keyboard: the board redraws with every snapshot, yet the focused button stays the same
    // element and keeps the focus (tester: it was replaced ten times in 5 s and the focus fell to the page).
    const recent = agentRow('asha').getByTestId('agent-recent');
    await recent.focus();
    await recent.evaluate((el) => ((el as HTMLElement & { kept?: boolean }).kept = true));
    await board.waitForTimeout(3000);
    await expect(recent).toBeFocused();
    expect(await recent.evaluate((el) => (el as HTMLElement & { kept?: boolean }).kept)).toBe(true);
    await board.keyboard.press('Enter');
    await expect(board.getByTestId('agent-call')).toHaveCount(2);
    await expect(board.locator(`[data-testid="agent-call"][data-call-id="${first.callId}"]`)).toContainText('Resolved');

    // Back to Available from the board.
    await agentRow('ben').getByTestId('agent-set-status').click();
    await expect(pageB.getByTestId('agent-status')).toHaveValue('available');
    // The audit trail has each change once: Away (double-clicked), then Available.
    const audit = new pg.Client(postgres.url);
    await audit.connect();
    const changes = await audit.query<{ detail: string }>(
      "SELECT detail FROM audit_log WHERE action = 'set_agent_state' AND target = 'ben' ORDER BY id",
    );
    await audit.end();
    expect(changes.rows.map((r) => r.detail)).toEqual([expect.stringMatching(/^away/), 'available']);

    // Reports: this week's charts and numbers, and the same figures as CSV.
    await board.getByTestId('board-reports').click();
    await board.getByTestId('report-show').click();
    const team = board.getByTestId('report-team');
    await expect(team).toContainText('Team21');
    await expect(team.locator('td').nth(3)).toHaveText('50%');
    await expect(board.getByTestId('report-bucket-row')).toHaveCount(1);
    // The rows' first column says what they are: days, or hours when the report goes by hour.
    await expect(board.getByTestId('report-bucket-column')).toHaveText('Day');
    await expect(board.getByTestId('report-bucket-row').locator('td').nth(1)).toHaveText('2');
    await expect(board.locator('[data-testid="report-agent"][data-agent="asha"] td').nth(2)).toHaveText('1');
    expect(await board.locator('#calls-chart').evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(0);
    const download = board.waitForEvent('download');
    await board.getByTestId('report-csv').click();
    const csv = await (await download).createReadStream().then(
      (stream) =>
        new Promise<string>((resolve) => {
          let text = '';
          stream.on('data', (c: Buffer) => (text += String(c)));
          stream.on('end', () => resolve(text));
        }),
    );
    expect(csv).toContain('"team","","2","1","50","1","0"');
    expect(csv).toContain('"agent","asha","2","1","50"');
    await board.getByTestId('report-bucket').selectOption('hour');
    await board.getByTestId('report-show').click();
    await expect(board.locator('#calls-title')).toHaveText('Calls per hour');
    await expect(board.getByTestId('report-bucket-column')).toHaveText('Hour');
  } finally {
    await close();
    await postgres.stop();
  }
});

test('the board counts a hold from when it began, and an agent who held one caller to answer another is on a call', async ({
  browser,
}) => {
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', ringSeconds: 30, callWaiting: true, agents: { asha: 9 } }],
  });
  const { sim, relays, pageA, close } = await startTeam(browser, { queues });
  const board = await (await browser.newContext()).newPage();
  try {
    await board.goto(`${relays[1]!.agentUrl.replace(/^ws/, 'http')}board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', AGENT_SECRET));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    const ashaRow = board.locator('[data-testid="agent-row"][data-agent="asha"]');
    const ashaTime = ashaRow.locator('td').nth(2);
    const callRow = (callId: string) => board.locator(`[data-testid="in-progress-row"][data-call-id="${callId}"]`);

    const first = await sim.placeCall({ from: '447700900711', name: 'Held Caller' });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    // Talking a while first: the call's time is past 0:03 when the hold begins.
    await expect(callRow(first.callId)).toContainText(/0:0[3-9]/, { timeout: 10_000 });
    await pageA.getByTestId('hold').click();
    await expect(ashaRow.getByTestId('agent-status')).toHaveText('On hold');
    await expect(callRow(first.callId)).toContainText(/On hold 0:0[0-2]/);
    await expect(ashaTime).toHaveText(/^0:0[0-2]$/);

    // A second caller: Asha answers them, the first one still held. She is on a call; the held call says so.
    const second = await sim.placeCall({ from: '447700900712', name: 'New Caller' });
    await pageA.getByTestId('held-resume').click();
    await expect(pageA.getByTestId('hold-and-answer')).toBeEnabled({ timeout: 10_000 });
    await pageA.getByTestId('hold-and-answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(callRow(second.callId)).toBeVisible();
    await expect(callRow(first.callId)).toHaveAttribute('data-held', 'true');
    await expect(callRow(first.callId)).toContainText(/On hold 0:0[0-3]/);
    await expect(callRow(second.callId)).not.toHaveAttribute('data-held', 'true');
    await expect(ashaRow.getByTestId('agent-status')).toHaveText('On call');
  } finally {
    await close();
  }
});
