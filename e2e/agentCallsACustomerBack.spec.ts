import { expect, test } from '@playwright/test';
import { Redis } from 'ioredis';
import { buttonReplyWebhook } from '../sim/buttonReplyWebhook';
import type { PermissionMessage } from '../sim/messageRules';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { postSignedWebhook } from '../sim/webhookSender';
import { createRevocations } from '../src/relay/revocations';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startTestPostgres } from '../src/relay/testPostgres';
import { TeamQueues } from '../src/shared/teamQueues';
import { AGENT_SECRET, startTeam } from './teamDesks';
import { deploymentKeyPrefix } from '../src/relay/relayKeys';

/** Today and tomorrow in London: the queue is on holiday now, even if the run crosses midnight there. */
const londonDay = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(ms);
type ButtonsMessage = Extract<PermissionMessage, { kind: 'buttons' }>;
/**
 * One queue, closed for a holiday today and tomorrow, that offers a callback to the calls it turns away; the relays'
 * clock, which `open()` moves to the day after tomorrow (01:00 UTC, open all day), when the callbacks may be offered.
 */
function closedQueues() {
  const startMs = Date.now();
  let shiftMs = 0;
  const clock = () => Date.now() + shiftMs;
  const open = () => (shiftMs = Date.parse(`${londonDay(startMs + 2 * 86_400_000)}T01:00:00Z`) - Date.now());
  return { queues: queuesClosedOn(startMs), routingClock: clock, open };
}
function queuesClosedOn(startMs: number) {
  return TeamQueues.parse({
    defaultQueue: 'care',
    repeatCallerMinutes: 0,
    queues: [
      {
        id: 'care',
        name: 'Customer Care',
        agents: { asha: 1 },
        hours: {
          timeZone: 'Europe/London',
          open: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], from: '00:00', to: '24:00' }],
          holidays: [londonDay(startMs), londonDay(startMs + 86_400_000)],
          closed: { action: 'callback' },
        },
      },
    ],
  });
}

test('an agent sees "Callback for …" for a customer who asked to be called back, clicks Call back now, and the call is placed to them', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { queues, routingClock, open } = closedQueues();
  const { sim, relays, pageA, pageB, close } = await startTeam(browser, { queues, routingClock });
  try {
    const customer = '447700900741';
    // The customer's call arrives while the queue is closed: it is rejected, then the callback offer is sent.
    const call = await sim.placeCall({ from: customer });
    await expect.poll(() => sim.graph.actionsFor(call.callId), { timeout: 15_000 }).toEqual(['reject:200']);
    const offerTo = () =>
      sim.graph.textMessages.find((m): m is ButtonsMessage => m.kind === 'buttons' && m.customer === customer);
    await expect.poll(offerTo, { timeout: 15_000 }).toBeTruthy();
    const offer = offerTo()!;
    expect(offer.buttons.map((b) => b.title)).toEqual(['Call me back', 'No thanks']);

    // The customer taps "Call me back" (they have call permission: their call reached a number with callback on).
    sim.graph.setPermission(customer, 'temporary');
    const tap = buttonReplyWebhook({
      customer,
      phoneNumberId: SIM_SECRETS.phoneNumberId,
      buttonId: offer.buttons[0]!.id,
      title: offer.buttons[0]!.title,
      messageId: 'wamid.e2e.callback.tap',
    });
    expect((await postSignedWebhook(relays[1]!.webhookUrl, tap, SIM_SECRETS.appSecret)).status).toBe(200);

    // Nothing is offered while the queue is closed; once it opens, Asha, free and in the queue, is offered it, and
    // Ben, not in the queue, is not.
    const card = pageA.getByTestId('callback-offer');
    await pageA.waitForTimeout(3000);
    await expect(card).toHaveCount(0);
    open();
    await expect(card).toBeVisible({ timeout: 15_000 });
    await expect(card.getByRole('heading')).toHaveText(/^Callback for \+?447700900741$/);
    await expect(card).toContainText('Customer Care');
    await expect(pageB.getByTestId('callback-offer')).toHaveCount(0);
    // A reload keeps it: the page asks the desk for the callbacks offered now.
    await pageA.reload();
    await expect(card.getByRole('heading')).toHaveText(/^Callback for \+?447700900741$/, { timeout: 15_000 });

    await card.getByRole('button', { name: 'Call back now' }).click();
    // The call goes out from Asha's desk to that customer, through WhatsApp's connect.
    await expect
      .poll(
        () =>
          sim.graph.requests.filter(
            (r) => (r.body as { action?: string } | undefined)?.action === 'connect' && r.status === 200,
          ).length,
        { timeout: 20_000 },
      )
      .toBe(1);
    const connect = sim.graph.requests.find((r) => (r.body as { action?: string } | undefined)?.action === 'connect')!;
    expect(connect.body).toMatchObject({ to: customer, action: 'connect' });
    await expect(card).toHaveCount(0);
    await expect(pageA.getByTestId('call-phase')).toBeVisible({ timeout: 20_000 });
  } finally {
    await close();
  }
});

