import type { Page } from '@playwright/test';
import { expect, test } from './phoneFixture';

async function answerAndHangUp(page: Page, place: () => Promise<unknown>): Promise<void> {
  await place();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
}

/** The wrap-up card named by its customer. */
const wrapUpOf = (page: Page, customer: string) => page.getByTestId('wrap-up').filter({ hasText: customer });

async function saveWrapUp(page: Page, customer: string, outcome: string): Promise<void> {
  const card = wrapUpOf(page, customer);
  await card.getByTestId(`wrap-up-outcome-${outcome}`).check();
  await card.getByTestId('wrap-up-save').click();
  await expect(card).toHaveCount(0);
}

test('the agent keeps typing wrap-up notes while a call rings: every key stays in the notes, the call waits for a click', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const first = await sim.placeCall({ name: 'Notes Customer' });
  await answerAndHangUp(page, async () => first);
  const notes = page.getByTestId('wrap-up-notes');
  await notes.click();
  await page.keyboard.type('Wants a refund');

  const next = await sim.placeCall({ name: 'Interrupting Customer' });
  const answer = page.getByTestId('answer');
  await expect(answer).toBeEnabled();
  await expect(notes).toBeFocused();
  await expect(page.getByTestId('announcer')).toHaveText(/Interrupting Customer\. Press Ctrl\+Shift\+A to answer/);
  await page.keyboard.type(' for order 42.\nCall back Friday ');
  await page.keyboard.press('Enter');

  await expect(notes).toHaveValue('Wants a refund for order 42.\nCall back Friday \n');
  await expect(page.getByTestId('incoming-call')).toHaveAttribute('data-call-id', next.callId);
  expect(sim.graph.actionsFor(next.callId)).toEqual([]);

  await saveWrapUp(page, 'Notes Customer', 'Complaint');
  await answer.click();
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Interrupting Customer');
  expect(sim.graph.actionsFor(next.callId)).toEqual(['pre_accept:200', 'accept:200']);

  await page.getByTestId('hangup').click();
  await saveWrapUp(page, 'Interrupting Customer', 'Sales');
  await page.getByTestId('tab-history').click();
  await expect(page.locator(`[data-call-id="${first.callId}"]`).getByTestId('history-notes')).toHaveText(
    /^Wants a refund for order 42\.\s+Call back Friday\s*$/,
  );
  await expect(page.locator(`[data-call-id="${first.callId}"]`).getByTestId('history-outcome')).toHaveText('Complaint');
  await expect(page.locator(`[data-call-id="${next.callId}"]`).getByTestId('history-outcome')).toHaveText('Sales');
});

test('hanging up the live call and taking back the held one leaves a wrap-up for each, named and kept in order', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const held = await sim.placeCall({ name: 'Held Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  const live = await sim.placeCall({ name: 'Live Customer' });
  await expect(page.getByTestId('hold-and-answer')).toBeEnabled();
  await page.getByTestId('hold-and-answer').click();
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Live Customer');
  await expect(page.getByTestId('held-call')).toContainText('Held Customer');

  await page.getByTestId('hangup').click();
  await expect(wrapUpOf(page, 'Live Customer')).toContainText('Live Customer');
  await wrapUpOf(page, 'Live Customer').getByTestId('wrap-up-notes').fill('Asked about delivery');
  await page.getByTestId('held-resume').click();
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Held Customer');
  await page.getByTestId('hangup').click();

  const cards = page.getByTestId('wrap-up');
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(0)).toContainText('Live Customer');
  await expect(cards.nth(1)).toContainText('Held Customer');
  // Saving one of two does not yet let calls ring, and its button says so.
  await expect(wrapUpOf(page, 'Live Customer').getByTestId('wrap-up-save')).toHaveText('Save');
  await expect(wrapUpOf(page, 'Live Customer').getByTestId('wrap-up-notes')).toHaveValue('Asked about delivery');
  await expect(page.getByTestId('not-ready')).toBeVisible();

  await saveWrapUp(page, 'Live Customer', 'Sales');
  await expect(page.getByTestId('not-ready')).toBeVisible();
  await saveWrapUp(page, 'Held Customer', 'Resolved');
  await expect(page.getByTestId('ready')).toBeVisible();

  const history = await phone.host.services.handlers['history:list']({ search: '', missedOnly: false, limit: 10 });
  const recorded = (callId: string) => history.find((e) => e.callId === callId);
  expect(recorded(live.callId)).toMatchObject({
    name: 'Live Customer',
    outcome: 'Sales',
    notes: 'Asked about delivery',
  });
  expect(recorded(held.callId)).toMatchObject({ name: 'Held Customer', outcome: 'Resolved' });
});

