import type { Page } from '@playwright/test';
import { recentPitch } from '../sim/farEnd';
import { giveVoiceAndEars } from '../sim/pageVoice';
import { expect, openPhone, test } from './phoneFixture';

const isVoice = (hz: number | undefined) => hz !== undefined && hz > 240 && hz < 360;

/** Asks the browser to leave the page as closing the tab would, and says whether it asked the agent first. */
async function tryToLeave(page: Page): Promise<'asked' | 'left'> {
  const asked = new Promise<'asked'>((resolve) =>
    page.once('dialog', (dialog) => {
      expect(dialog.type()).toBe('beforeunload');
      resolve('asked');
      void dialog.dismiss();
    }),
  );
  const left = page.waitForEvent('close').then(() => 'left' as const);
  await page.close({ runBeforeUnload: true });
  return Promise.race([asked, left]);
}

test('closing or reloading the tab during a call asks first; staying keeps the call and its audio', async ({
  page,
}) => {
  await giveVoiceAndEars(page, 300);
  const phone = await openPhone(page);
  try {
    const call = await phone.sim.placeCall({ name: 'Leaving Customer' });
    await page.getByTestId('answer').click();
    await expect.poll(() => isVoice(recentPitch(call.farEnd.received)), { timeout: 10_000 }).toBe(true);

    expect(await tryToLeave(page)).toBe('asked');
    const heardBefore = call.farEnd.received.loudFrames;
    await expect.poll(() => call.farEnd.received.loudFrames - heardBefore, { timeout: 5000 }).toBeGreaterThan(50);
    await expect(page.getByTestId('in-call')).toBeVisible();

    // Notes half written after the call: still worth a question.
    await page.getByTestId('hangup').click();
    await page.getByTestId('wrap-up-notes').fill('Asked about the refund');
    expect(await tryToLeave(page)).toBe('asked');
    await page.getByTestId('wrap-up-outcome-Resolved').check();
    await page.getByTestId('wrap-up-save').click();
    await expect(page.getByTestId('wrap-up')).toHaveCount(0);

    // Nothing left to lose: the tab closes without a question.
    expect(await tryToLeave(page)).toBe('left');
  } finally {
    await phone.close();
  }
});

test('an agent who reloads anyway: the call whose audio went with the page is ended at once, with why; half-written notes come back', async ({
  page,
}) => {
  await giveVoiceAndEars(page, 300);
  const phone = await openPhone(page);
  try {
    page.on('dialog', (dialog) => void dialog.accept());
    const first = await phone.sim.placeCall({ name: 'Earlier Customer' });
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('call-phase')).toHaveText('On call', { timeout: 10_000 });
    await page.getByTestId('hangup').click();
    await page.getByTestId('wrap-up-notes').fill('Wants a refund for order 1234');

    const call = await phone.sim.placeCall({ name: 'Reload Customer' });
    await page.getByTestId('answer').click();
    await expect.poll(() => isVoice(recentPitch(call.farEnd.received)), { timeout: 10_000 }).toBe(true);

    await page.reload();
    // WhatsApp is told at once (not left to drop the call 20 s later), and the agent reads why.
    await expect
      .poll(() => phone.sim.graph.actionsFor(call.callId), { timeout: 10_000 })
      .toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);
    await expect(page.getByTestId('wrap-up').filter({ hasText: 'Reload Customer' })).toContainText(
      'reloaded or closed during the call',
    );
    // The notes typed for the earlier call before the reload are still there.
    const earlier = page.getByTestId('wrap-up').filter({ hasText: 'Earlier Customer' });
    await expect(earlier.getByTestId('wrap-up-notes')).toHaveValue('Wants a refund for order 1234');
    expect(phone.sim.graph.actionsFor(first.callId)).toEqual(['pre_accept:200', 'accept:200', 'terminate:200']);

    // Why it ended is kept as a message, worded in the language the agent reads it in, not the one it happened in.
    const spanish = 'Esta página se recargó o se cerró durante la llamada';
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('settings-section-desk').click();
    await page.getByTestId('language').selectOption('es');
    await page.getByTestId('tab-phone').click();
    await expect(page.getByTestId('wrap-up').filter({ hasText: 'Reload Customer' })).toContainText(spanish);
    await page.getByTestId('tab-history').click();
    const row = page.getByTestId('history-row').filter({ hasText: 'Reload Customer' });
    await expect(row.getByTestId('history-message')).toContainText(spanish);
    await expect(row).not.toContainText('reloaded or closed');
  } finally {
    await phone.close();
  }
});
