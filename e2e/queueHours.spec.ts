import { expect, test } from '@playwright/test';
import { startGraphApiSim } from '../sim/graphApiSim';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../sim/webhookSender';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';
import { TeamQueues } from '../src/shared/teamQueues';
import { createMemoryLogger } from '../src/whatsapp/logger';

const SECRETS = RELAY_TEST_SECRETS;
/** Today and tomorrow in Lisbon: the queue is on holiday now, even if the run crosses midnight there. */
const lisbonDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Lisbon' }).format(ms);

test('the supervisor board shows a queue closed for a holiday and counts the call it turned away, in the board’s languages', async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const [redis, postgres, graph] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const queues = TeamQueues.parse({
    defaultQueue: 'care',
    queues: [
      {
        id: 'care',
        name: 'Customer Care',
        agents: '*',
        hours: {
          timeZone: 'Europe/Lisbon',
          open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
          holidays: [lisbonDay(Date.now()), lisbonDay(Date.now() + 86_400_000)],
        },
      },
      { id: 'sales', name: 'Sales', agents: '*', payloads: ['sales'] },
    ],
  });
  const relay = await startRelay({
    ...SECRETS,
    redisUrl: redis.url,
    graphBaseUrl: graph.baseUrl,
    logger: createMemoryLogger(),
    prefix: 'hours-board',
    databaseUrl: postgres.url,
    queues,
  });
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  try {
    const callId = 'wacid.hours.board';
    graph.offerCall(callId);
    const from = '447700900801';
    const post = (body: unknown) => postSignedWebhook(relay.webhookUrl, body, SECRETS.appSecret);
    expect(
      (await post(connectWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, sdpOffer: 'v=0\r\n' }))).status,
    ).toBe(200);
    await expect.poll(() => graph.actionsFor(callId)).toEqual(['reject:200']);
    await post(terminateWebhook({ callId, from, phoneNumberId: SECRETS.phoneNumberId, status: 'COMPLETED' }));

    await page.goto(`${relay.agentUrl.replace(/^ws/, 'http')}board`);
    await page.getByTestId('board-token').fill(await issueSupervisorToken('sam', SECRETS.agentSecret));
    await page.getByTestId('board-sign-in-button').click();
    await expect(page.getByTestId('board-live')).toHaveText('Live');
    // Sales has no hours: only Customer Care is closed.
    await expect(page.getByTestId('closed-queues')).toHaveText('Closed now: Customer Care (holiday)');
    const turnedAway = page.locator('[data-testid="figures-team"] [data-field="turned-away"]');
    await expect(turnedAway).toHaveText('1 (1 closed, 0 waited too long)');
    await expect(page.locator('[data-testid="figures-team"] [data-field="abandoned"]')).toHaveText('0');
    // The column's header labels the cell on a narrow screen too.
    await expect(turnedAway).toHaveAttribute('data-label', 'Turned away');

    const words: Record<string, [string, string]> = {
      es: ['Cerradas ahora: Customer Care (festivo)', '1 (1 por cierre, 0 por espera excesiva)'],
      'pt-BR': ['Fechadas agora: Customer Care (feriado)', '1 (1 por fechamento, 0 por espera excessiva)'],
      hi: ['अभी बंद: Customer Care (छुट्टी)', '1 (1 बंद होने से, 0 बहुत लंबे इंतज़ार से)'],
      ar: ['مغلقة الآن: Customer Care (عطلة)', '1 (1 بسبب الإغلاق، 0 بسبب طول الانتظار)'],
    };
    for (const [tag, [closed, counted]] of Object.entries(words)) {
      await page.getByTestId('board-language').selectOption(tag);
      await expect(page.getByTestId('closed-queues')).toHaveText(closed);
      await expect(turnedAway).toHaveText(counted);
    }
    // The reports count it too, in their own column (a tester found them silent about it).
    await page.getByTestId('board-language').selectOption('en');
    await page.getByTestId('board-reports').click();
    await page.getByTestId('report-show').click();
    await expect(page.getByTestId('report-team')).toContainText('1 (1 closed, 0 waited too long)');
  } finally {
    await page.context().close();
    await relay.close();
    await graph.close();
    await redis.stop();
    await postgres.stop();
  }
});

test('an admin closes a queue from Team settings: the board shows it closed within seconds, and a box that is not JSON is named', async ({
  browser,
}) => {
  test.setTimeout(90_000);
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
    prefix: 'hours-admin',
    databaseUrl: postgres.url,
    queues: TeamQueues.parse({ defaultQueue: 'care', queues: [{ id: 'care', name: 'Customer Care', agents: '*' }] }),
  });
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  try {
    const base = relay.agentUrl.replace(/^ws/, 'http');
    await page.goto(`${base}board`);
    await page
      .getByTestId('board-token')
      .fill(await issueSupervisorToken('ada', SECRETS.agentSecret, { role: 'admin' }));
    await page.getByTestId('board-sign-in-button').click();
    await expect(page.getByTestId('board-live')).toHaveText('Live');
    await expect(page.getByTestId('closed-queues')).toBeHidden();

    await page.getByTestId('board-settings').click();
    await page.getByTestId('settings-reasons').fill('break');
    await page.getByTestId('settings-codes').fill('Resolved');
    const box = page.getByRole('textbox', { name: 'Business hours and maximum wait per queue' });
    await box.fill('{ "care": ');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('settings-problem')).toHaveText('Business hours per queue: this is not JSON.');
    const hours = {
      care: {
        hours: {
          timeZone: 'Europe/Lisbon',
          open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
          holidays: [lisbonDay(Date.now()), lisbonDay(Date.now() + 86_400_000)],
        },
      },
    };
    await box.fill(JSON.stringify(hours));
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('settings-saved')).toBeVisible();
    await expect(page.getByTestId('settings-problem')).toBeHidden();
    // A later save that fails takes the earlier "Saved" away: one outcome on screen at a time.
    await box.fill('{');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('settings-problem')).toHaveText('Business hours per queue: this is not JSON.');
    await expect(page.getByTestId('settings-saved')).toBeHidden();
    await box.fill(JSON.stringify(hours));
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('settings-saved')).toBeVisible();
    await expect(page.getByTestId('settings-problem')).toBeHidden();
    // Read back as saved, the next time the page opens.
    await page.reload();
    await expect(box).toHaveValue(/"Europe\/Lisbon"/);

    await page.goto(`${base}board/`);
    await expect(page.getByTestId('closed-queues')).toHaveText('Closed now: Customer Care (holiday)', {
      timeout: 15_000,
    });
  } finally {
    await page.context().close();
    await relay.close();
    await graph.close();
    await redis.stop();
    await postgres.stop();
  }
});