test('during call waiting, Space on the focused Mute mutes: the caller is not held and the new call not answered', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const current = await sim.placeCall({ name: 'Current Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  const mute = page.getByTestId('mute');
  await mute.focus();

  const waiting = await sim.placeCall({ name: 'Waiting Customer' });
  await expect(page.getByTestId('hold-and-answer')).toBeEnabled();
  await expect(mute).toBeFocused();
  await expect(page.getByTestId('announcer')).toHaveText(/Waiting Customer\. Press Ctrl\+Shift\+A to hold/);
  await page.keyboard.press('Space');

  await expect(mute).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Current Customer');
  await expect(page.getByTestId('held-call')).toHaveCount(0);
  await expect(page.getByTestId('incoming-call')).toHaveAttribute('data-call-id', waiting.callId);
  expect(sim.graph.actionsFor(waiting.callId)).toEqual([]);
  expect(sim.graph.actionsFor(current.callId)).toEqual(['pre_accept:200', 'accept:200']);

  // The answer shortcut is the explicit way to take the waiting call: the current one is held, not dropped.
  await page.keyboard.press('Control+Shift+A');
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Waiting Customer');
  await expect(page.getByTestId('held-call')).toContainText('Current Customer');
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });

  // Both customers hang up: a wrap-up for each.
  await sim.hangUp(waiting.callId);
  await sim.hangUp(current.callId);
  await expect(page.getByTestId('wrap-up')).toHaveCount(2);
  await expect(page.getByTestId('held-call')).toHaveCount(0);
});

test('a call ringing while the agent types a history search leaves the tab, the text and the focus; the bar shows it', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-history').click();
  const search = page.getByTestId('history-search');
  await search.click();
  await page.keyboard.type('premium');
  const call = await sim.placeCall({ name: 'Search Customer' });
  await expect(page).toHaveTitle(/^Ringing: Search Customer/);
  await page.keyboard.type(' plan ');
  await expect(search).toHaveValue('premium plan ');
  await expect(search).toBeFocused();
  await expect(page.getByTestId('ringing-bar')).toContainText('Search Customer');
  await page.getByTestId('ringing-bar-show').click();
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Search Customer');
  expect(sim.graph.actionsFor(call.callId)).toEqual(['pre_accept:200', 'accept:200']);
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('wrap-up')).toContainText('Search Customer');
});

test('a call ringing while the agent types a number in the dial box keeps the number and the focus', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const dial = page.getByTestId('dial-number');
  await dial.click();
  await page.keyboard.type('1408');
  const call = await sim.placeCall({ name: 'Dial Customer' });
  await expect(page.getByTestId('answer')).toBeEnabled();
  await page.keyboard.type('555 ');
  await expect(dial).toHaveValue('1408555 ');
  await expect(dial).toBeFocused();
  expect(sim.graph.actionsFor(call.callId)).toEqual([]);
  await sim.hangUp(call.callId);
  await expect(page.getByTestId('incoming-call')).toHaveCount(0);
});

test('on a call with an earlier call still to wrap up, the readiness line speaks of the live call and call waiting', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await sim.placeCall({ name: 'First Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await sim.placeCall({ name: 'Second Customer' });
  await expect(page.getByTestId('end-and-answer')).toBeEnabled();
  await page.getByTestId('end-and-answer').click();
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('Second Customer');
  // Before: "Wrap-up: calls do not ring until you save the call's outcome", though the next lines show they do.
  await expect(page.getByTestId('on-a-call')).toHaveText('On a call: a new call shows here as call waiting.');
  await expect(page.getByTestId('not-ready')).toHaveCount(0);
  // And that is what happens: a new call rings beside the live one.
  const third = await sim.placeCall({ name: 'Third Customer' });
  await expect(page.getByTestId('incoming-call')).toHaveAttribute('data-call-id', third.callId);
  await expect(page.getByTestId('hold-and-answer')).toBeEnabled();
});
