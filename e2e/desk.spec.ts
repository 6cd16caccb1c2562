import { expect, mediaFigures, openPhone, test } from './phoneFixture';

test('history keeps answered, rejected and missed calls with quality, survives a restart, searches and exports CSV', async ({
  page,
}) => {
  const phone = await openPhone(page, { dataDir: `${process.env.TMPDIR ?? '/tmp'}/softphone-history-${Date.now()}` });
  let reopened: Awaited<ReturnType<typeof openPhone>> | undefined;
  try {
    const answered = await phone.sim.placeCall({ name: 'Answered Ann' });
    await page.getByTestId('answer').click();
    await expect.poll(async () => (await mediaFigures(page)).packetsReceived).toBeGreaterThan(50);
    await expect(page.getByTestId('quality')).not.toHaveAttribute('data-mos', '');
    expect(Number(await page.getByTestId('quality').getAttribute('data-mos'))).toBeGreaterThan(4);
    await expect(page.getByTestId('quality')).toHaveAttribute('data-warnings', '');
    await page.waitForTimeout(2200);
    await page.getByTestId('hangup').click();

    const rejected = await phone.sim.placeCall({ name: 'Rejected Rob' });
    await page.getByTestId('reject').click();
    const missed = await phone.sim.placeCall({ from: '15550009999', name: 'Missed Mia' });
    await expect(page.getByTestId('incoming-call')).toBeVisible();
    await phone.sim.hangUp(missed.callId);

    await page.getByTestId('tab-history').click();
    const rows = page.getByTestId('history-row');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toHaveAttribute('data-reason', 'missed');
    await expect(page.locator(`[data-call-id="${rejected.callId}"]`)).toHaveAttribute('data-reason', 'rejected');
    const answeredRow = page.locator(`[data-testid="history-row"][data-call-id="${answered.callId}"]`);
    await expect(answeredRow).toHaveAttribute('data-reason', 'answered');
    // A call of good quality shows none: the quality column is there only for a poor one.
    await expect(answeredRow.getByTestId('history-mos')).toHaveCount(0);
    await expect(page.getByTestId('history-col-quality')).toHaveCount(0);

    await page.getByTestId('history-search').fill('Mia');
    await expect(rows).toHaveCount(1);
    await page.getByTestId('history-search').fill('');
    await page.getByTestId('history-missed').check();
    await expect(rows).toHaveCount(1);
    await page.getByTestId('history-missed').uncheck();

    const downloading = page.waitForEvent('download');
    await page.getByTestId('history-export').click();
    const download = await downloading;
    const csv = await (
      await download.createReadStream()
    )
      .toArray()
      .then((chunks) => Buffer.concat(chunks).toString('utf8'));
    expect(download.suggestedFilename()).toMatch(/^whatsapp-calls-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(csv.split('\r\n')[0]).toContain('"call_id","direction","number","name"');
    expect(csv).toContain(`"${missed.callId}","inbound","15550009999","Missed Mia"`);
    expect(csv.trim().split('\r\n')).toHaveLength(4);

    // A restart of the app keeps the history.
    await phone.close(false);
    reopened = await openPhone(page, { dataDir: phone.dataDir });
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('history-row')).toHaveCount(3);
  } finally {
    await (reopened ?? phone).close(true);
  }
});

test('away with ring-out: no ring here, the call rings out and is logged as missed', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('agent-status').selectOption('away');
  const call = await sim.placeCall({ name: 'While Away' });
  await expect(page.getByTestId('ringing-out')).toHaveText('Calls ringing out while you are away: 1');
  await expect(page.getByTestId('incoming-call')).toHaveCount(0);
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringtone', 'off');
  await sim.hangUp(call.callId);
  await expect(page.getByTestId('ringing-out')).toHaveCount(0);
  expect(sim.graph.actionsFor(call.callId)).toEqual([]);
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-row')).toHaveAttribute('data-reason', 'missed');
});

test('away with reject: calls are rejected at once and the choice survives a reload', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('away-reject').check();
  await page.getByTestId('agent-status').selectOption('away');
  await page.reload();
  await expect(page.getByTestId('agent-status')).toHaveValue('away');
  const call = await sim.placeCall();
  await expect.poll(() => sim.graph.actionsFor(call.callId)).toEqual(['reject:200']);
  await expect(page.getByTestId('incoming-call')).toHaveCount(0);
});

test('busy: the call shows without the ringtone', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('agent-status').selectOption('busy');
  await sim.placeCall();
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await page.waitForTimeout(300);
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringtone', 'off');
});