test('an agent calls back a customer who has not given call permission: the desk sends a permission request and says so, and once they accept the callback comes back and the call is placed', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { queues, routingClock, open } = closedQueues();
  const { sim, relays, pageA, close } = await startTeam(browser, { queues, routingClock });
  try {
    const customer = '447700900742';
    // The customer grants permission when asked (Meta's permission reply webhook, 200 ms later).
    sim.answerPermissionRequests('accept');
    const call = await sim.placeCall({ from: customer });
    await expect.poll(() => sim.graph.actionsFor(call.callId), { timeout: 15_000 }).toEqual(['reject:200']);
    const offerTo = () =>
      sim.graph.textMessages.find((m): m is ButtonsMessage => m.kind === 'buttons' && m.customer === customer);
    await expect.poll(offerTo, { timeout: 15_000 }).toBeTruthy();
    const yes = offerTo()!.buttons[0]!;
    const tap = buttonReplyWebhook({
      customer,
      phoneNumberId: SIM_SECRETS.phoneNumberId,
      buttonId: yes.id,
      title: yes.title,
      messageId: 'wamid.e2e.callback.noperm',
    });
    expect((await postSignedWebhook(relays[0]!.webhookUrl, tap, SIM_SECRETS.appSecret)).status).toBe(200);
    open();

    const card = pageA.getByTestId('callback-offer');
    await expect(card).toBeVisible({ timeout: 15_000 });
    // The time as the rest of the desk writes it: no leading zero on the hour ("7:25 PM", not "07:25 PM").
    await expect(card).toContainText(/their call came at (1[0-2]|[1-9]):\d\d/);
    await card.getByRole('button', { name: 'Call back now' }).click();
    // No call goes out: the tap on "Call me back" is no call permission. A request goes instead, and the desk says so.
    await expect(pageA.getByTestId('callback-notice')).toHaveText(
      'This customer has not given permission to be called yet: a call-permission request was sent, and the callback waits for them.',
    );
    expect(sim.graph.permissionRequests).toContain(customer);
    // They accept: the callback is offered again, the card says so (the request was no try), and the call goes out.
    await expect(card.getByTestId('callback-permission-given')).toHaveText(
      'The customer has allowed calls now: you may call them back.',
      { timeout: 15_000 },
    );
    await expect(pageA.getByTestId('callback-notice')).toHaveCount(0);
    await expect(card).not.toContainText('did not reach them');
    await card.getByRole('button', { name: 'Call back now' }).click();
    await expect
      .poll(
        () =>
          sim.graph.requests.filter(
            (r) => (r.body as { action?: string; to?: string } | undefined)?.action === 'connect' && r.status === 200,
          ).length,
        { timeout: 20_000 },
      )
      .toBe(1);
    const connect = sim.graph.requests.find((r) => (r.body as { action?: string } | undefined)?.action === 'connect')!;
    expect(connect.body).toMatchObject({ to: customer, action: 'connect' });
  } finally {
    await close();
  }
});

