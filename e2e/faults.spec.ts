import { loadSdpFixture } from '../fixtures/load';
import { createFatalErrorHandler } from '../src/main/fatalErrors';
import { connectWebhook, postSignedWebhook, terminateWebhook } from '../sim/webhookSender';
import { expect, mediaFigures, openPhone, test, TEST_SECRETS } from './phoneFixture';

test('a connect delivered three times rings once', async ({ phone }) => {
  const { page, sim, host } = phone;
  const call = await sim.placeCall({ name: 'Echo' });
  const again = connectWebhook({
    callId: call.callId,
    from: call.from,
    callerName: 'Echo',
    phoneNumberId: TEST_SECRETS.phoneNumberId,
    sdpOffer: call.farEnd.offerSdp,
  });
  for (let i = 0; i < 2; i += 1)
    expect((await postSignedWebhook(host.services.webhookUrl!, again, TEST_SECRETS.appSecret)).status).toBe(200);
  await page.waitForTimeout(300);
  await expect(page.getByTestId('incoming-call')).toHaveCount(1);
});

test('a terminate that overtakes its connect never rings and is logged as missed', async ({ phone }) => {
  const { page, host } = phone;
  const url = host.services.webhookUrl!;
  const ids = {
    callId: 'wacid.overtaken',
    from: '447700900555',
    phoneNumberId: TEST_SECRETS.phoneNumberId,
    callerName: 'Quick Quitter',
  };
  await postSignedWebhook(url, terminateWebhook({ ...ids, status: 'COMPLETED' }), TEST_SECRETS.appSecret);
  await postSignedWebhook(url, connectWebhook({ ...ids, sdpOffer: 'v=0\r\n' }), TEST_SECRETS.appSecret);
  await page.waitForTimeout(300);
  await expect(page.getByTestId('incoming-call')).toHaveCount(0);
  await expect(page.getByTestId('phone')).toHaveAttribute('data-ringtone', 'off');
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-row')).toHaveAttribute('data-reason', 'missed');
});

for (const [action, status] of [
  ['pre_accept', 503],
  ['accept', 500],
] as const) {
  test(`${action} answered ${status}: the agent is told, the call is ended on WhatsApp, nothing dangles`, async ({
    phone,
  }) => {
    const { page, sim } = phone;
    const call = await sim.placeCall();
    sim.graph.addFault({
      action,
      status,
      body: { error: { message: 'Service temporarily unavailable', code: 2, fbtrace_id: 'Fx1' } },
    });
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('end-reason')).toHaveText('Call failed');
    // One plain sentence with Meta's code; the HTTP status and Meta's wording stay in the log.
    await expect(page.getByTestId('end-message')).toHaveText(
      'The call could not be answered. WhatsApp refused the request (WhatsApp code 2): try again, and tell your administrator if it keeps happening.',
    );
    expect(phone.logs.some((r) => String(r.error ?? '').includes(`HTTP ${status}`))).toBe(true);
    const actions = sim.graph.actionsFor(call.callId);
    expect(actions.filter((a) => a.startsWith(action))).toHaveLength(1);
    expect(actions.at(-1)).toBe(action === 'pre_accept' ? 'reject:200' : 'terminate:200');
    expect(['rejected', 'terminated']).toContain(sim.graph.calls.get(call.callId)?.state);
  });
}

test('pre_accept refused with 429 is repeated and the call connects', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall();
  sim.graph.addFault({
    action: 'pre_accept',
    status: 429,
    body: { error: { message: 'Call rate limit exceeded', code: 138005 } },
  });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:429', 'pre_accept:200', 'accept:200']);
  await expect.poll(() => call.farEnd.received.loudFrames).toBeGreaterThan(10);
});

test('terminate failing twice with 5xx is repeated until WhatsApp confirms', async ({ phone }) => {
  const { page, sim } = phone;
  const call = await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  sim.graph.addFault({ action: 'terminate', status: 502, times: 2 });
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call ended');
  expect(sim.graph.actionsFor(call.callId).slice(-3)).toEqual(['terminate:502', 'terminate:502', 'terminate:200']);
});

test('terminate that never succeeds: the agent is told WhatsApp did not confirm', async ({ phone }) => {
  const { page, sim } = phone;
  await sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  sim.graph.addFault({ action: 'terminate', status: 500, times: 3 });
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call ended');
  await expect(page.getByRole('alert')).toContainText('WhatsApp did not confirm');
});

test('the caller vanishes mid-call: the agent sees it, then the call is ended and terminated', async ({ page }) => {
  const phone = await openPhone(page, { mediaTimeoutMs: 2000 });
  try {
    const call = await phone.sim.placeCall({ farEnd: { network: {} } });
    await page.getByTestId('answer').click();
    await expect.poll(async () => (await mediaFigures(page)).connection).toBe('connected');
    call.farEnd.vanish();
    await expect(page.getByText('Connection to the caller lost. Trying to recover…')).toBeVisible({ timeout: 15_000 });
    // No verdict on call quality while there is no audio to judge.
    await expect(page.getByTestId('quality-summary')).toHaveCount(0);
    await expect(page.getByTestId('end-reason')).toHaveText('Call failed', { timeout: 10_000 });
    await expect(page.getByTestId('end-message')).toHaveText(
      'The connection to the caller was lost and did not come back.',
    );
    expect(phone.sim.graph.actionsFor(call.callId).at(-1)).toBe('terminate:200');
  } finally {
    await phone.close();
  }
});

