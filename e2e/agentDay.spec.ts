import { expect, mediaFigures, openPhone, test } from './phoneFixture';

test('mute is unmistakable, and the live call stays in reach on History and Settings', async ({ phone }) => {
  const { page, sim } = phone;
  await sim.placeCall({ name: 'Muted Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('mute').click();
  await expect(page.getByTestId('muted-banner')).toHaveText('Muted: the caller cannot hear you');
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('call-bar')).toContainText('Muted Customer');
  await expect(page.getByTestId('call-bar-muted')).toBeVisible();
  // A call in progress offers no Call back.
  await expect(page.getByTestId('history-row').first()).toHaveAttribute('data-reason', 'live');
  await expect(page.getByTestId('history-row').first().getByTestId('history-call-back')).toHaveCount(0);
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('call-bar-mute').click();
  await expect(page.getByTestId('call-bar-muted')).toHaveCount(0);
  await page.getByTestId('call-bar-hangup').click();
  await expect(page.getByTestId('call-bar')).toHaveCount(0);
  await page.getByTestId('tab-phone').click();
  await expect(page.getByTestId('call-ended')).toBeVisible();
});

test('after a call: number, time and talk time in its wrap-up; Call back and Escape on a missed call; focus follows every step', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await sim.placeCall({ from: '447700900123', name: 'Focus Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Focus Customer');
  await expect(page.getByTestId('mute')).toBeFocused();
  await expect.poll(async () => (await mediaFigures(page)).connection).toBe('connected');
  await page.getByTestId('hangup').click();
  const card = page.getByTestId('wrap-up');
  await expect(card.getByTestId('ended-number')).toContainText('447700900123');
  await expect(card.getByTestId('ended-time')).toHaveText(/\d{1,2}:\d{2}/);
  await expect(card.getByTestId('talk-time')).toBeVisible();
  await expect(page.getByTestId('wrap-up-outcome-Resolved')).toBeFocused();
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();
  await expect(card).toHaveCount(0);

  // A missed call has nothing to write up: its summary offers OK and Call back.
  const missed = await sim.placeCall({ from: '447700900124', name: 'Missed Customer' });
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await sim.hangUp(missed.callId);
  const ended = page.getByTestId('call-ended');
  await expect(ended.getByTestId('ended-number')).toContainText('447700900124');
  await page.getByTestId('ended-call-back').click();
  await expect(page.getByTestId('dial-number')).toHaveValue('447700900124');

  const again = await sim.placeCall({ name: 'Second Customer' });
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await sim.hangUp(again.callId);
  await expect(ended).toBeVisible();
  await page.getByTestId('dial-number').blur();
  await page.keyboard.press('Escape');
  await expect(ended).toHaveCount(0);
});

test('digits typed on the keyboard during a call go to the caller as DTMF', async ({ phone }) => {
  const { page, sim } = phone;
  await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect.poll(async () => (await mediaFigures(page)).connection).toBe('connected');
  await page.keyboard.press('4');
  await page.keyboard.press('2');
  await page.keyboard.press('#');
  await page.getByTestId('keypad-toggle').click();
  await expect(page.getByTestId('dtmf-sent')).toHaveText('42#', { timeout: 5000 });
});

test('a search with no match says so instead of "No calls yet"', async ({ phone }) => {
  const { page } = phone;
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-empty')).toHaveText('No calls yet.');
  await page.getByTestId('history-search').fill('nobody-like-this');
  await expect(page.getByTestId('history-empty')).toHaveText('No calls match this search.');
});

test('dialling: Enter calls, the customer’s ringing is not shown as audio, and a permission request goes once', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const customer = '14085550199';
  sim.graph.setPermission(customer, 'temporary');
  sim.setOutbound({ answer: 'accept', ringMs: 1500 });
  await page.getByTestId('dial-number').fill(customer);
  await page.getByTestId('dial-number').press('Enter');
  await expect(page.getByTestId('call-phase')).toHaveText('Ringing…', { timeout: 5000 });
  await expect(page.getByTestId('media-state')).toHaveText(/Waiting for the customer to answer/);
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect(page.getByTestId('media-state')).toContainText('Audio connected', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();

  const other = '14085550188';
  await page.getByTestId('dial-number').fill(other);
  await page.getByTestId('dial-call').click();
  await page.getByTestId('dial-request-permission').click();
  await expect(page.getByTestId('dial-requested')).toContainText('Permission request sent');
  await expect(page.getByTestId('dial-request-permission')).toHaveCount(0);
  expect(sim.graph.permissionRequests).toEqual([other]);
});

test('WhatsApp out of reach: one plain sentence, the technical detail only behind Details', async ({ phone }) => {
  const { page, sim } = phone;
  await sim.graph.close();
  await page.getByTestId('dial-number').fill('14085550177');
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('dial-error')).toHaveText(
    'The call permission could not be checked. Could not reach WhatsApp: check this computer’s internet connection, then try again.',
  );
  await expect(page.getByTestId('dial-error')).not.toContainText('ECONNREFUSED');
  await page.getByTestId('dial-error-detail').getByText('Details').click();
  await expect(page.getByTestId('dial-error-detail')).toContainText('Could not reach the WhatsApp API');
});

test('a microphone that sends no sound for 10 s while unmuted is pointed out during the call', async ({ page }) => {
  // The agent's microphone delivers pure silence, as a headset with its own mute switch on would.
  await page.addInitScript(() => {
    navigator.mediaDevices.getUserMedia = async () => {
      const context = new AudioContext();
      const gain = context.createGain();
      gain.gain.value = 0;
      const source = context.createOscillator();
      source.connect(gain);
      const sink = context.createMediaStreamDestination();
      gain.connect(sink);
      source.start();
      return sink.stream;
    };
  });
  const phone = await openPhone(page);
  try {
    await phone.sim.placeCall({ name: 'Silent Mic Customer' });
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await expect(page.getByTestId('dead-mic')).toHaveCount(0);
    await expect(page.getByTestId('dead-mic')).toContainText('sent no sound for 10 seconds', { timeout: 15_000 });
    await page.getByTestId('mute').click();
    await expect(page.getByTestId('dead-mic')).toHaveCount(0);
  } finally {
    await phone.close();
  }
});

test('a working microphone raises no dead-mic warning', async ({ phone }) => {
  const { page, sim } = phone;
  await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.waitForTimeout(11_000);
  await expect(page.getByTestId('dead-mic')).toHaveCount(0);
});
