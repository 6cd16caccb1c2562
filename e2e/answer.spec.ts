import { expect, mediaFigures, test } from './phoneFixture';

test('answers a call and carries audio both ways', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ from: '917358580180', name: 'Asha Rao' });
  const card = page.getByTestId('incoming-call');
  await expect(card.getByTestId('caller-name')).toHaveText('Asha Rao');
  await expect(card.getByTestId('caller-number')).toHaveText('+917358580180');
  await expect(card.getByTestId('answer')).toBeEnabled();
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringtone', 'on');

  // While it rings nothing reaches the caller: Meta has not seen our answer yet.
  await page.waitForTimeout(500);
  expect(call.farEnd.received.frames).toBe(0);
  expect(sim.graph.actionsFor(call.callId)).toEqual([]);
  // Nor do its connectivity checks: unanswered ones make Chromium back off for seconds once WhatsApp has the answer.
  expect(call.farEnd.ice.checksBeforeAnswer).toBe(0);

  await card.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringtone', 'off');
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
  const [pre, acc] = sim.graph.requests
    .filter((r) => (r.body as { call_id?: string } | undefined)?.call_id === call.callId)
    .map((r) => r.body as { session: { sdp: string; sdp_type: string } });
  expect(pre?.session.sdp_type).toBe('answer');
  expect(acc?.session.sdp).toBe(pre?.session.sdp);
  expect(pre?.session.sdp).toContain('a=setup:active');
  await expect.poll(() => call.farEnd.ice.nominated, { timeout: 5000 }).toBe(true);
  expect(call.farEnd.ice.checksBeforeAnswer).toBe(0);

  // Tone in: the caller's 440 Hz tone plays out in the app.
  await expect.poll(async () => (await mediaFigures(page)).energy, { timeout: 10_000 }).toBeGreaterThan(0.05);
  expect((await mediaFigures(page)).connection).toBe('connected');
  // Tone out: the fake microphone's beep reaches the caller.
  await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
  expect(call.farEnd.received.peakRms).toBeGreaterThan(0.05);
  await expect(page.getByTestId('call-timer')).not.toHaveText('0:00', { timeout: 3000 });
});

test('a double click on Answer answers once and leaves no error on the call', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ from: '917358580181', name: 'Ravi Iyer' });
  const card = page.getByTestId('incoming-call');
  await expect(card.getByTestId('answer')).toBeEnabled();
  await card.getByTestId('answer').dblclick();
  await expect(page.getByTestId('in-call')).toBeVisible();
  await expect.poll(async () => (await mediaFigures(page)).connection, { timeout: 10_000 }).toBe('connected');
  // The second press went nowhere: WhatsApp saw one answer, and the live call carries no refusal.
  await expect(page.getByTestId('call-timer')).not.toHaveText('0:00', { timeout: 5000 });
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
  await expect(page.getByText('This call can no longer be answered.')).toHaveCount(0);
  await expect(page.getByTestId('in-call').locator('.error')).toHaveCount(0);
});
