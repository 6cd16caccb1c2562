import { expect, test } from './phoneFixture';

async function setCapture(
  page: import('@playwright/test').Page,
  mode: 'off' | 'all' | 'ask',
  kinds: { recording: boolean; transcription: boolean },
) {
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('capture-mode').selectOption(mode);
  await page.getByTestId('capture-recording').setChecked(kinds.recording);
  await page.getByTestId('capture-transcription').setChecked(kinds.transcription);
  await page.getByTestId('capture-purpose').fill('quality assurance');
  await page.getByTestId('capture-language').selectOption('en_US');
  await page.getByTestId('section-save').click();
  await page.getByTestId('tab-phone').click();
}

async function answerAndEnd(phone: import('./phoneFixture').Phone, name: string) {
  const { page, sim } = phone;
  const call = await sim.placeCall({ name });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  return call;
}

test('WhatsApp records and transcribes an answered call: announced, downloaded, played and read in History', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await setCapture(page, 'all', { recording: true, transcription: true });
  const call = await answerAndEnd(phone, 'Recorded Customer');
  await expect(page.getByTestId('capture-notice')).toContainText('WhatsApp is recording this call');
  // The simulated Meta read the request by its own rules and announced it to both sides.
  expect(sim.graph.announcements).toEqual([
    {
      callId: call.callId,
      text: 'The audio of this call will be recorded and transcribed for the following purpose: quality assurance.',
    },
  ]);
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();

  await page.getByTestId('tab-history').click();
  const row = page.getByTestId('history-row').filter({ hasText: 'Recorded Customer' });
  const player = row.getByTestId('history-recording');
  await expect(player).toBeVisible({ timeout: 10_000 });
  // The player has really decoded the downloaded file (1.5 s of audio from the simulator).
  await expect
    .poll(() => player.evaluate((audio: HTMLAudioElement) => audio.duration), { timeout: 5000 })
    .toBeGreaterThan(1.4);
  await row.getByTestId('history-transcript').locator('summary').click();
  await expect(row.getByTestId('history-transcript')).toContainText(
    'Business: Hello, how can I help?\nCustomer: My parcel has not arrived yet.',
  );
  // Both files came with the token, and each exactly once.
  expect([...sim.graph.media.values()].map((m) => m.downloads)).toEqual([1, 1]);
  await page.getByTestId('history-search').fill('parcel has not arrived');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  const csv = await phone.host.services.handlers['history:exportCsv']({ search: '', missedOnly: false, limit: 10 });
  expect(csv.split('\r\n')[0]).toContain('","recorded","transcript"');
  expect(csv).toContain('"Resolved","","yes",');
});

test('asked per call: only the call the agent ticks is recorded', async ({ phone }) => {
  const { page, sim } = phone;
  await setCapture(page, 'ask', { recording: true, transcription: false });
  const plain = await sim.placeCall({ name: 'Not Recorded' });
  await expect(page.getByTestId('capture-this-call')).toBeVisible();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect(page.getByTestId('capture-notice')).toHaveCount(0);
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();

  const ticked = await sim.placeCall({ name: 'Ticked Customer' });
  await page.getByTestId('capture-this-call').check();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('capture-notice')).toBeVisible({ timeout: 10_000 });
  const bodies = sim.graph.requests
    .map((r) => r.body as Record<string, unknown> | undefined)
    .filter((b) => b?.action === 'accept');
  expect(bodies.find((b) => b?.call_id === plain.callId)?.recording).toBeUndefined();
  expect(bodies.find((b) => b?.call_id === ticked.callId)?.recording).toEqual({
    status: 'ENABLED',
    purpose: 'quality assurance',
    announcement_language: 'en_US',
  });
  expect(sim.graph.announcements.map((a) => a.callId)).toEqual([ticked.callId]);
});

test('a recording that arrives damaged: the row stays, says what failed, and Try again fetches it', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await setCapture(page, 'all', { recording: true, transcription: false });
  const call = await answerAndEnd(phone, 'Damaged Recording');
  // The next file WhatsApp makes will arrive with other bytes than its checksum says.
  const corrupt = sim.graph.addMedia;
  sim.graph.addMedia = (bytes, mimeType) => {
    const file = corrupt(bytes, mimeType);
    sim.graph.media.get(file.id)!.corrupt = true;
    return file;
  };
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Complaint').check();
  await page.getByTestId('wrap-up-notes').fill('angry about the delay');
  await page.getByTestId('wrap-up-save').click();
  await page.getByTestId('tab-history').click();
  const row = page.locator(`[data-call-id="${call.callId}"]`);
  await expect(row.getByTestId('history-media-problem')).toHaveText(
    "The call recording that arrived does not match WhatsApp's checksum. Try again from History; WhatsApp keeps it for 7 days.",
    { timeout: 10_000 },
  );
  await expect(row.getByTestId('history-outcome')).toHaveText('Complaint');
  // Main stored what failed as messages: in Spanish the row says it in Spanish.
  await phone.host.services.handlers['preferences:save']({ language: 'es' });
  await expect(row.getByTestId('history-media-problem')).toHaveText(
    'La grabación que llegó no coincide con la suma de comprobación de WhatsApp. Vuelve a intentarlo desde el Historial; WhatsApp lo guarda 7 días.',
  );
  await expect(row.getByTestId('history-outcome')).toHaveText('Reclamación');
  await phone.host.services.handlers['preferences:save']({ language: 'en' });
  await expect(row.getByTestId('history-notes')).toHaveText('angry about the delay');
  await expect(row.getByTestId('history-recording')).toHaveCount(0);

  for (const file of sim.graph.media.values()) file.corrupt = false;
  await row.getByTestId('history-media-retry').click();
  await expect(row.getByTestId('history-recording')).toBeVisible();
  await expect(row.getByTestId('history-media-problem')).toHaveCount(0);
});

test('a call the agent places is recorded too when ticked in the dial box', async ({ phone }) => {
  const { page, sim } = phone;
  await setCapture(page, 'ask', { recording: true, transcription: false });
  sim.graph.setPermission('447700900321', 'temporary');
  sim.setOutbound({ answer: 'accept', ringMs: 200 });
  await page.getByTestId('dial-number').fill('447700900321');
  await page.getByTestId('dial-capture').check();
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect(page.getByTestId('capture-notice')).toBeVisible();
  const connect = sim.graph.requests.map((r) => r.body as Record<string, unknown>).find((b) => b?.action === 'connect');
  expect(connect?.recording).toEqual({
    status: 'ENABLED',
    purpose: 'quality assurance',
    announcement_language: 'en_US',
  });
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Sales').check();
  await page.getByTestId('wrap-up-save').click();
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-row').first().getByTestId('history-recording')).toBeVisible({
    timeout: 10_000,
  });
});
