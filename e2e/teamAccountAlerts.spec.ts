import { expect, test } from '@playwright/test';
import { loadWebhookFixture } from '../fixtures/load';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { postSignedWebhook } from '../sim/webhookSender';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { AGENT_SECRET, startTeam } from './teamDesks';

test('a restriction WhatsApp puts on the team’s number shows in words on the supervisor board and on every desk', async ({
  browser,
}) => {
  const { relays, pageA, pageB, close } = await startTeam(browser, {});
  const board = await (await browser.newContext()).newPage();
  try {
    await board.goto(`${relays[1]!.agentUrl.replace(/^ws/, 'http')}board`);
    await board.getByTestId('board-token').fill(await issueSupervisorToken('sam', AGENT_SECRET));
    await board.getByTestId('board-sign-in-button').click();
    await expect(board.getByTestId('board-live')).toHaveText('Live');
    // Written from Meta's "Configure Call Settings"; the restriction ends on 12 Dec of a year far ahead.
    const body = JSON.stringify(loadWebhookFixture('doc-account-update-calling-restriction.json'))
      .replaceAll('518638374672395', SIM_SECRETS.phoneNumberId)
      .replace('1797033600', String(Date.UTC(2099, 11, 12) / 1000));
    expect((await postSignedWebhook(relays[0]!.webhookUrl, body, SIM_SECRETS.appSecret)).status).toBe(200);
    const sentence = 'WhatsApp restricted calling on this number until 12 Dec: too many missed calls.';
    await expect(board.getByTestId('board-account-alerts')).toHaveText(sentence);
    for (const desk of [pageA, pageB]) await expect(desk.getByTestId('not-ready')).toHaveText(sentence);
  } finally {
    await board.close();
    await close();
  }
});
