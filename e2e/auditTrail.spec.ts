import { test, expect, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { freePort } from '../src/relay/freePort';
import { startTestOidcProvider, type TestOidcProvider } from '../src/relay/identity/testOidcProvider';
import { startRelay, type Relay } from '../src/relay/relayServer';
import { startTestPostgres, type TestPostgres } from '../src/relay/testPostgres';
import { startTestRedis, type TestRedis } from '../src/relay/testRedis';
import { IdentityRoles } from '../src/shared/identityRoles';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { AGENT_SECRET } from './teamDesks';

let redis: TestRedis;
let postgres: TestPostgres;
let sim: WhatsAppSim;
let idp: TestOidcProvider;
let relay: Relay;
let base: string;

test.beforeAll(async () => {
  [redis, postgres, sim] = await Promise.all([
    startTestRedis(),
    startTestPostgres(),
    startWhatsAppSim({ ...SIM_SECRETS }),
  ]);
  const agentPort = await freePort();
  base = `http://127.0.0.1:${agentPort}`;
  idp = await startTestOidcProvider({
    redirectUris: [`${base}/auth/callback`],
    people: [
      { login: 'sam@example.com', name: 'sam', groups: ['team-leads'] },
      { login: 'ada@example.com', name: 'ada', groups: ['it-admins'] },
    ],
  });
  relay = await startRelay({
    ...SIM_SECRETS,
    agentSecret: AGENT_SECRET,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger: createMemoryLogger(),
    prefix: 'audit-e2e',
    agentPort,
    databaseUrl: postgres.url,
    companySignIn: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      publicUrl: base,
      roles: IdentityRoles.parse({ roles: { supervisor: ['team-leads'], admin: ['it-admins'] } }),
      sessionMinutes: 5,
    },
  });
});
test.afterAll(async () => {
  await relay?.close();
  await idp?.close();
  await sim?.close();
  await redis?.stop();
  await postgres?.stop();
});

async function signIn(browser: Browser, login: string): Promise<Page> {
  const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
  await page.goto(`${base}/board`);
  await page.getByTestId('board-company-sign-in').click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
  await expect(page.getByTestId('board-live')).toHaveText('Live');
  return page;
}

test('an admin reads who signed in and exports the audit trail as CSV; a supervisor cannot', async ({ browser }) => {
  const sam = await signIn(browser, 'sam@example.com');
  await expect(sam.getByTestId('board-audit')).toBeHidden();
  await sam.goto(`${base}/board/audit.html`);
  await sam.getByTestId('audit-show').click();
  await expect(sam.getByTestId('audit-problem')).toHaveText(
    'Only an admin may read the audit trail: sign in on the live board as an admin first.',
  );

  const ada = await signIn(browser, 'ada@example.com');
  // Reports: a range the relay refuses leaves no earlier figures under its sentence.
  await ada.getByTestId('board-reports').click();
  await expect(ada.getByTestId('report-team')).toBeVisible();
  await ada.getByTestId('report-from').fill('2026-03-10');
  await ada.getByTestId('report-to').fill('2026-03-01');
  await ada.getByTestId('report-show').click();
  await expect(ada.getByTestId('report-problem')).toBeVisible();
  await expect(ada.getByTestId('report-team')).toBeHidden();
  // Back to the live board with the same sign-in: not a new one in the trail.
  await ada.getByRole('link', { name: 'Back to the live board' }).click();
  await expect(ada.getByTestId('board-live')).toHaveText('Live');
  await ada.getByTestId('board-audit').click();
  // The trail opens on the last seven days and shows them without Show.
  const day = (msAgo: number) => new Date(Date.now() - msAgo).toISOString().slice(0, 10);
  await expect(ada.getByTestId('audit-from')).toHaveValue(day(6 * 86_400_000));
  await expect(ada.getByTestId('audit-to')).toHaveValue(day(0));
  const entry = (actor: string, action: string) =>
    ada.locator(`[data-testid="audit-entry"][data-action="${action}"]`).filter({ hasText: actor });
  await expect(entry('ada', 'view_report')).toHaveCount(1);
  await expect(entry('ada', 'view_report')).toContainText('Viewed a report');
  await expect(entry('ada', 'export_report')).toHaveCount(0);
  await ada.getByTestId('audit-show').click();
  // Sam's company sign-in and the board it opened, and Ada's, each with where from.
  await expect(entry('sam', 'sign_in')).toHaveCount(2);
  await expect(entry('sam', 'sign_in').first()).toContainText('127.0.0.1');
  await expect(entry('ada', 'sign_in')).toHaveCount(2);
  await expect(entry('ada', 'sign_in').first()).toContainText('Admin');

  const download = ada.waitForEvent('download');
  await ada.getByTestId('audit-csv').click();
  const csv = readFileSync(await (await download).path(), 'utf8');
  expect(csv.split(/\r?\n/)[0]).toBe('"id","at","actor","role","action","target","detail","source"');
  expect(csv).toContain('"sam","supervisor","sign_in"');
  // Reading the trail is in the trail, as reading; the CSV as an export.
  await ada.getByTestId('audit-show').click();
  await expect(entry('ada', 'export_audit')).toHaveCount(1);
  await expect(entry('ada', 'view_audit').first()).toContainText('Read the audit trail');
  // Days picked the wrong way round are named as such, not in the relay's own words.
  await ada.getByTestId('audit-from').fill('2026-03-10');
  await ada.getByTestId('audit-to').fill('2026-03-01');
  await ada.getByTestId('audit-show').click();
  await expect(ada.getByTestId('audit-problem')).toHaveText(
    'Check the dates: both filled in, the first on or before the second.',
  );
  await expect(ada.getByTestId('audit-entry')).toHaveCount(0);
  await sam.context().close();
  await ada.context().close();
});
