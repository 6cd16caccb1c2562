import { expect, mediaFigures, test } from './phoneFixture';

const CUSTOMER = '447700900321';

test('calls a customer who has given permission: ringing, answered, audio both ways, hang up', async ({ phone }) => {
  const { page, sim } = phone;
  sim.graph.setPermission(CUSTOMER, 'temporary');
  sim.setOutbound({ answer: 'accept', ringMs: 600 });
  await page.getByTestId('dial-number').fill(`+${CUSTOMER}`);
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('call-phase')).toHaveText('Ringing…');
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  const connect = sim.graph.requests.find((r) => (r.body as { action?: string })?.action === 'connect');
  expect(connect?.body).toMatchObject({ to: CUSTOMER, action: 'connect', session: { sdp_type: 'offer' } });
  const callId = [...sim.calls.keys()][0]!;
  const call = sim.calls.get(callId)!;
  await expect.poll(async () => (await mediaFigures(page)).energy, { timeout: 10_000 }).toBeGreaterThan(0.05);
  await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call ended');
  expect(sim.graph.actionsFor(callId)).toEqual(['terminate:200']);
});

test('WhatsApp’s answer overtaking the reply to connect is kept and used', async ({ phone }) => {
  const { page, sim } = phone;
  sim.graph.setPermission(CUSTOMER, 'permanent');
  sim.graph.setConnectReplyDelay(400);
  await page.getByTestId('dial-number').fill(CUSTOMER);
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect.poll(async () => (await mediaFigures(page)).connection, { timeout: 10_000 }).toBe('connected');
});

test('WhatsApp ending a call before its reply to connect: that call ends, no phantom call appears, nothing is left dialing', async ({
  phone,
}) => {
  const { page, sim } = phone;
  sim.graph.setPermission(CUSTOMER, 'temporary');
  sim.graph.setConnectReplyDelay(500);
  sim.setOutbound({ answer: 'unreachable' });
  await page.getByTestId('dial-number').fill(CUSTOMER);
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call failed', { timeout: 10_000 });
  await expect(page.getByTestId('end-message')).toContainText('cannot be called on WhatsApp');
  const calls = await phone.host.services.handlers['calls:list']({});
  expect(calls.map((c) => [c.direction, c.phase])).toEqual([['outbound', 'ended']]);
  await expect(page.getByTestId('in-call')).toHaveCount(0);
});

test('the customer hears nothing from the agent’s microphone until they answer', async ({ phone }) => {
  const { page, sim } = phone;
  sim.graph.setPermission(CUSTOMER, 'temporary');
  sim.setOutbound({ answer: 'accept', ringMs: 2500 });
  await page.getByTestId('dial-number').fill(CUSTOMER);
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('call-phase')).toHaveText('Ringing…');
  await expect.poll(() => sim.calls.size).toBe(1);
  const call = [...sim.calls.values()][0]!;
  await page.waitForTimeout(1500);
  expect(call.farEnd.received.loudFrames).toBe(0);
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect.poll(() => call.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
});

test('the customer accepts a permission request: the dial box says so at once, and the call goes through', async ({
  phone,
}) => {
  const { page, sim } = phone;
  sim.answerPermissionRequests('accept');
  sim.setOutbound({ answer: 'accept', ringMs: 300 });
  await page.getByTestId('dial-number').fill(CUSTOMER);
  await page.getByTestId('dial-call').click();
  await page.getByTestId('dial-request-permission').click();
  await expect(page.getByTestId('dial-permission-reply')).toContainText('The customer allowed calls until');
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
});

test('a customer who declines shows as declined', async ({ phone }) => {
  const { page, sim } = phone;
  sim.graph.setPermission(CUSTOMER, 'temporary');
  sim.setOutbound({ answer: 'reject', ringMs: 300 });
  await page.getByTestId('dial-number').fill(CUSTOMER);
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('end-reason')).toHaveText('Call rejected', { timeout: 10_000 });
  await expect(page.getByTestId('end-message')).toHaveText('The customer declined the call.');
});

test('without permission the call is not placed; the agent can ask for permission', async ({ phone }) => {
  const { page, sim } = phone;
  await page.getByTestId('dial-number').fill(CUSTOMER);
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('dial-error')).toHaveText('This customer has not given permission to be called.');
  // Said once: the line under it only offers to ask (before, it said the same again in other words).
  await expect(page.getByTestId('dial-permission')).not.toContainText('has not allowed calls');
  await expect(page.getByTestId('dial-permission')).toHaveText('Ask for permission');
  expect(sim.graph.requests.some((r) => (r.body as { action?: string })?.action === 'connect')).toBe(false);
  await page.getByTestId('dial-request-permission').click();
  await expect(page.getByTestId('dial-requested')).toContainText('Permission request sent');
  expect(sim.graph.permissionRequests).toEqual([CUSTOMER]);
  // WhatsApp allows one request a day: the desk says when the next may go, and offers no button that would fail.
  await page.getByTestId('dial-call').click();
  await expect(page.getByTestId('dial-next-request')).toContainText('You can ask again after');
  await expect(page.getByTestId('dial-request-permission')).toHaveCount(0);
});

test('call back from the history fills the dial box', async ({ phone }) => {
  const { page, sim } = phone;
  const missed = await sim.placeCall({ from: CUSTOMER, name: 'Call Me Back' });
  await sim.hangUp(missed.callId);
  await page.getByTestId('tab-history').click();
  await page.getByTestId('history-call-back').click();
  await expect(page.getByTestId('dial-number')).toHaveValue(CUSTOMER);
});

test('a customer who last wrote over 24 hours ago: the agent is told why, and once a template is set the request goes as that template', async ({
  phone,
}) => {
  const { page, sim } = phone;
  sim.graph.closeServiceWindow(CUSTOMER);
  sim.graph.approveTemplate('call_permission_ask', 'pt_BR');
  await page.getByTestId('dial-number').fill(CUSTOMER);
  await page.getByTestId('dial-call').click();
  await page.getByTestId('dial-request-permission').click();
  await expect(page.getByTestId('dial-error')).toContainText(
    'last wrote more than 24 hours ago, so WhatsApp accepts only an approved template',
  );
  expect(sim.graph.permissionMessages).toEqual([]);

  await page.getByTestId('tab-settings').click();
  await page.getByTestId('setting-permissionTemplate').fill('call_permission_ask');
  await page.getByTestId('setting-permissionTemplateLanguage').selectOption('pt_BR');
  await page.getByTestId('settings-save').click();
  await expect(page.getByTestId('settings-saved')).toBeVisible();
  await page.getByTestId('tab-phone').click();
  await page.getByTestId('dial-number').fill(CUSTOMER);
  await page.getByTestId('dial-call').click();
  await page.getByTestId('dial-request-permission').click();
  await expect(page.getByTestId('dial-requested')).toContainText('Permission request sent');
  expect(sim.graph.permissionMessages).toEqual([
    { kind: 'template', customer: CUSTOMER, name: 'call_permission_ask', language: 'pt_BR' },
  ]);
});
