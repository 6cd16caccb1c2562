import { test, expect } from '@playwright/test';
import pg from 'pg';
import { startTestPostgres } from '../src/relay/testPostgres';
import { TeamQueues } from '../src/shared/teamQueues';
import { mediaFigures } from './phoneFixture';
import { startTeam } from './teamDesks';

test('team mode: two desks on two relay instances ring together; one answers with audio, the other stops ringing; a desk calls a customer through the relay', async ({
  browser,
}) => {
  const { sim, pageA, pageB, close } = await startTeam(browser);
  try {
    const call = await sim.placeCall({ name: 'Team Customer' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Team Customer');
    await expect(pageB.getByTestId('caller-name')).toHaveText('Team Customer');
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('in-call')).toBeVisible();
    await expect(pageB.getByTestId('end-reason')).toHaveText('Answered by a colleague');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
    await expect.poll(async () => (await mediaFigures(pageA)).energy, { timeout: 10_000 }).toBeGreaterThan(0.05);
    await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
    await pageA.getByTestId('hangup').click();
    await expect(pageA.getByTestId('end-reason')).toHaveText('Call ended');
    expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);

    // Asha is writing up that call: the relay offers the next one to Ben only, until she saves it.
    await expect(pageA.getByTestId('wrap-up')).toBeVisible();
    // Ben is on the OK of 'Answered by a colleague'; the next ring replaces that card, and his Enter meant for OK
    // answers nothing: the ring's heading has the focus, not Answer.
    await pageB.getByTestId('dismiss').focus();
    const next = await sim.placeCall({ name: 'While Asha Writes' });
    await expect(pageB.getByTestId('caller-name')).toHaveText('While Asha Writes');
    await expect(pageB.getByTestId('answer')).toBeEnabled();
    await expect(pageB.getByTestId('caller-name')).toBeFocused();
    await pageB.keyboard.press('Enter');
    await expect(pageB.getByTestId('answer')).toBeEnabled();
    expect(sim.graph.actionsFor(next.callId)).toEqual([]);
    await expect(pageA.getByTestId('incoming-call')).toHaveCount(0);
    await pageB.getByTestId('reject').click();
    await expect.poll(() => sim.graph.actionsFor(next.callId)).toEqual(['reject:200']);
    await expect(pageA.getByTestId('incoming-call')).toHaveCount(0);
    await pageA.getByTestId('wrap-up-outcome-Resolved').check();
    await pageA.getByTestId('wrap-up-save').click();
    await expect(pageA.getByTestId('ready')).toHaveText('Ready for calls from the team relay');

    // Calling a customer back: the relay places the call with its token and routes WhatsApp's answer to this desk.
    sim.graph.setPermission('447700900777', 'temporary');
    sim.setOutbound({ answer: 'accept', ringMs: 300 });
    await pageB.getByTestId('dismiss').click();
    await pageB.getByTestId('dial-number').fill('447700900777');
    await pageB.getByTestId('dial-call').click();
    await expect(pageB.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    const outbound = [...sim.calls.values()].find((c) => c.from === '447700900777')!;
    await expect.poll(() => outbound.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
    await expect(pageA.getByTestId('in-call')).toHaveCount(0);
    await pageB.getByTestId('hangup').click();
    await expect(pageB.getByTestId('end-reason')).toHaveText('Call ended');
    expect(sim.graph.actionsFor(outbound.callId)).toEqual(['terminate:200']);
  } finally {
    await close();
  }
});

test("team mode: a missed call a colleague dealt with leaves everyone's To call back list; WhatsApp's recording reaches the desk that answered through the relay", async ({
  browser,
}) => {
  const { sim, pageA, pageB, close } = await startTeam(browser);
  try {
    const missed = await sim.placeCall({ from: '447700900555', name: 'Nobody Answered' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Nobody Answered');
    await expect(pageB.getByTestId('caller-name')).toHaveText('Nobody Answered');
    await sim.hangUp(missed.callId);
    await expect(pageA.getByTestId('history-badge')).toHaveText('1');
    await expect(pageB.getByTestId('history-badge')).toHaveText('1');
    await pageB.getByTestId('tab-history').click();
    await pageB.locator(`[data-call-id="${missed.callId}"]`).getByTestId('to-call-back-done').click();
    await expect(pageB.getByTestId('history-badge')).toHaveCount(0);
    // Ben dealt with it: Asha's list drops it too, without her doing anything.
    await expect(pageA.getByTestId('history-badge')).toHaveCount(0);

    await pageA.getByTestId('tab-settings').click();
    await pageA.getByTestId('settings-section-desk').click();
    await pageA.getByTestId('capture-mode').selectOption('all');
    await pageA.getByTestId('capture-transcription').check();
    await pageA.getByTestId('capture-purpose').fill('training');
    await pageA.getByTestId('section-save').click();
    await pageA.getByTestId('tab-phone').click();
    const call = await sim.placeCall({ name: 'Recorded Team Call' });
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('capture-notice')).toBeVisible({ timeout: 10_000 });
    expect(sim.graph.announcements.map((a) => a.callId)).toEqual([call.callId]);
    await pageA.getByTestId('hangup').click();
    await pageA.getByTestId('wrap-up-outcome-Resolved').check();
    await pageA.getByTestId('wrap-up-save').click();
    await pageA.getByTestId('tab-history').click();
    const row = pageA.locator(`[data-testid="history-row"][data-call-id="${call.callId}"]`);
    await expect(row.getByTestId('history-recording')).toBeVisible({ timeout: 10_000 });
    await expect(row.getByTestId('history-transcript')).toBeAttached();
    // Ben, who did not answer, got no notice of it.
    await pageB.getByTestId('tab-history').click();
    await expect(
      pageB.locator(`[data-testid="history-row"][data-call-id="${call.callId}"]`).getByTestId('history-recording'),
    ).toHaveCount(0);
  } finally {
    await close();
  }
});

test('team with queues: the call rings the most skilled agent alone, passes to a colleague when not answered in time, and the colleague sees the queue and the team’s notes on this customer', async ({
  browser,
}) => {
  const postgres = await startTestPostgres();
  const queues = TeamQueues.parse({
    defaultQueue: 'support',
    repeatCallerMinutes: 0,
    queues: [{ id: 'support', name: 'Support', ringSeconds: 5, agents: { asha: 9, ben: 5 } }],
  });
  const { sim, pageA, pageB, close } = await startTeam(browser, { queues, databaseUrl: postgres.url });
  try {
    const first = await sim.placeCall({ from: '447700900321', name: 'Returning Customer' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Returning Customer');
    await expect(pageA.getByTestId('call-queue')).toHaveText('Queue: Support');
    await expect(pageB.getByTestId('incoming-call')).toHaveCount(0);
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await pageA.getByTestId('hangup').click();
    await pageA.getByTestId('wrap-up-outcome-Resolved').check();
    await pageA.getByTestId('wrap-up-notes').fill('Wants a callback on Friday');
    await pageA.getByTestId('wrap-up-save').click();
    await expect(pageA.getByTestId('ready')).toHaveText('Ready for calls from the team relay');

    // The same customer again: Asha does not pick up within the queue's 5 s, so it goes to Ben.
    const again = await sim.placeCall({ from: '447700900321', name: 'Returning Customer' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('Returning Customer');
    await expect(pageB.getByTestId('incoming-call')).toHaveCount(0);
    await expect(pageB.getByTestId('caller-name')).toHaveText('Returning Customer', { timeout: 9000 });
    await expect(pageA.getByTestId('end-reason')).toHaveText('Not answered in time: offered to a colleague');
    await expect(pageB.getByTestId('call-queue')).toHaveText('Queue: Support');
    await expect(pageB.getByTestId('customer-team-history')).toContainText('Earlier calls with the team: 1');
    await expect(pageB.getByTestId('customer-team-history')).toContainText(
      'with asha · Resolved · Wants a callback on Friday',
    );
    await pageB.getByTestId('answer').click();
    await expect(pageB.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    expect(sim.graph.actionsFor(again.callId)).toEqual(['pre_accept:200', 'accept:200']);

    // Both calls are in the team's records (written from Redis a moment later).
    const db = new pg.Client(postgres.url);
    await db.connect();
    const records = async () =>
      (
        await db.query('SELECT call_id, answered_by, notes FROM calls WHERE customer = $1 ORDER BY offered_at', [
          '447700900321',
        ])
      ).rows;
    await expect.poll(records, { timeout: 5000 }).toEqual([
      { call_id: first.callId, answered_by: 'asha', notes: 'Wants a callback on Friday' },
      { call_id: again.callId, answered_by: 'ben', notes: null },
    ]);
    await db.end();
  } finally {
    await close();
    await postgres.stop();
  }
});
