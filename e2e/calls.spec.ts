import { expect, mediaFigures, test } from './phoneFixture';

test('rejects a ringing call: reject sent, caller released, agent sees it', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ name: 'Rejected Caller' });
  await page.getByTestId('reject').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call rejected');
  expect(sim.graph.actionsFor(call.callId)).toEqual(['reject:200']);
  expect(sim.calls.get(call.callId)?.endedBy).toBe('business_reject');
  await page.getByTestId('dismiss').click();
  await expect(page.getByTestId('idle')).toBeVisible();
});

test('caller hangs up while ringing: the ring stops and the call shows as missed', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ name: 'Impatient Caller' });
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await sim.hangUp(call.callId);
  await expect(page.getByTestId('incoming-call')).toHaveCount(0);
  await expect(page.getByTestId('end-reason')).toHaveText('Missed call');
  expect(sim.graph.actionsFor(call.callId)).toEqual([]);
  // The card and History give the same moment for it: when it came (before, the card took when it ended).
  const cardAt = await page.getByTestId('ended-time').locator('time').getAttribute('datetime');
  await page.getByTestId('tab-history').click();
  const row = page.locator(`[data-testid="history-row"][data-call-id="${call.callId}"]`);
  await expect(row.getByTestId('history-when').locator('time')).toHaveAttribute('datetime', cardAt!);
});

test('agent hangs up an active call: terminate sent once and the summary shows the talk time', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ name: 'Long Talker' });
  await page.getByTestId('answer').click();
  await expect.poll(async () => (await mediaFigures(page)).connection).toBe('connected');
  await page.waitForTimeout(1100);
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('call-ended')).toHaveAttribute('data-reason', 'answered');
  await expect(page.getByTestId('talk-time')).toHaveText(/^0:0[1-9]$/);
  await expect(page.getByTestId('end-reason')).toHaveText('Call ended');
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  expect(call.farEnd.connectionState).toBe('closed');
});

test('caller hangs up an active call: the agent sees it and no terminate is sent', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  await sim.hangUp(call.callId);
  await expect(page.getByTestId('end-reason')).toHaveText('Caller hung up');
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
});

test('two calls arriving together both ring; answering one keeps the other ringing until it is rejected', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const [first, second] = await Promise.all([
    sim.placeCall({ name: 'First Caller' }),
    sim.placeCall({ name: 'Second Caller' }),
  ]);
  const cards = page.getByTestId('incoming-call');
  await expect(cards).toHaveCount(2);
  await page.locator(`[data-call-id="${first!.callId}"]`).getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toHaveAttribute('data-call-id', first!.callId);
  const waiting = page.locator(`[data-testid="incoming-call"][data-call-id="${second!.callId}"]`);
  await expect(waiting).toBeVisible();
  // During a call the other is offered as call waiting: hold or end the current one to take it.
  await expect(waiting.getByTestId('answer')).toHaveCount(0);
  await expect(waiting.getByTestId('hold-and-answer')).toBeVisible();
  await waiting.getByTestId('reject').click();
  await expect(waiting).toHaveCount(0);
  expect(sim.graph.actionsFor(second!.callId)).toEqual(['reject:200']);
  await expect.poll(() => first!.farEnd.received.loudFrames).toBeGreaterThan(10);
});

test('eight calls at once: every card shows, the oldest can be answered first, and callers who hang up while their answer waits are not declined', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const placed = (await Promise.all(Array.from({ length: 8 }, (_, i) => sim.placeCall({ name: `Burst ${i}` })))).sort(
    (a, b) => a.webhookSentAtMs! - b.webhookSentAtMs!,
  );
  await expect(page.getByTestId('incoming-call')).toHaveCount(8);
  // The last three give up at once, while their answers are still queued behind the others' (two are built at once).
  await Promise.all(placed.slice(5).map((c) => sim.hangUp(c.callId)));
  await expect(page.getByTestId('incoming-call')).toHaveCount(5);
  const oldest = page.locator(`[data-call-id="${placed[0]!.callId}"]`).getByTestId('answer');
  await expect(oldest).toBeEnabled();
  await oldest.click();
  await expect(page.getByTestId('in-call')).toHaveAttribute('data-call-id', placed[0]!.callId);
  await expect.poll(() => placed[0]!.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(10);
  // Every other call still ringing gets its answer in turn and can be taken as call waiting.
  for (const call of placed.slice(1, 5))
    await expect(page.locator(`[data-call-id="${call.callId}"]`).getByTestId('hold-and-answer')).toBeEnabled();
  // Nothing was sent to WhatsApp for the callers who hung up: no reject, no terminate.
  await page.waitForTimeout(500);
  for (const call of placed.slice(5)) expect(sim.graph.actionsFor(call.callId)).toEqual([]);
});

test('a Graph API failure on answer tells the agent and leaves no call dangling', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall();
  sim.graph.addFault({
    action: 'accept',
    status: 500,
    body: { error: { message: 'Connection error', code: 138004, fbtrace_id: 'Ftrace1' } },
  });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call failed');
  await expect(page.getByTestId('end-message')).toContainText('WhatsApp had a connection problem with this call');
  // Main said why by message and WhatsApp's code: in Spanish the card reads Spanish, the code kept.
  await phone.host.services.handlers['preferences:save']({ language: 'es' });
  await expect(page.getByTestId('end-message')).toContainText('No se pudo contestar la llamada.');
  await expect(page.getByTestId('end-message')).toContainText('138004');
  await expect(page.getByTestId('end-message')).not.toContainText('could not be answered');
  // History keeps the messages with the call: its row reads the same.
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-message').first()).toContainText('No se pudo contestar la llamada.');
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:500', 'terminate:200']);
  expect(sim.graph.calls.get(call.callId)?.state).toBe('terminated');
});

test('mute stops the caller hearing the agent, unmute brings the voice back', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect.poll(() => call.farEnd.received.loudFrames).toBeGreaterThan(20);
  await page.getByTestId('mute').click();
  await expect(page.getByTestId('mute')).toHaveAttribute('aria-pressed', 'true');
  await page.waitForTimeout(500);
  const mutedAt = call.farEnd.received.loudFrames;
  await page.waitForTimeout(1500);
  expect(call.farEnd.received.loudFrames - mutedAt).toBeLessThan(5);
  await page.getByTestId('mute').click();
  await expect.poll(() => call.farEnd.received.loudFrames - mutedAt, { timeout: 5000 }).toBeGreaterThan(20);
});

test('WhatsApp drops a call that gets no media, and the agent is told why', async ({ phone }) => {
  const { page, sim } = phone;
  // Accept is held back past the caller's no-media limit (shortened from 20 s), so no audio ever flows.
  const call = await sim.placeCall({ farEnd: { noMediaTimeoutMs: 1500 } });
  sim.graph.addFault({ action: 'accept', delayMs: 4000 });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call failed', { timeout: 15_000 });
  await expect(page.getByTestId('end-message')).toContainText('138021');
  expect(sim.calls.get(call.callId)?.endedBy).toBe('no_media');
});
