import { expect, test } from './phoneFixture';

test('several calls ringing at once: the agent sees how many, the one waiting longest first', async ({ phone }) => {
  const { page, sim } = phone;
  const calls = [];
  for (const name of ['Oldest Caller', 'Middle Caller', 'Newest Caller']) {
    calls.push(await sim.placeCall({ name }));
    await expect(page.getByTestId('incoming-call').filter({ hasText: name })).toBeVisible();
  }
  const count = page.getByTestId('ringing-count');
  await expect(count).toHaveText('3 calls ringing, the oldest first');
  await expect(page.getByTestId('caller-name')).toHaveText(['Oldest Caller', 'Middle Caller', 'Newest Caller']);
  await expect(page.getByTestId('team-state')).toHaveText('Ringing');

  await sim.hangUp(calls[0]!.callId);
  await expect(count).toHaveText('2 calls ringing, the oldest first');
  await expect(page.getByTestId('caller-name')).toHaveText(['Middle Caller', 'Newest Caller']);
  // The oldest left takes Answer.
  await page.getByTestId('answer').first().click();
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Middle Caller', { timeout: 10_000 });
  // One call left ringing: no count.
  await expect(count).toHaveCount(0);
  await expect(page.getByTestId('incoming-call')).toHaveCount(1);
  // Everything ends before the phone closes.
  await sim.hangUp(calls[2]!.callId);
  await expect(page.getByTestId('incoming-call')).toHaveCount(0);
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('wrap-up')).toBeVisible();
});