test('auto-answer picks up a call with two-way audio', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('auto-answer').check();
  await expect(page.getByTestId('auto-answer')).toBeChecked();
  const call = await sim.placeCall({ name: 'Auto' });
  await expect(page.getByTestId('in-call')).toBeVisible();
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
  await expect.poll(() => call.farEnd.received.loudFrames).toBeGreaterThan(20);
});

test('the agent moves Answer to another letter: the new key answers, the old one does nothing', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('shortcut-answer').selectOption('Y');
  await expect(page.getByTestId('shortcut-answer')).toHaveValue('Y');
  await page.reload();
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await expect(page.getByTestId('shortcut-answer')).toHaveValue('Y');
  await page.getByTestId('tab-phone').click();
  const call = await sim.placeCall();
  await expect(page.getByTestId('answer')).toBeEnabled();
  await page.keyboard.press('Control+Shift+A');
  await page.waitForTimeout(300);
  expect(sim.graph.actionsFor(call.callId)).toEqual([]);
  await page.keyboard.press('Control+Shift+Y');
  await expect(page.getByTestId('in-call')).toBeVisible();
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
});

test('giving Reject the Answer key swaps them, says so, and Ctrl+Shift+R then answers: no caller is rejected by surprise', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('shortcut-reject').selectOption('A');
  await expect(page.getByTestId('shortcut-reject')).toHaveValue('A');
  await expect(page.getByTestId('shortcut-answer')).toHaveValue('R');
  await expect(page.getByTestId('shortcut-moved')).toHaveText(/Ctrl\+Shift\+R/);
  await page.getByTestId('tab-phone').click();
  const call = await sim.placeCall();
  await expect(page.getByTestId('answer')).toBeEnabled();
  await page.keyboard.press('Control+Shift+R');
  await expect(page.getByTestId('in-call')).toBeVisible();
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
});

test('keyboard shortcuts answer, mute, hang up and reject', async ({ phone }) => {
  const { page, sim } = phone;
  const first = await sim.placeCall();
  await expect(page.getByTestId('answer')).toBeEnabled();
  await page.keyboard.press('Control+Shift+A');
  await expect(page.getByTestId('in-call')).toBeVisible();
  await page.keyboard.press('Control+Shift+M');
  await expect(page.getByTestId('mute')).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Control+Shift+H');
  await expect(page.getByTestId('end-reason')).toHaveText('Call ended');
  expect(sim.graph.actionsFor(first.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
  const second = await sim.placeCall();
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await page.keyboard.press('Control+Shift+R');
  // The first call's wrap-up card still says how it ended; the rejected one has its own summary.
  await expect(page.getByTestId('call-ended').filter({ hasText: 'Call rejected' })).toBeVisible();
  expect(sim.graph.actionsFor(second.callId)).toEqual(['reject:200']);
});

test('the keypad sends DTMF when the caller offers telephone-event, and is absent otherwise', async ({ phone }) => {
  const { page, sim } = phone;
  await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect.poll(async () => (await mediaFigures(page)).connection).toBe('connected');
  await page.getByTestId('keypad-toggle').click();
  for (const key of ['1', '2', '3', '#']) await page.getByTestId(`dtmf-${key}`).click();
  await expect(page.getByTestId('dtmf-sent')).toHaveText('123#', { timeout: 5000 });
  await page.getByTestId('hangup').click();

  await sim.placeCall({ farEnd: { offerDtmf: false } });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  await expect(page.getByTestId('keypad-toggle')).toHaveCount(0);
});

test('devices: choose, remember, switch the microphone live, test sound and level meter', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
  await expect
    .poll(async () => Number(await page.getByTestId('mic-level').getAttribute('data-level')))
    .toBeGreaterThan(0);
  const mic = page.getByTestId('device-mic');
  await expect(mic.locator('option', { hasText: 'Fake Audio Input 1' })).toHaveCount(1);
  await mic.selectOption({ label: 'Fake Audio Input 1' });
  await page.getByTestId('device-speaker').selectOption({ label: 'Fake Audio Output 1' });
  await page.getByTestId('device-ringer').selectOption({ label: 'Fake Audio Output 2' });
  await page.reload();
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
  await expect(page.getByTestId('device-mic').locator('option:checked')).toHaveText('Fake Audio Input 1');
  await expect(page.getByTestId('device-ringer').locator('option:checked')).toHaveText('Fake Audio Output 2');
  await page.getByTestId('test-sound').click();
  await expect(page.getByTestId('test-sound-state')).toHaveText('Test sound played.');

  const call = await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('mic-in-use')).toContainText('Fake Audio Input 1');
  await expect.poll(() => call.farEnd.received.loudFrames).toBeGreaterThan(10);
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
  await page.getByTestId('device-mic').selectOption({ label: 'Fake Audio Input 2' });
  await page.getByTestId('tab-phone').click();
  await expect(page.getByTestId('mic-in-use')).toContainText('Fake Audio Input 2');
  const before = call.farEnd.received.loudFrames;
  await expect.poll(() => call.farEnd.received.loudFrames - before).toBeGreaterThan(20);
});