test('a callback waiting for the customer’s permission after Call back now: once an admin erases the customer, the desk no longer says it waits for them', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const postgres = await startTestPostgres();
  const { queues, routingClock, open } = closedQueues();
  const { sim, relays, pageA, close } = await startTeam(browser, { queues, routingClock, databaseUrl: postgres.url });
  try {
    const customer = '447700900743';
    const call = await sim.placeCall({ from: customer });
    await expect.poll(() => sim.graph.actionsFor(call.callId), { timeout: 15_000 }).toEqual(['reject:200']);
    const offerTo = () =>
      sim.graph.textMessages.find((m): m is ButtonsMessage => m.kind === 'buttons' && m.customer === customer);
    await expect.poll(offerTo, { timeout: 15_000 }).toBeTruthy();
    const yes = offerTo()!.buttons[0]!;
    const tap = buttonReplyWebhook({
      customer,
      phoneNumberId: SIM_SECRETS.phoneNumberId,
      buttonId: yes.id,
      title: yes.title,
      messageId: 'wamid.e2e.callback.erased',
    });
    expect((await postSignedWebhook(relays[0]!.webhookUrl, tap, SIM_SECRETS.appSecret)).status).toBe(200);
    open();
    const card = pageA.getByTestId('callback-offer');
    await expect(card).toBeVisible({ timeout: 15_000 });
    await card.getByRole('button', { name: 'Call back now' }).click();
    const notice = pageA.getByTestId('callback-notice');
    await expect(notice).toHaveText(
      'This customer has not given permission to be called yet: a call-permission request was sent, and the callback waits for them.',
    );

    const admin = await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' });
    const customerData = (action: 'export' | 'erase') =>
      fetch(`${relays[0]!.agentUrl.replace(/^ws/, 'http')}board/api/customer-data`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ customer, action }),
      });
    // The turned-away call reaches PostgreSQL through the records outbox; an erasure before it would find nothing
    // kept (404), so the admin's erasure comes once an export finds the call, as it would for a real admin.
    await expect.poll(async () => (await customerData('export')).status, { timeout: 15_000 }).toBe(200);
    const erased = await customerData('erase');
    expect(erased.status).toBe(200);
    await expect(notice).toHaveCount(0, { timeout: 15_000 });
    await expect(card).toHaveCount(0);
  } finally {
    await close();
    await postgres.stop();
  }
});

/** A customer's call turned away while the queue is closed, their tap on "Call me back", then the queue opening. */
async function askForACallback(team: Awaited<ReturnType<typeof startTeam>>, open: () => void, customer: string) {
  const { sim, relays } = team;
  sim.graph.setPermission(customer, 'temporary');
  const call = await sim.placeCall({ from: customer });
  await expect.poll(() => sim.graph.actionsFor(call.callId), { timeout: 15_000 }).toEqual(['reject:200']);
  const offerTo = () =>
    sim.graph.textMessages.find((m): m is ButtonsMessage => m.kind === 'buttons' && m.customer === customer);
  await expect.poll(offerTo, { timeout: 15_000 }).toBeTruthy();
  const yes = offerTo()!.buttons[0]!;
  const tap = buttonReplyWebhook({
    customer,
    phoneNumberId: SIM_SECRETS.phoneNumberId,
    buttonId: yes.id,
    title: yes.title,
    messageId: `wamid.e2e.callback.${customer}`,
  });
  expect((await postSignedWebhook(relays[0]!.webhookUrl, tap, SIM_SECRETS.appSecret)).status).toBe(200);
  open();
}

