import { startPhoneWithSim, type PhoneWithSim } from '../sim/phoneWithSim';
import { expect, test } from './phoneFixture';
import { startTeam } from './teamDesks';

test('two desks on two ports of 127.0.0.1 opened in one browser both take calls: neither sign-in replaces the other', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { sim, pageA, pageB, close } = await startTeam(browser, { oneBrowserContext: true });
  try {
    expect(pageA.context()).toBe(pageB.context());
    // Asha's desk was opened first: Ben's sign-in came after hers in the same cookie jar.
    const first = await sim.placeCall({ name: 'First Customer' });
    await expect(pageA.getByTestId('caller-name')).toHaveText('First Customer');
    await expect(pageB.getByTestId('caller-name')).toHaveText('First Customer');
    await pageA.getByTestId('answer').click();
    await expect(pageA.getByTestId('call-phase')).toHaveText('On call', { timeout: 15_000 });
    await expect.poll(() => first.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
    await expect(pageB.getByTestId('end-reason')).toHaveText('Answered by a colleague');
    await pageA.getByTestId('hangup').click();
    await expect(pageA.getByTestId('wrap-up')).toBeVisible();

    // While Asha writes her call up the next one rings at Ben only, and he answers it from the same browser.
    const second = await sim.placeCall({ name: 'Second Customer' });
    await expect(pageB.getByTestId('caller-name')).toHaveText('Second Customer');
    await pageB.getByTestId('answer').click();
    await expect(pageB.getByTestId('call-phase')).toHaveText('On call', { timeout: 15_000 });
    await expect.poll(() => second.farEnd.received.loudFrames, { timeout: 10_000 }).toBeGreaterThan(20);
    await pageB.getByTestId('hangup').click();
    // The hang-up travels page -> desk -> relay -> WhatsApp: waited for, as a loaded machine takes its time.
    await expect
      .poll(() => sim.graph.actionsFor(second.callId), { timeout: 15_000 })
      .toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);

    // Asha's page still reaches her desk after Ben's sign-in: her wrap-up saves.
    await pageA.getByTestId('wrap-up-outcome-Resolved').check();
    await pageA.getByTestId('wrap-up-save').click();
    await expect(pageA.getByTestId('ready')).toHaveText('Ready for calls from the team relay');
    await expect(pageA.getByTestId('sign-in-refused')).toHaveCount(0);
  } finally {
    await close();
  }
});

test('a page whose sign-in the phone refuses says so instead of failing silently', async ({ phone, context }) => {
  const { page, sim, host } = phone;
  // As after a restart of the phone on the same port: the cookie this browser holds is not this run's any more.
  const cookies = await context.cookies(host.baseUrl);
  expect(cookies.map((c) => c.name)).toEqual([`softphone_session_${new URL(host.baseUrl).port}`]);
  await context.addCookies([{ ...cookies[0]!, value: 'from-an-earlier-run' }]);
  await sim.placeCall({ name: 'Refused Customer' });
  await expect(page.getByTestId('caller-name')).toHaveText('Refused Customer');
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('sign-in-refused')).toHaveText(
    'The phone refused this page’s sign-in (it was restarted since, or this browser lost the sign-in): nothing done here reaches it. Open the address it printed when it started.',
  );
});

test('a page left open while its phone is restarted on the same port says its sign-in is refused, not that the phone stopped', async ({
  page,
}) => {
  const before = await startPhoneWithSim();
  const port = Number(new URL(before.host.baseUrl).port);
  let after: PhoneWithSim | undefined;
  try {
    await page.goto(before.host.url);
    await expect(page.getByTestId('idle')).toBeVisible();
    await before.close();
    await expect(page.getByTestId('backend-lost')).toBeVisible();
    // The new run has a new session: the page's event stream is refused with 401 when it reconnects.
    after = await startPhoneWithSim({ uiPort: port });
    await expect(page.getByTestId('sign-in-refused')).toBeVisible({ timeout: 15_000 });
    // Opening the address the new run printed signs the browser in again.
    await page.goto(after.host.url);
    await expect(page.getByTestId('idle')).toBeVisible();
    await expect(page.getByTestId('sign-in-refused')).toHaveCount(0);
  } finally {
    await after?.close();
  }
});