test('a remembered microphone that is gone falls back to the default and says so', async ({ phone }) => {
  const { page, sim, host } = phone;
  await host.services.handlers['preferences:save']({ micDeviceId: 'unplugged-headset-id' });
  await page.reload();
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
  await expect(page.getByText('The chosen device is not connected; the default is used.')).toBeVisible();
  const call = await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByText('The chosen microphone is not connected; using the default one.')).toBeVisible();
  await expect.poll(() => call.farEnd.received.loudFrames).toBeGreaterThan(10);
});

test('a microphone unplugged mid-call: the call moves to the default microphone and the agent is told', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
  await page.getByTestId('device-mic').selectOption({ label: 'Fake Audio Input 1' });
  await page.getByTestId('tab-phone').click();
  const call = await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('mic-in-use')).toContainText('Fake Audio Input 1');
  // Chromium's fake devices cannot be unplugged, so the OS device list is made to lose that microphone.
  await page.evaluate(() => {
    const devices = navigator.mediaDevices;
    const real = devices.enumerateDevices.bind(devices);
    devices.enumerateDevices = async () => (await real()).filter((d) => d.label !== 'Fake Audio Input 1');
    devices.dispatchEvent(new Event('devicechange'));
  });
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
  await expect(page.getByTestId('device-notice')).toContainText('Microphone disconnected; now using');
  await page.getByTestId('tab-phone').click();
  await expect(page.getByTestId('mic-in-use')).not.toContainText('Fake Audio Input 1');
  const before = call.farEnd.received.loudFrames;
  await expect.poll(() => call.farEnd.received.loudFrames - before).toBeGreaterThan(20);
});

test('back from Away while a call rings out: it rings here and is answered with audio', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('agent-status').selectOption('away');
  const call = await sim.placeCall({ name: 'Waited While Away' });
  await expect(page.getByTestId('ringing-out')).toBeVisible();
  await expect(page.getByTestId('idle')).toContainText('switch to Available to answer it here');
  await page.getByTestId('agent-status').selectOption('available');
  await expect(page.getByTestId('caller-name')).toHaveText('Waited While Away');
  await expect(page.getByTestId('ringing-out')).toHaveCount(0);
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
});

test('before a shift: microphone, speaker and WhatsApp are checked in one click; the ringer volume is the agent’s', async ({
  phone,
}) => {
  const { page } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
  await page.getByTestId('shift-check-run').click();
  await expect(page.getByTestId('shift-check-mic')).toHaveAttribute('data-ok', 'true', { timeout: 10_000 });
  await expect(page.getByTestId('shift-check-speaker')).toHaveAttribute('data-ok', 'true', { timeout: 10_000 });
  await expect(page.getByTestId('shift-check-whatsapp')).toHaveText(
    'WhatsApp: reachable, and the connection is accepted.',
    { timeout: 10_000 },
  );
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringer-gain', '0.12');
  await page.getByTestId('ringer-volume').fill('1');
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringer-gain', '0.24');
  await page.reload();
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringer-gain', '0.24');
});

test('before a shift with WhatsApp out of reach: the check says so in a sentence', async ({ phone }) => {
  const { page, sim } = phone;
  await sim.graph.close();
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-audio').click();
  await page.getByTestId('shift-check-run').click();
  await expect(page.getByTestId('shift-check-whatsapp')).toHaveAttribute('data-ok', 'false', { timeout: 15_000 });
  await expect(page.getByTestId('shift-check-whatsapp')).toContainText('Could not reach WhatsApp');
});

test('missed calls are not lost: a badge counts them, calling back or Done clears them', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('agent-status').selectOption('away');
  const first = await sim.placeCall({ from: '447700900701', name: 'Missed One' });
  const second = await sim.placeCall({ from: '447700900702', name: 'Missed Two' });
  await sim.hangUp(first.callId);
  await sim.hangUp(second.callId);
  await expect(page.getByTestId('history-badge')).toHaveText('2');
  await page.getByTestId('agent-status').selectOption('available');
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('to-call-back-row')).toHaveCount(2);
  await page.locator(`[data-call-id="${first.callId}"]`).getByTestId('to-call-back-done').click();
  await expect(page.getByTestId('history-badge')).toHaveText('1');
  await expect(page.getByTestId('to-call-back-row')).toHaveCount(1);

  // Calling the other customer back takes them off the list.
  sim.graph.setPermission('447700900702', 'temporary');
  sim.setOutbound({ answer: 'reject', ringMs: 200 });
  await page.getByTestId('to-call-back-call').click();
  await expect(page.getByTestId('dial-number')).toHaveValue('447700900702');
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call rejected', { timeout: 10_000 });
  await expect(page.getByTestId('history-badge')).toHaveCount(0);
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('to-call-back')).toHaveCount(0);
});

