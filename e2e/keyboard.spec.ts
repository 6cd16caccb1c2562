import type { Page } from '@playwright/test';
import { expect, test } from './phoneFixture';

const shortcut = (page: Page, letter: string) => page.keyboard.press(`Control+Shift+${letter}`);

/** What has the keyboard focus: never the page itself. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement;
    return el === null || el === document.body ? 'body' : (el.getAttribute('data-testid') ?? el.tagName);
  });

test('an agent on the keyboard answers, holds, takes back, hangs up a held call and saves: the focus is always on the next control', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await sim.placeCall({ name: 'Keyboard Customer' });
  // A ring puts the focus on its heading, never on Answer; Tab then Enter answers.
  await expect(page.getByTestId('answer')).toBeEnabled();
  await expect(page.getByTestId('caller-name')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('answer')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  // After Answer: Mute, the call's harmless first control.
  await expect(page.getByTestId('mute')).toBeFocused();

  // Ctrl+Shift+L holds; the focus goes to Take back.
  await shortcut(page, 'L');
  await expect(page.getByTestId('held-call')).toBeVisible();
  await expect(page.getByTestId('team-state')).toHaveAttribute('data-state', 'on_hold');
  await expect(page.getByTestId('held-resume')).toBeFocused();
  // The same keys take it back.
  await shortcut(page, 'L');
  await expect(page.getByTestId('in-call')).toHaveAttribute('data-caller-audio', 'on');
  await expect(page.getByTestId('held-call')).toHaveCount(0);
  expect(await focused(page)).toBe('mute');

  // Hold with the button, then hang up the held call with the hang-up keys.
  await page.getByTestId('hold').click();
  await expect(page.getByTestId('held-call')).toBeVisible();
  await shortcut(page, 'H');
  await expect(page.getByTestId('held-call')).toHaveCount(0);
  await expect(page.getByTestId('end-reason')).toHaveText('Call ended');
  // After Hang up: the card's first question, the outcome.
  await expect(page.getByTestId('wrap-up-outcome-Resolved')).toBeFocused();
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('wrap-up-save')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);
  // After Save: the dial box, back in place.
  await expect(page.getByTestId('dial-number')).toBeFocused();

  // A call ringing now takes the focus from the dial box, where only the page put it, to its heading, not Answer.
  await sim.placeCall({ name: 'Next Customer' });
  await expect(page.getByTestId('answer')).toBeEnabled();
  await expect(page.getByTestId('caller-name')).toBeFocused();
});

test('a double Enter on Save as the next call rings answers nothing: the ring takes the focus on its heading, never on Answer', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const first = await sim.placeCall({ name: 'Wrapped Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await sim.hangUp(first.callId);
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').focus();
  // The first Enter saves; the desk puts the focus on the dial box; the waiting call rings at once.
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);
  await expect(page.getByTestId('dial-number')).toBeFocused();
  const next = await sim.placeCall({ name: 'Waiting Customer' });
  const ring = page.locator(`[data-testid="incoming-call"][data-call-id="${next.callId}"]`);
  // Once the ring can be answered (when Answer used to take the focus), the second Enter comes.
  await expect(ring.getByTestId('answer')).toBeEnabled();
  await page.waitForTimeout(300);
  await expect(ring.getByTestId('caller-name')).toBeFocused();
  await expect(page.getByTestId('announcer')).toHaveText(/Waiting Customer\. Press Ctrl\+Shift\+A to answer/);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(700);
  await expect(ring.getByTestId('answer')).toBeEnabled();
  expect(sim.graph.actionsFor(next.callId)).toEqual([]);

  // Tab then Enter on Answer still answers.
  await page.keyboard.press('Tab');
  await expect(ring.getByTestId('answer')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  expect(sim.graph.actionsFor(next.callId)).toEqual(['pre_accept:200', 'accept:200']);
});

test('after saving one of two wrap-ups the focus goes to the next one, and the keyboard focus ring is the app’s own', async ({
  phone,
}) => {
  const { page, sim } = phone;
  for (const name of ['Early Customer', 'Later Customer']) {
    await sim.placeCall({ name });
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await page.getByTestId('hangup').click();
    await expect(page.getByTestId('wrap-up').filter({ hasText: name })).toBeVisible();
  }
  const first = page.getByTestId('wrap-up').first();
  await first.getByTestId('wrap-up-outcome-Sales').check();
  await first.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(1);
  await expect(page.getByTestId('wrap-up').getByTestId('wrap-up-outcome-Resolved')).toBeFocused();

  // The outcomes are one tab stop: arrows move among them and choose, Tab leaves for the notes.
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('wrap-up-outcome-Follow-up needed')).toBeFocused();
  await expect(page.getByTestId('wrap-up-outcome-Follow-up needed')).toBeChecked();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('wrap-up-outcome-Resolved')).toBeChecked();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('wrap-up-notes')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(page.getByTestId('wrap-up-outcome-Resolved')).toBeFocused();

  // Tab to Save: a solid 3 px ring in the theme's focus colour, away from the button's edge.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('wrap-up-save')).toBeFocused();
  for (const theme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    const ring = await page.getByTestId('wrap-up-save').evaluate((el) => {
      const style = getComputedStyle(el);
      const probe = document.createElement('span');
      probe.style.color = 'var(--focus-ring)';
      document.body.append(probe);
      const wanted = getComputedStyle(probe).color;
      probe.remove();
      return { style: style.outlineStyle, width: style.outlineWidth, colour: style.outlineColor, wanted };
    });
    expect(ring).toMatchObject({ style: 'solid', width: '3px' });
    expect(ring.colour).toBe(ring.wanted);
    await page.screenshot({ path: `test-results/screens/focus-ring-${theme}.png` });
  }
});

test('a call ringing while the agent has a call on hold or in progress never takes the focus from Take back or Mute', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const first = await sim.placeCall({ name: 'First Customer' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect(page.getByTestId('mute')).toBeFocused();

  // A second caller rings during the call: Mute keeps the keyboard, so Space mutes rather than answering.
  await sim.placeCall({ name: 'Second Customer' });
  await expect(page.getByTestId('hold-and-answer')).toBeVisible();
  await expect(page.getByTestId('mute')).toBeFocused();
  await page.getByTestId('reject').click();
  await expect(page.getByTestId('hold-and-answer')).toHaveCount(0);

  // On hold, Take back has the keyboard; a third caller rings; Space still takes the first caller back.
  await page.getByTestId('hold').click();
  await expect(page.getByTestId('held-resume')).toBeFocused();
  await sim.placeCall({ name: 'Third Customer' });
  await expect(page.getByTestId('answer')).toBeVisible();
  await expect(page.getByTestId('held-resume')).toBeFocused();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('in-call').getByRole('heading')).toHaveText('First Customer');
  expect(sim.graph.actionsFor(first.callId)).toEqual(['pre_accept:200', 'accept:200']);
});

test('an agent whose focus sits on the Phone tab answers, holds, takes back and hangs up by the keys: the focus moves on as after a click', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const phoneTab = page.getByTestId('tab-phone');
  await phoneTab.click();
  await sim.placeCall({ name: 'Tab Customer' });
  await expect(page.getByTestId('answer')).toBeVisible();
  // The ring itself leaves the focus on the tab the agent chose.
  await expect(phoneTab).toBeFocused();
  await shortcut(page, 'A');
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect(page.getByTestId('mute')).toBeFocused();

  await phoneTab.click();
  await shortcut(page, 'L');
  await expect(page.getByTestId('held-call')).toBeVisible();
  await expect(page.getByTestId('held-resume')).toBeFocused();

  await phoneTab.click();
  await shortcut(page, 'L');
  await expect(page.getByTestId('held-call')).toHaveCount(0);
  await expect(page.getByTestId('mute')).toBeFocused();

  // Mute's shortcut changes no card: the focus stays where the agent put it.
  await phoneTab.click();
  await shortcut(page, 'M');
  await expect(page.getByTestId('mute')).toHaveAttribute('aria-pressed', 'true');
  await expect(phoneTab).toBeFocused();

  await shortcut(page, 'H');
  await expect(page.getByTestId('wrap-up-outcome-Resolved')).toBeFocused();
  // The tester's keys: Space chooses the outcome, Tab Tab reaches Save, Enter saves.
  await page.keyboard.press('Space');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-outcome')).toHaveText('Resolved');
});

test('an Enter in the empty dial box just before a call rings: the ring’s heading takes the focus and Tab reaches Answer', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const dial = page.getByTestId('dial-number');
  await dial.focus();
  await page.keyboard.press('Enter');
  await expect(dial).toBeFocused();
  await sim.placeCall({ name: 'Right After Enter' });
  await expect(page.getByTestId('answer')).toBeEnabled();
  // Never Answer itself: the heading, so the next Enter answers nothing.
  await expect(page.getByTestId('caller-name')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('answer')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('answer')).toBeFocused();
});

test('a shortcut never takes the focus from a number being typed: the dial box keeps it when a ringing call is rejected', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('dial-number').fill('4477009');
  await sim.placeCall({ name: 'Rejected Customer' });
  await expect(page.getByTestId('answer')).toBeVisible();
  await expect(page.getByTestId('dial-number')).toBeFocused();
  await shortcut(page, 'R');
  await expect(page.getByTestId('answer')).toHaveCount(0);
  await expect(page.getByTestId('call-ended')).toBeVisible();
  await expect(page.getByTestId('dial-number')).toBeFocused();
  await page.keyboard.type('00');
  await expect(page.getByTestId('dial-number')).toHaveValue('447700900');
});

test('the agent presses Enter on OK as a call arrives: the call keeps ringing', async ({ phone }) => {
  const { page, sim } = phone;
  const missed = await sim.placeCall({ name: 'Gone Customer' });
  await expect(page.getByTestId('answer')).toBeEnabled();
  await sim.hangUp(missed.callId);
  await expect(page.getByTestId('end-reason')).toHaveText('Missed call');
  // The desk puts the keyboard on the summary's OK: the agent's next Enter is meant for it.
  const ok = page.getByTestId('dismiss');
  await expect(ok).toBeFocused();

  const next = await sim.placeCall({ name: 'Arriving Customer' });
  const ring = page.locator(`[data-testid="incoming-call"][data-call-id="${next.callId}"]`);
  await expect(ring.getByTestId('answer')).toBeEnabled();
  // The ring replaced the card OK was on: the focus goes to the ring's heading, which answers nothing.
  await expect(ring.getByTestId('caller-name')).toBeFocused();
  await expect(page.getByTestId('announcer')).toHaveText(/Arriving Customer\. Press Ctrl\+Shift\+A to answer/);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Space');
  await page.waitForTimeout(500);
  await expect(ring).toBeVisible();
  await expect(ring.getByTestId('answer')).toBeEnabled();
  expect(sim.graph.actionsFor(next.callId)).toEqual([]);

  // Answering stays one explicit step: the shortcut answers, and the focus goes on to Mute as after a click.
  await shortcut(page, 'A');
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await expect(page.getByTestId('mute')).toBeFocused();
  expect(sim.graph.actionsFor(next.callId)).toEqual(['pre_accept:200', 'accept:200']);
});
