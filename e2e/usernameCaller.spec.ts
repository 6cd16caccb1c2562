import { expect, mediaFigures, test } from './phoneFixture';

const BSUID = 'US.13491208655302741918';

test('a customer who uses a username calls: the card shows @username, audio both ways, then Call back reaches them by user ID', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ from: BSUID, username: 'maria.lopez' });
  await expect(page.getByTestId('incoming-call')).toContainText('@maria.lopez');
  await expect(page.getByTestId('incoming-call')).not.toContainText(`+${BSUID}`);
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  await expect.poll(async () => (await mediaFigures(page)).energy, { timeout: 10_000 }).toBeGreaterThan(0.05);
  await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call ended');
  // The dial box comes back once the call is written up.
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();

  await page.getByTestId('tab-history').click();
  await page.getByTestId('history-search').fill('maria');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  sim.graph.setPermission(BSUID, 'temporary');
  sim.setOutbound({ answer: 'accept', ringMs: 300 });
  await page.getByTestId('history-call-back').click();
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  const connect = sim.graph.requests.find((r) => (r.body as { action?: string })?.action === 'connect');
  expect(connect?.body).toMatchObject({ recipient: BSUID, action: 'connect' });
  expect(connect?.body).not.toHaveProperty('to');
  expect(sim.graph.requests.some((r) => r.path.includes(`call_permissions?recipient=${BSUID}`))).toBe(true);
});