test('a missed caller gets a WhatsApp message from the To call back list; outside the 24 h window without a template the agent is told why', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('agent-status').selectOption('away');
  const missed = await sim.placeCall({ from: '447700900801', name: 'Message Me' });
  const closed = await sim.placeCall({ from: '447700900802', name: 'Window Closed' });
  await sim.hangUp(missed.callId);
  await sim.hangUp(closed.callId);
  sim.graph.closeServiceWindow('447700900802');
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('to-call-back-row')).toHaveCount(2);

  await page.locator(`[data-call-id="${closed.callId}"]`).getByTestId('to-call-back-message').click();
  await expect(page.getByTestId('follow-up-error')).toContainText(
    'The message was not sent. This customer last wrote more than 24 hours ago',
  );
  expect(sim.graph.textMessages).toEqual([]);

  await page.locator(`[data-call-id="${missed.callId}"]`).getByTestId('to-call-back-message').click();
  await expect(page.getByTestId('to-call-back-row')).toHaveCount(1);
  expect(sim.graph.textMessages).toEqual([
    {
      kind: 'text',
      customer: '447700900801',
      body: 'Sorry we missed your call. We will call you back as soon as we can.',
    },
  ]);
  await expect(
    page.locator(`[data-testid="history-row"][data-call-id="${missed.callId}"]`).getByTestId('history-followed-up'),
  ).toHaveText('Message sent');
  await expect(page.getByTestId('history-badge')).toHaveText('1');

  // With an approved template set under Desk, the customer outside the window gets the template instead.
  sim.graph.approveTemplate('missed_call_sorry', 'en');
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('follow-up-template').fill('missed_call_sorry');
  await page.getByTestId('section-save').click();
  await page.getByTestId('tab-history').click();
  await page.locator(`[data-call-id="${closed.callId}"]`).getByTestId('to-call-back-message').click();
  await expect(page.getByTestId('to-call-back')).toHaveCount(0);
  expect(sim.graph.permissionMessages.at(-1)).toEqual({
    kind: 'template',
    customer: '447700900802',
    name: 'missed_call_sorry',
    language: 'en',
  });
});

test('the follow-up carries a WhatsApp call button; the customer taps it and the desk shows "called back after our follow-up"', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('follow-up-call-button').fill('Call us back now please');
  await page.getByTestId('section-save').click();
  await expect(page.getByRole('alert')).toContainText('20 characters at most');
  await page.getByTestId('follow-up-call-button').fill('Call us back');
  await page.getByTestId('section-save').click();

  await page.getByTestId('agent-status').selectOption('away');
  const missed = await sim.placeCall({ from: '447700900901', name: 'Tap Back' });
  await sim.hangUp(missed.callId);
  await page.getByTestId('tab-history').click();
  await page.locator(`[data-call-id="${missed.callId}"]`).getByTestId('to-call-back-message').click();
  await expect(page.getByTestId('to-call-back')).toHaveCount(0);
  const sent = sim.graph.textMessages.at(-1);
  expect(sent).toMatchObject({
    kind: 'call_button',
    customer: '447700900901',
    body: 'Sorry we missed your call. We will call you back as soon as we can.',
    displayText: 'Call us back',
  });
  if (sent?.kind !== 'call_button') throw new Error('no call button sent');

  // The customer taps the button: WhatsApp rings the business with the button's payload as cta_payload.
  await page.getByTestId('agent-status').selectOption('available');
  await page.getByTestId('tab-phone').click();
  const back = await sim.placeCall({ from: '447700900901', name: 'Tap Back', ctaPayload: sent.payload });
  await expect(page.getByTestId('after-follow-up')).toHaveText('Called back after our follow-up message');
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();
  await page.getByTestId('tab-history').click();
  await expect(
    page.locator(`[data-testid="history-row"][data-call-id="${back.callId}"]`).getByTestId('history-after-follow-up'),
  ).toBeVisible();

  // A payload that is not ours (another tool's button) says nothing.
  await page.getByTestId('tab-phone').click();
  const other = await sim.placeCall({ from: '447700900902', ctaPayload: 'campaign-42' });
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await expect(page.getByTestId('after-follow-up')).toHaveCount(0);
  await sim.hangUp(other.callId);
});
