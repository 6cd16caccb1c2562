import { expect, test, type Page } from '@playwright/test';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startTestPostgres } from '../src/relay/testPostgres';
import { TeamQueues } from '../src/shared/teamQueues';
import { AGENT_SECRET, startTeam } from './teamDesks';

const queues = TeamQueues.parse({
  defaultQueue: 'care',
  repeatCallerMinutes: 0,
  queues: [{ id: 'care', name: 'Care', routing: 'ring_all', ringSeconds: 30, agents: { asha: 9, ben: 9 } }],
});
const historyRow = (page: Page, callId: string) =>
  page.locator(`[data-testid="history-row"][data-call-id="${callId}"]`);

test('an admin erases a customer while the agent who took their call is signed in: the call leaves his desk, no wrap-up comes back, and the next call rings him', async ({
  browser,
}) => {
  const postgres = await startTestPostgres();
  const { sim, relays, pageA, pageB, close } = await startTeam(browser, { queues, databaseUrl: postgres.url });
  try {
    const customer = '447700900871';
    const call = await sim.placeCall({ from: customer, name: 'Erased Customer' });
    await expect(pageB.getByTestId('caller-name')).toHaveText('Erased Customer');
    await pageB.getByTestId('answer').click();
    await expect(pageB.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await pageB.getByTestId('hangup').click();
    await pageB.getByTestId('wrap-up-outcome-Resolved').check();
    await pageB.getByTestId('wrap-up-save').click();
    await expect(pageB.getByTestId('wrap-up')).toHaveCount(0);
    await pageB.getByTestId('tab-history').click();
    await expect(historyRow(pageB, call.callId)).toHaveCount(1);
    await expect
      .poll(
        async () =>
          (await relays[0]!.records!.db.query('SELECT 1 FROM calls WHERE customer = $1', [customer])).rowCount,
        {
          timeout: 15_000,
        },
      )
      .toBe(1);

    // The admin erases the customer (as the settings page does) while Ben is signed in.
    const admin = await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' });
    const erased = await fetch(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board/api/customer-data`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ customer, action: 'erase' }),
    });
    expect(erased.status).toBe(200);

    // Within seconds the call leaves Ben's History and Asha's desk; no blank wrap-up opens for it, and he stays free.
    await expect(historyRow(pageB, call.callId)).toHaveCount(0, { timeout: 15_000 });
    await expect(pageB.getByTestId('wrap-up')).toHaveCount(0);
    await pageB.getByTestId('tab-phone').click();
    await expect(pageB.getByTestId('wrap-up')).toHaveCount(0);
    await expect(pageB.getByText('Erased Customer')).toHaveCount(0);
    await expect(pageA.getByText('Erased Customer')).toHaveCount(0);
    const next = await sim.placeCall({ from: '447700900872', name: 'Next Customer' });
    await expect(pageB.getByTestId('caller-name')).toHaveText('Next Customer');
    await sim.hangUp(next.callId);
    // The erased call is not written back to the team's records either.
    expect((await relays[0]!.records!.db.query('SELECT 1 FROM calls WHERE customer = $1', [customer])).rowCount).toBe(
      0,
    );
  } finally {
    await close();
    await postgres.stop();
  }
});
