import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { BOARD_LANGUAGES } from '../src/board/i18n';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { startRelay } from '../src/relay/relayServer';
import { startTestPostgres } from '../src/relay/testPostgres';
import { startTestRedis } from '../src/relay/testRedis';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startWhatsAppSim } from '../sim/whatsappSim';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { flattenCatalog, untranslated } from './languageCheck';
import { AGENT_SECRET } from './teamDesks';

const english = flattenCatalog(BOARD_LANGUAGES[0].catalog);

async function axeViolations(page: Page, screen: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations.map(
    (v) => `${screen}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

test('an admin reads the audit trail and the team settings in each of the five languages: no English left, axe-clean', async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const [redis, postgres, sim] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startWhatsAppSim({ ...SIM_SECRETS }),
  ]);
  const relay = await startRelay({
    ...SIM_SECRETS,
    agentSecret: AGENT_SECRET,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger: createMemoryLogger(),
    prefix: 'admin-languages',
    databaseUrl: postgres.url,
  });
  const page = await (await browser.newContext()).newPage();
  try {
    await page.goto(`${relay.agentUrl.replace(/^ws/, 'http')}board`);
    await page.getByTestId('board-token').fill(await issueSupervisorToken('ada', AGENT_SECRET, { role: 'admin' }));
    await page.getByTestId('board-sign-in-button').click();
    await expect(page.getByTestId('board-live')).toBeVisible();
    const problems: string[] = [];
    for (const language of BOARD_LANGUAGES) {
      await page.getByTestId('board-language').selectOption(language.tag);
      const translated = flattenCatalog(language.catalog);
      await page.getByTestId('board-audit').click();
      await page.getByTestId('audit-show').click();
      await expect(page.getByTestId('audit-entry').first()).toBeVisible();
      await expect(page.locator('html')).toHaveAttribute('dir', language.tag === 'ar' ? 'rtl' : 'ltr');
      // Actions and roles are stored as codes and read as words in the admin's language.
      const words = {
        actions: language.catalog.auditActions as Record<string, string>,
        roles: language.catalog.auditRoles as Record<string, string>,
      };
      for (const row of await page.getByTestId('audit-entry').all()) {
        const [action, role] = [await row.getAttribute('data-action'), await row.getAttribute('data-role')];
        await expect(row.locator('[data-column="action"]')).toHaveText(words.actions[action!]!);
        await expect(row.locator('[data-column="role"]')).toHaveText(words.roles[role!]!);
      }
      if (language.tag !== 'en')
        for (const found of await untranslated(page, english, translated))
          problems.push(`audit ${language.tag}: ${found}`);
      problems.push(...(await axeViolations(page, `audit ${language.tag}`)));
      await page.goBack();
      await page.getByTestId('board-settings').click();
      await page.getByTestId('settings-reasons').fill('break\nlunch');
      await page.getByTestId('settings-codes').fill('Resolved');
      await page.getByTestId('settings-save').click();
      await expect(page.getByTestId('settings-saved')).toBeVisible();
      if (language.tag !== 'en')
        for (const found of await untranslated(page, english, translated))
          problems.push(`settings ${language.tag}: ${found}`);
      problems.push(...(await axeViolations(page, `settings ${language.tag}`)));
      await page.screenshot({ path: `test-results/screens/settings-${language.tag}.png`, fullPage: true });
      await page.goBack();
      await expect(page.getByTestId('board-live')).toBeVisible();
    }
    expect(problems, problems.join('\n')).toEqual([]);
  } finally {
    await page.context().close();
    await relay.close();
    await sim.close();
    await redis.stop();
    await postgres.stop();
  }
});