test('a callback offered while the agent is on History or Settings shows a bar there that leads back to its card', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { queues, routingClock, open } = closedQueues();
  const team = await startTeam(browser, { queues, routingClock });
  const { pageA, close } = team;
  try {
    await pageA.getByTestId('tab-history').click();
    await askForACallback(team, open, '447700900743');
    const bar = pageA.getByTestId('callback-bar');
    await expect(bar).toBeVisible({ timeout: 15_000 });
    await expect(bar).toHaveText(/\+?447700900743 asked to be called back: the callback is offered to you/);
    await pageA.getByTestId('tab-settings').click();
    await expect(bar).toBeVisible();
    await bar.getByRole('button', { name: 'Show the callback' }).click();
    await expect(pageA.getByTestId('tab-phone')).toHaveAttribute('aria-selected', 'true');
    await expect(pageA.getByTestId('callback-offer')).toBeVisible();
    await expect(bar).toHaveCount(0);
  } finally {
    await close();
  }
});

test('a callback offered to an agent whose token is revoked leaves their desk with the session', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { queues, routingClock, open } = closedQueues();
  const team = await startTeam(browser, { queues, routingClock });
  const redis = new Redis(team.redisUrl);
  try {
    await askForACallback(team, open, '447700900744');
    const card = team.pageA.getByTestId('callback-offer');
    await expect(card).toBeVisible({ timeout: 15_000 });
    // The relay drops the desk at its next look at revocations (every 5 s); the desk cannot sign in again.
    await createRevocations(redis, deploymentKeyPrefix('e2e')).revoke('asha');
    await expect(card).toHaveCount(0, { timeout: 20_000 });
    await team.pageA.reload();
    await expect(team.pageA.getByTestId('tab-phone')).toBeVisible({ timeout: 15_000 });
    await expect(card).toHaveCount(0);
  } finally {
    redis.disconnect();
    await team.close();
  }
});

test('the top bar says the agent holds a callback while one is offered to them, not that a call rings', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { queues, routingClock, open } = closedQueues();
  const team = await startTeam(browser, { queues, routingClock });
  try {
    const state = team.pageA.getByTestId('team-state');
    await expect(state).toHaveText('Available', { timeout: 15_000 });
    await askForACallback(team, open, '447700900745');
    await expect(team.pageA.getByTestId('callback-offer')).toBeVisible({ timeout: 15_000 });
    await expect(state).toHaveText('Holding a callback');
    await expect(state).toHaveAttribute('data-state', 'holding_callback');
    // Ben, not in the callback's queue, is not held for it.
    await expect(team.pageB.getByTestId('team-state')).toHaveText('Available');
  } finally {
    await team.close();
  }
});

test('the card of a callback call says the customer’s last call with the team was not answered, naming no one', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const postgres = await startTestPostgres();
  const { queues, routingClock, open } = closedQueues();
  const team = await startTeam(browser, { queues, routingClock, databaseUrl: postgres.url });
  try {
    const customer = '447700900746';
    await askForACallback(team, open, customer);
    const card = team.pageA.getByTestId('callback-offer');
    await expect(card).toBeVisible({ timeout: 15_000 });
    // The call the queue turned away is in the team's records, with no agent.
    await expect
      .poll(
        async () =>
          (await team.relays[0]!.records!.db.query('SELECT 1 FROM calls WHERE customer = $1', [customer])).rowCount,
        { timeout: 15_000 },
      )
      .toBe(1);
    await card.getByRole('button', { name: 'Call back now' }).click();
    const history = team.pageA.getByTestId('in-call').getByTestId('customer-team-history');
    await expect(history).toHaveText(/^Earlier calls with the team: 1; last on .+, not answered$/, { timeout: 20_000 });
    await expect(history).not.toContainText('—');
    // Said once: no desk line beside it counting the same calls, and the number only in the heading.
    const inCall = team.pageA.getByTestId('in-call');
    await expect(inCall.getByTestId('customer-history')).toHaveCount(0);
    await expect(inCall.getByRole('heading')).toHaveText('+447700900746');
    await expect(inCall.locator('.number')).toHaveCount(0);
  } finally {
    await team.close();
    await postgres.stop();
  }
});

