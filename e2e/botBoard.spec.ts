import { expect, test } from '@playwright/test';
import { createFarEnd } from '../sim/farEnd';
import { startScriptedBot } from '../sim/scriptedBot';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { callEndedAtMeta, callIn } from '../src/relay/bots/testBotCall';
import { startAnchoredRelay } from '../src/relay/media/testAnchoredRelay';
import { mediaHostAddress } from '../src/relay/media/testJanus';
import { startTestPostgres } from '../src/relay/testPostgres';
import { RELAY_TEST_SECRETS } from '../src/relay/testSecrets';

const FRONT_TOKEN = 'front-bot-token-0123456789abcdef0123456789';
const HOURS_TOKEN = 'hours-bot-token-0123456789abcdef0123456789';

test('the supervisor board shows a call with the assistant under its queue and counts what the bots did, in the board’s languages', async ({
  browser,
}) => {
  // Two bots' calls, five languages and the wallboard's turn of 8 s.
  test.setTimeout(150_000);
  const hoursOptions = { token: HOURS_TOKEN, toneHz: 650, hearHz: 440, endAfterMs: 1500, relayUrl: '' };
  // The front desk's bot keeps its call (it never escalates); the opening-hours bot answers and ends its call itself.
  const [front, hours, postgres] = await Promise.all([
    startScriptedBot({ token: FRONT_TOKEN, toneHz: 600, hearHz: 440 }),
    startScriptedBot(hoursOptions),
    startTestPostgres(),
  ]);
  const testbed = await startAnchoredRelay(
    'e2e-botboard',
    {
      defaultQueue: 'front',
      queues: [
        {
          id: 'front',
          name: 'Front desk',
          media: 'anchored',
          agents: '*',
          bot: { url: front.url, token: FRONT_TOKEN },
        },
        {
          id: 'hours',
          name: 'Opening hours',
          media: 'anchored',
          agents: '*',
          payloads: ['hours'],
          bot: { url: hours.url, token: HOURS_TOKEN },
        },
      ],
    },
    { databaseUrl: postgres.url },
  );
  hoursOptions.relayUrl = testbed.relay.agentUrl.replace(/^ws/, 'http');
  const callers = await Promise.all([1, 2].map(() => createFarEnd({ toneHz: 440, edgeHost: mediaHostAddress() })));
  const page = await (await browser.newContext({ locale: 'en-GB' })).newPage();
  try {
    await callIn(testbed, 'wacid.e2e.hours', callers[0]!, { ctaPayload: 'hours', from: '447700900802' });
    await expect.poll(() => hours.ends.length, { timeout: 15_000 }).toBe(1);
    await callEndedAtMeta(testbed.relay.webhookUrl, 'wacid.e2e.hours', '447700900802');
    await callIn(testbed, 'wacid.e2e.front', callers[1]!, { from: '447700900803' });
    await expect.poll(() => testbed.graph.actionsFor('wacid.e2e.front'), { timeout: 15_000 }).toContain('accept:200');

    await page.goto(`${testbed.relay.agentUrl.replace(/^ws/, 'http')}board`);
    await page.getByTestId('board-token').fill(await issueSupervisorToken('sam', RELAY_TEST_SECRETS.agentSecret));
    await page.getByTestId('board-sign-in-button').click();
    await expect(page.getByTestId('board-live')).toHaveText('Live');
    // In progress: the front desk's call is with the assistant, under its queue, no agent on it.
    const row = page.getByTestId('assistant-row');
    await expect(row).toHaveCount(1);
    await expect(row).toHaveAttribute('data-call-id', 'wacid.e2e.front');
    await expect(row.locator('td').nth(0)).toHaveText('With the assistant');
    await expect(row.locator('td').nth(1)).toHaveText('Front desk');
    await expect(page.getByTestId('in-progress-row')).toHaveCount(0);
    // Today: the opening-hours call the bot handled alone, neither missed nor abandoned.
    const team = page.getByTestId('figures-team');
    const assistant = team.locator('[data-field="assistant"]');
    await expect(assistant).toHaveText('1 handled alone · 0 escalated to agents · 0 handed back', { timeout: 15_000 });
    await expect(assistant).toHaveAttribute('data-label', 'Assistant');
    await expect(team.locator('[data-field="abandoned"]')).toHaveText('0');
    await expect(team.locator('[data-field="missed"]')).toHaveText('0');
    // The floor's tiles count the call the bot holds now (a team whose bots took no call has no such tile).
    const tile = page.getByTestId('tile-with-assistant');
    await expect(tile.locator('.tile-label')).toHaveText('With the assistant');
    await expect(tile.locator('.tile-value')).toHaveText('1');

    const words: Record<string, [string, string]> = {
      es: ['Con el asistente', '1 resueltas por el asistente · 0 pasadas a agentes · 0 devueltas al asistente'],
      'pt-BR': ['Com o assistente', '1 resolvidas pelo assistente · 0 passadas a agentes · 0 devolvidas ao assistente'],
      hi: ['सहायक के साथ', '1 सहायक ने अकेले निपटाईं · 0 एजेंटों को सौंपी गईं · 0 सहायक को लौटाई गईं'],
      ar: ['مع المساعد', '1 عالجها المساعد وحده · 0 حُوّلت إلى الموظفين · 0 أُعيدت إلى المساعد'],
    };
    for (const [tag, [withAssistant, counted]] of Object.entries(words)) {
      await page.getByTestId('board-language').selectOption(tag);
      await expect(row.locator('td').nth(0)).toHaveText(withAssistant);
      await expect(assistant).toHaveText(counted);
      await expect(tile.locator('.tile-label')).toHaveText(withAssistant);
    }
    await page.getByTestId('board-language').selectOption('en');

    // The wallboard's turn of a queue counts the calls its assistant holds now; the quiet queue takes its turn too.
    await page.getByTestId('wallboard-toggle').click();
    await expect(page.getByTestId('wallboard-queue-name')).toHaveText('Front desk');
    const queueTile = page.getByTestId('tile-queue-with-assistant');
    await expect(queueTile.locator('.tile-label')).toHaveText('With the assistant');
    await expect(queueTile.locator('.tile-value')).toHaveText('1');
    await expect(page.getByTestId('wallboard-queue-name')).toHaveText('Opening hours', { timeout: 20_000 });
    await expect(queueTile.locator('.tile-value')).toHaveText('0');
    await page.getByTestId('wallboard-toggle').click();

    // The reports say what the assistants did, as the live board does.
    await page.getByTestId('board-reports').click();
    await page.getByTestId('report-show').click();
    await expect(page.getByTestId('report-team').locator('td').last()).toHaveText(
      '1 handled alone · 0 escalated to agents · 0 handed back',
    );
    const hoursLine = page.locator('[data-testid="report-queue"][data-queue="hours"]');
    await expect(hoursLine.locator('td').last()).toHaveText('1 handled alone · 0 escalated to agents · 0 handed back');
  } finally {
    await page.context().close();
    for (const caller of callers) caller.close();
    await testbed.stop();
    await Promise.all([front.close(), hours.close(), postgres.stop()]);
  }
});