test('closing the window during a call terminates it on WhatsApp; a reload while ringing keeps the call', async ({
  phone,
  context,
}) => {
  const { page, sim, host } = phone;
  const ringing = await sim.placeCall({ name: 'Patient Caller' });
  await page.reload();
  await expect(page.getByTestId('caller-name')).toHaveText('Patient Caller');
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  await page.close();
  await expect.poll(() => sim.graph.actionsFor(ringing.callId).at(-1), { timeout: 10_000 }).toBe('terminate:200');
  const again = await context.newPage();
  await again.goto(host.url);
  await again.getByTestId('tab-history').click();
  await expect(again.getByTestId('history-row')).toHaveAttribute('data-reason', 'failed');
});

test('quitting the app during a call sends terminate first', async ({ page }) => {
  const phone = await openPhone(page);
  const call = await phone.sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  await phone.host.close();
  expect(phone.sim.graph.actionsFor(call.callId).at(-1)).toBe('terminate:200');
  await phone.sim.close();
});

test('an error nothing caught: the live call is ended on WhatsApp, the agent is told, then the process exits', async ({
  page,
}) => {
  const phone = await openPhone(page);
  const call = await phone.sim.placeCall();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call')).toBeVisible();
  const exits: number[] = [];
  const onFatal = createFatalErrorHandler({
    logger: phone.logger,
    failFatally: () => phone.host.services.failFatally(),
    exit: (code) => exits.push(code),
  });
  await onFatal(new Error('something nobody caught'));
  expect(phone.sim.graph.actionsFor(call.callId).at(-1)).toBe('terminate:200');
  await expect(page.getByRole('alert').first()).toContainText('internal error and must restart');
  await phone.host.services.handlers['preferences:save']({ language: 'ar' });
  await expect(page.getByRole('alert').first()).toContainText('واجه الهاتف خطأً داخليًا');
  expect(exits).toEqual([1]);
  expect(phone.logs.some((r) => r.msg === 'fatal error; ending live calls and exiting')).toBe(true);
  await phone.close();
});

test('an offer with no audio this phone can play is declined on WhatsApp within 2 s, with a plain sentence', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const call = await sim.placeCall({ mangleOffer: (sdp) => sdp.replace('m=audio', 'm=video') });
  const sentAt = Date.now();
  await expect.poll(() => sim.graph.actionsFor(call.callId), { timeout: 2000 }).toEqual(['reject:200']);
  expect(Date.now() - sentAt).toBeLessThan(2000);
  await expect(page.getByTestId('end-message')).toHaveText(
    'This call could not be taken: the caller’s WhatsApp offered no audio this phone can play. It was declined.',
  );
  expect(phone.logs.some((r) => r.msg === 'call ended for its media' && typeof r.detail === 'string')).toBe(true);
});

test('a delivery mixing a valid connect with an event the phone does not know: 200, and the call rings', async ({
  phone,
}) => {
  const { page, host } = phone;
  const body = connectWebhook({
    callId: 'wacid.mixed-delivery',
    from: '447700900222',
    callerName: 'Mixed Delivery',
    phoneNumberId: TEST_SECRETS.phoneNumberId,
    sdpOffer: loadSdpFixture('01-meta-doc-user-initiated-offer.sdp'),
  }) as any;
  const value = body.entry[0].changes[0].value;
  value.calls.push({ id: 'wacid.sip', event: 'call_created', timestamp: value.calls[0].timestamp });
  body.entry[0].changes.push({ field: 'call_transcription_available', value: { anything: true } });
  expect((await postSignedWebhook(host.services.webhookUrl!, body, TEST_SECRETS.appSecret)).status).toBe(200);
  await expect(page.getByTestId('incoming-call')).toContainText('Mixed Delivery');
});

test('a webhook port already in use is explained', async ({ page }) => {
  const { createServer } = await import('node:net');
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  const phone = await openPhone(page, { webhookPort: port, unconfigured: true });
  try {
    await phone.host.services.handlers['settings:save']({
      ...TEST_SECRETS,
      webhookPort: 8787,
      tunnel: 'none',
      publicUrl: '',
      ngrokAuthtoken: '',
    });
    await page.reload();
    await expect(page.getByRole('alert').first()).toContainText(`Webhook port ${port} is already in use on 127.0.0.1`);
    // The main process sent the port and the address; the page words them in the agent's language.
    await phone.host.services.handlers['preferences:save']({ language: 'es' });
    await expect(page.getByRole('alert').first()).toHaveText(
      `El puerto de webhook ${port} ya está en uso en 127.0.0.1. Cierra el otro programa o elige otro puerto de webhook en Ajustes.`,
    );
  } finally {
    await phone.close();
    blocker.close();
  }
});