test('a call the queue turns away after the longest wait, offering a callback, is no missed call of the desk it rang', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const queues = TeamQueues.parse({
    defaultQueue: 'care',
    repeatCallerMinutes: 0,
    queues: [
      {
        id: 'care',
        name: 'Customer Care',
        agents: { asha: 1 },
        ringSeconds: 60,
        maxWait: { seconds: 10, action: 'callback' },
      },
    ],
  });
  const { sim, pageA, close } = await startTeam(browser, { queues });
  try {
    const customer = '447700900747';
    const call = await sim.placeCall({ from: customer });
    await expect(pageA.getByTestId('answer')).toBeVisible({ timeout: 15_000 });
    // Asha lets it ring: after 10 s the queue ends it on WhatsApp and offers the customer a callback.
    await expect.poll(() => sim.graph.actionsFor(call.callId), { timeout: 30_000 }).toContain('reject:200');
    await expect
      .poll(() => sim.graph.textMessages.some((m) => m.kind === 'buttons' && m.customer === customer), {
        timeout: 15_000,
      })
      .toBe(true);
    await expect(pageA.getByTestId('end-reason')).toHaveText(
      'The queue ended the call: the caller waited past its limit',
      { timeout: 15_000 },
    );
    await pageA.getByTestId('tab-history').click();
    const row = pageA.locator(`[data-testid="history-row"][data-call-id="${call.callId}"]`);
    await expect(row.getByTestId('history-reason')).toHaveText('Turned away by the queue');
    // Not on the desk's call-back list, nor counted on the History tab.
    await expect(pageA.getByTestId('to-call-back-row')).toHaveCount(0);
    await expect(pageA.getByTestId('history-badge')).toHaveCount(0);
  } finally {
    await close();
  }
});

test('a Call back now whose permission check failed keeps the callback on the card, with Try again and Pass', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { queues, routingClock, open } = closedQueues();
  const team = await startTeam(browser, { queues, routingClock });
  const { sim, pageA, close } = team;
  try {
    await askForACallback(team, open, '447700900748');
    const card = pageA.getByTestId('callback-offer');
    await expect(card).toBeVisible({ timeout: 15_000 });
    const notPlaced = card.getByTestId('callback-not-placed');
    const connects = () =>
      sim.graph.requests.filter((r) => (r.body as { action?: string } | undefined)?.action === 'connect').length;
    const failCheck = async () => {
      sim.graph.addFault({ action: 'call_permissions', status: 503 });
      await card.getByRole('button', { name: 'Call back now' }).click();
      await expect(notPlaced).toHaveText(
        /^The call permission could not be checked\..* The callback is still yours, and the customer was not called: try again, or pass it to a colleague\.$/,
        { timeout: 15_000 },
      );
      expect(sim.graph.faultsWaiting()).toBe(0);
      await expect(pageA.getByTestId('team-state')).toHaveText('Holding a callback');
    };

    // Pass gives it back to the queue with no attempt counted; Asha, its only agent, is offered it again.
    await failCheck();
    await card.getByRole('button', { name: 'Pass to a colleague' }).click();
    await expect(card.getByRole('button', { name: 'Call back now' })).toBeVisible({ timeout: 15_000 });
    await expect(notPlaced).toHaveCount(0);
    await expect(card).not.toContainText('did not reach them');
    await expect(pageA.getByTestId('callback-notice')).toHaveCount(0);

    // Try again, with the check working this time, places the call. From History, the bar says it is still theirs.
    await failCheck();
    expect(connects()).toBe(0);
    await pageA.getByTestId('tab-history').click();
    await expect(pageA.getByTestId('callback-bar')).toHaveText(
      /^The callback for \+?447700900748 is still yours: its call was not placed/,
    );
    await pageA.getByTestId('callback-bar-show').click();
    await card.getByRole('button', { name: 'Try again' }).click();
    await expect.poll(connects, { timeout: 20_000 }).toBe(1);
    await expect(pageA.getByTestId('call-phase')).toBeVisible({ timeout: 20_000 });
    await expect(card).toHaveCount(0);
  } finally {
    await close();
  }
});
