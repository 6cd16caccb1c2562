import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listReplyWebhook } from '../sim/listReplyWebhook';
import type { PermissionMessage } from '../sim/messageRules';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { postSignedWebhook } from '../sim/webhookSender';
import { issueAgentToken } from '../src/relay/agentTokens';
import { startTestPostgres } from '../src/relay/testPostgres';
import { prepareDesk } from '../src/main/deskStartup';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { AGENT_SECRET, startTeam } from './teamDesks';

const queues = TeamQueues.parse({
  defaultQueue: 'care',
  repeatCallerMinutes: 0,
  queues: [
    { id: 'care', name: 'Care', routing: 'ring_all', ringSeconds: 30, agents: { asha: 9, ben: 9, cy: 9 }, survey: {} },
  ],
});

const historyRow = (page: Page, callId: string) =>
  page.locator(`[data-testid="history-row"][data-call-id="${callId}"]`);

test('after a team call, each desk’s History names the agent who took it, and Asha’s row shows the rating the customer gave in the survey', async ({
  browser,
}) => {
  const { sim, relays, pageA, pageB, close } = await startTeam(browser, { queues });
  try {
    const customer = '447700900861';
    const call = await sim.placeCall({ from: customer, name: 'Rated Customer' });
    await expect(pageB.getByTestId('caller-name')).toHaveText('Rated Customer');
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(pageB.getByTestId('incoming-call')).toHaveCount(0);
    await pageA.getByTestId('hangup').click();
    await expect.poll(() => sim.graph.actionsFor(call.callId)).toContain('terminate:200');
    await pageA.getByTestId('wrap-up-outcome-Resolved').check();
    await pageA.getByTestId('wrap-up-save').click();

    // Ben's desk rang too: his History names Asha as the agent who took the call, not just “A colleague”;
    // on Asha's own desk it reads “You”, as a call alone would.
    await pageB.getByTestId('tab-history').click();
    await expect(historyRow(pageB, call.callId).getByTestId('history-agent')).toHaveText('asha');
    await pageA.getByTestId('tab-history').click();
    await expect(historyRow(pageA, call.callId).getByTestId('history-agent')).toHaveText('You');
    await expect(historyRow(pageA, call.callId).getByTestId('history-csat')).toHaveCount(0);

    // The queue's survey reaches the customer on WhatsApp; they choose 4.
    const lists = () =>
      sim.graph.textMessages.filter(
        (m): m is Extract<PermissionMessage, { kind: 'list' }> => m.kind === 'list' && m.customer === customer,
      );
    await expect.poll(() => lists().length, { timeout: 15_000 }).toBe(1);
    const four = lists()[0]!.rows[3]!;
    const reply = listReplyWebhook({
      customer,
      phoneNumberId: SIM_SECRETS.phoneNumberId,
      rowId: four.id,
      title: four.title,
      messageId: 'wamid.TEAMHISTORY4',
    });
    expect((await postSignedWebhook(relays[1]!.webhookUrl, reply, SIM_SECRETS.appSecret)).status).toBe(200);

    // Asha's History shows it on the call's row, without a reload; Ben's, whose call it was not, does not.
    await expect(historyRow(pageA, call.callId).getByTestId('history-csat')).toHaveText('Customer rating: 4 of 5', {
      timeout: 10_000,
    });
    await pageB.reload();
    await pageB.getByTestId('tab-history').click();
    await expect(historyRow(pageB, call.callId).getByTestId('history-agent')).toHaveText('asha');
    await expect(historyRow(pageB, call.callId).getByTestId('history-csat')).toHaveCount(0);

    // Kept across a reload.
    await pageA.reload();
    await pageA.getByTestId('tab-history').click();
    await expect(historyRow(pageA, call.callId).getByTestId('history-csat')).toHaveText('Customer rating: 4 of 5');
  } finally {
    await close();
  }
});

test('a customer rates the call while the agent is signed out: her History shows the rating once she signs in again', async ({
  browser,
}) => {
  const postgres = await startTestPostgres();
  const { sim, relays, close } = await startTeam(browser, { queues, databaseUrl: postgres.url });
  // Cy's desk keeps its data folder (settings, history) across the sign-out, as an installed desk does.
  const dataDir = mkdtempSync(join(tmpdir(), 'desk-cy-'));
  const startDesk = () =>
    hostRenderer({
      desk: prepareDesk({
        dataDir,
        cipher: plainCipher,
        logger: createMemoryLogger(),
        env: { WA_GRAPH_BASE_URL: 'http://127.0.0.1:9', WA_WEBHOOK_PORT: '0' },
      }),
    });
  const page = await (await browser.newContext()).newPage();
  let desk = await startDesk();
  try {
    desk.storage.settings.saveRelaySession([relays[0]!.agentUrl], await issueAgentToken('cy', AGENT_SECRET));
    await desk.close();
    desk = await startDesk();
    await page.goto(desk.url);
    await expect(page.getByTestId('ready')).toHaveText('Ready for calls from the team relay');

    const customer = '447700900862';
    const call = await sim.placeCall({ from: customer, name: 'Later Rater' });
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await page.getByTestId('hangup').click();
    await expect.poll(() => sim.graph.actionsFor(call.callId)).toContain('terminate:200');
    await page.getByTestId('wrap-up-outcome-Resolved').check();
    await page.getByTestId('wrap-up-save').click();
    await expect(page.getByTestId('idle')).toBeVisible();

    // Cy signs out (her desk closes); the customer rates the call 5 meanwhile, and the team's records keep it.
    await desk.close();
    const lists = () =>
      sim.graph.textMessages.filter(
        (m): m is Extract<PermissionMessage, { kind: 'list' }> => m.kind === 'list' && m.customer === customer,
      );
    await expect.poll(() => lists().length, { timeout: 15_000 }).toBe(1);
    const five = lists()[0]!.rows[4]!;
    const reply = listReplyWebhook({
      customer,
      phoneNumberId: SIM_SECRETS.phoneNumberId,
      rowId: five.id,
      title: five.title,
      messageId: 'wamid.TEAMHISTORY5',
    });
    expect((await postSignedWebhook(relays[0]!.webhookUrl, reply, SIM_SECRETS.appSecret)).status).toBe(200);
    await expect
      .poll(async () => (await relays[0]!.records!.db.rating(call.callId))?.score, { timeout: 15_000 })
      .toBe(5);

    // Signed in again, her desk asks the relay for ratings given while it was away.
    desk = await startDesk();
    await page.goto(desk.url);
    await expect(page.getByTestId('ready')).toHaveText('Ready for calls from the team relay');
    await page.getByTestId('tab-history').click();
    await expect(historyRow(page, call.callId).getByTestId('history-agent')).toHaveText('You');
    await expect(historyRow(page, call.callId).getByTestId('history-csat')).toHaveText('Customer rating: 5 of 5');
  } finally {
    await desk.close();
    await close();
    await postgres.stop();
  }
});
