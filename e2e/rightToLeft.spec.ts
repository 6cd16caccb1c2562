import { readLeftToRight } from './drawnText';
import { expect, test } from './phoneFixture';

const CUSTOMER = '447700900555';
const NOTE = 'Asked about the premium plan.';

test('in Arabic, phone numbers read left to right and an English note keeps its full stop at its end, as Chromium draws them', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await page.getByTestId('tab-settings').click();
  await page.getByTestId('settings-section-desk').click();
  await page.getByTestId('language').selectOption('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.getByTestId('tab-phone').click();
  // A number typed in the dial box runs left to right.
  await page.getByTestId('dial-number').fill('+44 7700 900555');
  await expect(page.getByTestId('dial-number')).toHaveCSS('direction', 'ltr');
  // Typed in Arabic-Indic digits, as an Arabic keyboard gives them, it is a number to call all the same.
  await page.getByTestId('dial-number').fill('+٤٤ ٧٧٠٠ ٩٠٠٥٥٥');
  await expect(page.getByTestId('dial-call')).toBeEnabled();
  await page.getByTestId('dial-number').fill('');

  await sim.placeCall({ from: CUSTOMER, name: 'Zainab Okafor' });
  await expect(page.getByTestId('caller-number')).toHaveText(`+${CUSTOMER}`);
  expect(await readLeftToRight(page.getByTestId('caller-number'), `+${CUSTOMER}`)).toBe(`+${CUSTOMER}`);
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('hangup')).toBeVisible();
  await page.getByTestId('hangup').click();
  // The wrap-up card's number too.
  expect(await readLeftToRight(page.getByTestId('ended-number'), `+${CUSTOMER}`)).toBe(`+${CUSTOMER}`);
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-notes').fill(NOTE);
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);

  // The same customer again: the card shows the note from last time, full stop last.
  const again = await sim.placeCall({ from: CUSTOMER, name: 'Zainab Okafor' });
  const notes = page.getByTestId('customer-notes');
  await expect(notes).toHaveText(NOTE);
  // Kept by the run for a reviewer: the ringing card in Arabic, light and dark.
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', scheme);
    await page.screenshot({ path: `test-results/screens/ar-ringing-${scheme}.png`, fullPage: true });
  }
  expect(await readLeftToRight(notes, NOTE)).toBe(NOTE.replace(/\s/g, ''));
  // The card itself still reads right to left: the note's box is right-aligned with the Arabic around it.
  await expect(page.getByTestId('incoming-call')).toHaveCSS('direction', 'rtl');
  await sim.hangUp(again.callId);
  await page.getByTestId('dismiss').click();

  // A caller known only by number, named inside an Arabic sentence ("+44… يتصل") on another tab.
  const unnamed = '447700900888';
  await page.getByTestId('tab-history').click();
  // Typing in the search keeps the agent on History, where a bar names the caller.
  await page.getByTestId('history-search').focus();
  const ringing = await sim.placeCall({ from: unnamed });
  const bar = page.getByTestId('ringing-bar');
  await expect(bar).toContainText(`+${unnamed}`);
  // The window title (the taskbar's words) is plain text: the number sits in a left-to-right isolate there.
  await expect(page).toHaveTitle(new RegExp(`\u2066\\+${unnamed}\u2069`));
  expect(await readLeftToRight(bar, `+${unnamed}`)).toBe(`+${unnamed}`);
  // The ringing card names such a caller by the number, which reads left to right there too.
  await page.getByTestId('tab-phone').click();
  const named = page.getByTestId('caller-name');
  await expect(named).toHaveText(`+${unnamed}`);
  expect(await readLeftToRight(named, `+${unnamed}`)).toBe(`+${unnamed}`);
  await sim.hangUp(ringing.callId);
  await page.getByTestId('tab-history').click();

  // History: the number of the unnamed caller and the note, as drawn.
  const row = page.locator(`[data-testid="history-row"]`).filter({ hasText: unnamed }).first();
  expect(await readLeftToRight(row, `+${unnamed}`)).toBe(`+${unnamed}`);
  const historyNote = page.getByTestId('history-notes').first();
  await expect(historyNote).toHaveText(NOTE);
  expect(await readLeftToRight(historyNote, NOTE)).toBe(NOTE.replace(/\s/g, ''));
});

test('a number reads left to right, + first, on every card and in History after the desk turns from Spanish to Arabic mid-call, at 1280, 780 and 420 px', async ({
  phone,
}) => {
  const { page, sim } = phone;
  const number = '+447700900901';
  const chooseLanguage = async (tag: string) => {
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('settings-section-desk').click();
    await page.getByTestId('language').selectOption(tag);
  };
  const readsRight = async (testId: string) => {
    await expect(page.getByTestId(testId).first()).toContainText(number);
    expect(await readLeftToRight(page.getByTestId(testId).first(), number), testId).toBe(number);
  };
  await page.setViewportSize({ width: 1280, height: 900 });
  await chooseLanguage('es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await page.getByTestId('tab-phone').click();
  await sim.placeCall({ from: number.slice(1), name: 'Lucía Fernández' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('hold')).toBeVisible({ timeout: 10_000 });
  await page.getByTestId('hold').click();
  await expect(page.getByTestId('held-call')).toBeVisible();

  await chooseLanguage('ar');
  await expect(page.locator('html')).toHaveAttribute('dir', 'rtl');
  await page.getByTestId('tab-phone').click();
  await readsRight('held-number');
  await page.getByTestId('held-resume').click();
  await expect(page.getByTestId('hangup')).toBeVisible();
  await page.getByTestId('hangup').click();
  await expect(page.getByTestId('wrap-up')).toBeVisible();
  for (const width of [1280, 780, 420]) {
    await page.setViewportSize({ width, height: 900 });
    await readsRight('ended-number');
  }

  // Reloaded mid-wrap-up, the card comes back in Arabic with the number the same way round.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.reload();
  await expect(page.getByTestId('wrap-up')).toBeVisible();
  await readsRight('ended-number');
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);
  await page.getByTestId('tab-history').click();
  for (const width of [1280, 780, 420]) {
    await page.setViewportSize({ width, height: 900 });
    await readsRight('history-row');
  }
});
