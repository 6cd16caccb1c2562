import type { Page } from '@playwright/test';
import { LANGUAGES } from '../src/renderer/src/i18n';
import { flattenCatalog, untranslated } from './languageCheck';
import { expect, openPhone, test } from './phoneFixture';

const english = flattenCatalog(LANGUAGES[0].catalog);
const CUSTOMER = '447700900555';

/**
 * The agent's whole day in each language the phone offers: every screen is read as a person (or a screen reader)
 * would, and nothing on it may be English from the catalogue nor a key i18next could not find.
 */
for (const language of LANGUAGES.slice(1)) {
  test(`an agent working in ${language.name} (${language.tag}) reads no English on any screen`, async ({ phone }) => {
    test.setTimeout(120_000);
    const { page, sim } = phone;
    const translated = flattenCatalog(language.catalog);
    const problems: string[] = [];
    const look = async (screen: string, at: Page = page) => {
      // Kept by the run (test-results/, not committed) so a reviewer can see each screen in each language.
      await at.screenshot({ path: `test-results/screens/${language.tag}-${screen.replace(/\W+/g, '-')}.png` });
      for (const found of await untranslated(at, english, translated)) problems.push(`${screen}: ${found}`);
    };

    await page.getByTestId('tab-settings').click();
    await page.getByTestId('settings-section-desk').click();
    await page.getByTestId('language').selectOption(language.tag);
    await expect(page.locator('html')).toHaveAttribute('lang', language.tag);
    await look('settings desk');
    for (const section of ['audio', 'team', 'connection']) {
      await page.getByTestId(`settings-section-${section}`).click();
      await look(`settings ${section}`);
    }
    // The calling settings at WhatsApp were on that screen, in the agent's language.
    await expect(page.getByTestId('calling-settings').getByRole('heading', { level: 2 })).toHaveText(
      translated['callingSettings.title']!,
    );
    await expect(page.getByTestId('call-hours-editor').locator('legend').first()).toHaveText(
      translated['callingSettings.hoursLegend']!,
    );
    // A form WhatsApp would refuse: each field says what is wrong in the agent's language.
    await page.getByTestId('setting-webhookPort').fill('80');
    await page.getByTestId('setting-phoneNumberId').fill('+44 7700 900555');
    await page.getByTestId('settings-save').click();
    await expect(page.getByTestId('error-webhookPort')).toHaveText(translated['fieldRules.webhookPortMin']!);
    await look('settings connection, refused');
    await page.getByTestId('settings-test').click();
    await expect(page.getByTestId('test-result')).toBeVisible({ timeout: 15_000 });
    await look('settings connection, tested');

    await page.getByTestId('tab-phone').click();
    await look('idle');
    await page.getByTestId('dial-number').fill('14085550111');
    await page.getByTestId('dial-call').click();
    await expect(page.getByTestId('dial-error')).toBeVisible();
    await look('dial box');

    await sim.placeCall({ from: CUSTOMER, name: 'Zainab Okafor' });
    await expect(page.getByTestId('answer')).toBeEnabled();
    await look('ringing');
    await page.getByTestId('answer').click();
    await expect(page.getByTestId('hangup')).toBeVisible();
    await expect(page.getByTestId('call-phase')).toHaveText(translated['inCall.onCall']!, { timeout: 10_000 });
    await page.getByTestId('mute').click();
    await page.getByTestId('keypad-toggle').click();
    await look('in call, muted, keypad');
    await page.getByTestId('mute').click();

    await sim.placeCall({ from: '447700900666', name: 'Kenji Watanabe' });
    await expect(page.getByTestId('hold-and-answer')).toBeEnabled();
    await look('call waiting');
    await page.getByTestId('hold-and-answer').click();
    await expect(page.getByTestId('held-call')).toBeVisible({ timeout: 10_000 });
    await look('one call held, one live');
    await page.getByTestId('tab-history').click();
    await look('history during a call');
    await page.getByTestId('tab-phone').click();
    await page.getByTestId('hangup').click();
    await page.getByTestId('held-hangup').click();
    await expect(page.getByTestId('wrap-up')).toHaveCount(2);
    await look('two wrap-ups');
    await page.getByTestId('wrap-up-save').first().click();
    await expect(page.getByTestId('wrap-up-error')).toBeVisible();
    await look('wrap-up without an outcome');
    for (let i = 0; i < 2; i++) {
      const card = page.getByTestId('wrap-up').first();
      await card.getByTestId('wrap-up-outcome-Follow-up needed').check();
      await card.getByTestId('wrap-up-notes').fill('Asked about the premium plan.');
      await card.getByTestId('wrap-up-save').click();
      await expect(page.getByTestId('wrap-up')).toHaveCount(1 - i);
    }

    // The same customer again: the card tells their history; they hang up before the agent answers.
    const again = await sim.placeCall({ from: CUSTOMER, name: 'Zainab Okafor' });
    await expect(page.getByTestId('customer-history')).toBeVisible();
    await look('ringing, returning customer');
    await sim.hangUp(again.callId);
    await expect(page.getByTestId('call-ended')).toBeVisible();
    // The time it ended reads as the language writes times (not "02:00 AM" everywhere).
    const ended = page.getByTestId('ended-time').locator('time');
    const wanted = await ended.evaluate(
      (el, tag) => new Intl.DateTimeFormat(tag, { timeStyle: 'short' }).format(new Date(el.getAttribute('datetime')!)),
      language.tag,
    );
    await expect(ended).toHaveText(wanted);
    await look('call ended');
    await page.getByTestId('dismiss').click();

    // Away: a call rings out and is missed; with the one who hung up, the badge and the list to call back say so.
    await page.getByTestId('agent-status').selectOption('away');
    const missed = await sim.placeCall({ from: '447700900777', name: 'Olu Adeyemi' });
    await expect(page.getByTestId('ringing-out')).toBeVisible();
    await look('away, a call ringing out');
    await sim.hangUp(missed.callId);
    await expect(page.getByTestId('history-badge')).toHaveText('2');
    await page.getByTestId('agent-status').selectOption('available');
    await page.getByTestId('tab-history').click();
    await expect(page.getByTestId('to-call-back-row')).toHaveCount(2);
    await look('history');
    await page.getByTestId('history-search').fill('nothing like this');
    await expect(page.getByTestId('history-empty')).toBeVisible();
    await look('history, nothing found');

    expect(problems, problems.join('\n')).toEqual([]);
  });
}

/** The first start, before any setting exists: the phone follows the operating system's language. */
for (const language of LANGUAGES.slice(1)) {
  test.describe(`with the operating system in ${language.name}`, () => {
    test.use({ locale: language.tag });
    test(`the first start reads no English (${language.tag})`, async ({ page }) => {
      const phone = await openPhone(page, { unconfigured: true });
      try {
        await expect(page.locator('html')).toHaveAttribute('lang', language.tag);
        await expect(page.getByTestId('not-ready')).toBeVisible();
        const found = await untranslated(page, english, flattenCatalog(language.catalog));
        await page.screenshot({ path: `test-results/screens/${language.tag}-first-start.png`, fullPage: true });
        expect(found, found.join('\n')).toEqual([]);
      } finally {
        await phone.close();
      }
    });
  });
}
