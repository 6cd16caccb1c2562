import type { Locator, Page } from '@playwright/test';
import { expect, test } from './phoneFixture';

/** Whether an input's hint fits in its box, as Chromium draws it in the input's own font. */
const placeholderFits = (input: Locator) =>
  input.evaluate((el: HTMLInputElement) => {
    const style = getComputedStyle(el);
    const context = document.createElement('canvas').getContext('2d')!;
    context.font = style.font;
    const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return { text: el.placeholder, width: Math.ceil(context.measureText(el.placeholder).width), room };
  });

async function answerAndSave(page: Page, outcome: string): Promise<void> {
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await page.getByTestId(`wrap-up-outcome-${outcome}`).check();
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);
}

test('the history is a table the agent sorts by clicking its headers; times without seconds; quality only for a poor call', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await sim.placeCall({ name: 'Bruno Answered' });
  await answerAndSave(page, 'Sales');
  const missed = await sim.placeCall({ name: 'Ana Missed' });
  await expect(page.getByTestId('incoming-call')).toBeVisible();
  await sim.hangUp(missed.callId);
  await page.getByTestId('dismiss').click();
  // A call whose line turns bad: 15 % loss and 260 ms of delay.
  const poor = await sim.placeCall({ name: 'Carla Poor Line', farEnd: { network: {} } });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  poor.farEnd.impair({ lossPct: 15, delayMs: 260 });
  await expect(page.getByTestId('quality-summary')).toHaveText('The caller’s connection is poor', { timeout: 20_000 });
  await page.waitForTimeout(2200);
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-outcome-Complaint').check();
  await page.getByTestId('wrap-up-save').click();

  await page.getByTestId('tab-history').click();
  const table = page.getByTestId('history-table');
  await expect(table.getByRole('columnheader')).toHaveText([
    'When',
    'Customer',
    'Direction',
    'Result',
    'Duration',
    'Outcome',
    'Agent',
    'Quality',
    'More',
  ]);
  const rows = page.getByTestId('history-row');
  // The customer's name (their number follows it, to tell two customers of the same name apart).
  const names = () => rows.locator('td:nth-child(2) strong').allTextContents();
  // Newest first, as it opens.
  await expect(page.getByTestId('history-col-when')).toHaveAttribute('aria-sort', 'descending');
  expect(await names()).toEqual(['Carla Poor Line', 'Ana Missed', 'Bruno Answered']);
  for (const when of await page.getByTestId('history-when').allTextContents())
    expect(when, 'a time without seconds').not.toMatch(/\d:\d\d:\d\d/);

  await page.getByRole('button', { name: 'Customer' }).click();
  await expect(page.getByTestId('history-col-who')).toHaveAttribute('aria-sort', 'ascending');
  await expect(page.getByTestId('history-col-when')).not.toHaveAttribute('aria-sort', /./);
  expect(await names()).toEqual(['Ana Missed', 'Bruno Answered', 'Carla Poor Line']);
  await page.getByRole('button', { name: 'Customer' }).click();
  await expect(page.getByTestId('history-col-who')).toHaveAttribute('aria-sort', 'descending');
  expect(await names()).toEqual(['Carla Poor Line', 'Bruno Answered', 'Ana Missed']);
  await page.getByRole('button', { name: 'Duration' }).click();
  await expect(page.getByTestId('history-col-duration')).toHaveAttribute('aria-sort', 'descending');
  // The missed call has no duration: last.
  expect((await names())[2]).toBe('Ana Missed');

  const row = (name: string) => rows.filter({ hasText: name });
  await expect(row('Bruno Answered').getByTestId('history-direction')).toHaveText('Incoming');
  await expect(row('Bruno Answered').getByTestId('history-reason')).toHaveText('Answered');
  await expect(row('Bruno Answered').getByTestId('history-outcome')).toHaveText('Sales');
  await expect(row('Bruno Answered').getByTestId('history-agent')).toHaveText('You');
  await expect(row('Ana Missed').getByTestId('history-reason')).toHaveText('Missed');
  await expect(row('Ana Missed').getByTestId('history-agent')).toHaveText('');
  // Quality is named only where it was poor.
  await expect(row('Carla Poor Line').getByTestId('history-mos')).toHaveText(/^MOS [1-3]\.\d\d$/);
  await expect(row('Bruno Answered').getByTestId('history-mos')).toHaveCount(0);
  await expect(row('Ana Missed').getByTestId('history-mos')).toHaveCount(0);

  // Docked at 420 px: each call is a block of labelled lines, nothing off to the side (this session's tester found
  // the result, duration and outcome beyond the frame's edge); the hints are whole.
  for (const width of [420, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    const frame = page.locator('.table-frame');
    const sizes = await frame.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    expect(sizes.scroll, `the table's width at ${width} px`).toBeLessThanOrEqual(sizes.client);
    const duration = await row('Bruno Answered').getByTestId('history-duration').boundingBox();
    expect(duration!.x + duration!.width, `the duration's right edge at ${width} px`).toBeLessThanOrEqual(width);
    await expect(row('Bruno Answered').getByTestId('history-customer')).toContainText(/\+\d{6,}/);
    const search = await placeholderFits(page.getByTestId('history-search'));
    expect(search.width, `${search.text} at ${width} px`).toBeLessThanOrEqual(search.room);
    await page.screenshot({ path: `test-results/screens/history-table-${width}.png`, fullPage: true });
  }
  await page.getByTestId('tab-phone').click();
  for (const width of [420, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const dial = await placeholderFits(page.getByTestId('dial-number'));
    expect(dial.width, `${dial.text} at ${width} px`).toBeLessThanOrEqual(dial.room);
  }
});

test('a history with only good calls has no quality column', async ({ phone }) => {
  const { page, sim } = phone;
  await sim.placeCall({ name: 'Clear Line' });
  await answerAndSave(page, 'Resolved');
  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await expect(page.getByTestId('history-col-quality')).toHaveCount(0);
  await expect(page.getByTestId('history-table').getByRole('columnheader')).toHaveCount(8);
});

test('wrap-up notes of one long word wrap in the Outcome cell: the Agent column and Call back stay on screen', async ({
  phone,
}) => {
  const { page, sim } = phone;
  await sim.placeCall({ name: 'Long Notes' });
  await page.getByTestId('answer').click();
  await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
  await page.getByTestId('hangup').click();
  await page.getByTestId('wrap-up-notes').fill('x'.repeat(1990));
  await page.getByTestId('wrap-up-outcome-Resolved').check();
  await page.getByTestId('wrap-up-save').click();
  await expect(page.getByTestId('wrap-up')).toHaveCount(0);

  await page.getByTestId('tab-history').click();
  await expect(page.getByTestId('history-notes')).toHaveText('x'.repeat(1990));
  await expect(page.getByTestId('history-agent')).toBeInViewport();
  await expect(page.getByTestId('history-call-back')).toBeInViewport();
  const width = await page.evaluate(() => document.documentElement.clientWidth);
  const table = (await page.getByTestId('history-table').boundingBox())!;
  expect(table.x + table.width).toBeLessThanOrEqual(width);
});
