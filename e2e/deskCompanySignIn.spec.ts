import { test, expect, type BrowserContext, type Page } from '@playwright/test';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { prepareDesk } from '../src/main/deskStartup';
import { hostRenderer } from '../src/main/rendererHost';
import { plainCipher } from '../src/main/settingsStore';
import { freePort } from '../src/relay/freePort';
import { startTestOidcProvider, type TestOidcProvider } from '../src/relay/identity/testOidcProvider';
import { startRelay, type Relay } from '../src/relay/relayServer';
import { startTestRedis, type TestRedis } from '../src/relay/testRedis';
import { IdentityRoles } from '../src/shared/identityRoles';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { AGENT_SECRET } from './teamDesks';
import { deploymentKeyPrefix } from '../src/relay/relayKeys';

// The desk's "Sign in with your company account": the page opens the relay's sign-in in a tab (the desktop app opens
// the system browser), the company's real OpenID provider (oidc-provider) signs the person in, and the relay sends the
// tab back to the desk's one-shot loopback listener in main, which keeps the token and joins the relay with it.
const ROLES = IdentityRoles.parse({ roles: { agent: ['phones'], supervisor: ['team-leads'] } });
const PEOPLE = [
  { login: 'asha@example.com', name: 'asha', groups: ['phones'] },
  { login: 'eve@example.com', name: 'eve', groups: ['finance'] },
];
/** Short, so the desk renews its token within the test (at half-life, every 4.5 s). */
const SESSION_MINUTES = 0.15;

let redis: TestRedis;
let sim: WhatsAppSim;
let idp: TestOidcProvider;
let relay: Relay;
/** A relay whose company provider does not answer. */
let orphan: Relay;

test.beforeAll(async () => {
  [redis, sim] = await Promise.all([startTestRedis(), startWhatsAppSim({ ...SIM_SECRETS })]);
  const agentPort = await freePort();
  const base = `http://127.0.0.1:${agentPort}`;
  idp = await startTestOidcProvider({ redirectUris: [`${base}/auth/callback`], people: PEOPLE });
  const common = {
    ...SIM_SECRETS,
    agentSecret: AGENT_SECRET,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger: createMemoryLogger(),
  };
  const signIn = {
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    roles: ROLES,
    sessionMinutes: SESSION_MINUTES,
  };
  relay = await startRelay({
    ...common,
    prefix: 'desk-sso',
    agentPort,
    companySignIn: { ...signIn, issuer: idp.issuer, publicUrl: base },
  });
  const orphanPort = await freePort();
  orphan = await startRelay({
    ...common,
    prefix: 'desk-sso-orphan',
    agentPort: orphanPort,
    companySignIn: {
      ...signIn,
      issuer: `http://127.0.0.1:${await freePort()}`,
      publicUrl: `http://127.0.0.1:${orphanPort}`,
    },
  });
});
test.afterAll(async () => {
  await relay?.close();
  await orphan?.close();
  await idp?.close();
  await sim?.close();
  await redis?.stop();
});

/** A desk in a fresh data folder, its page on the connection settings with the relay's address typed in. */
async function openDesk(context: BrowserContext, relayUrl: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'desk-sso-'));
  const desk = prepareDesk({
    dataDir,
    cipher: plainCipher,
    logger: createMemoryLogger(),
    env: { WA_GRAPH_BASE_URL: 'http://127.0.0.1:9', WA_WEBHOOK_PORT: '0' },
  });
  const host = await hostRenderer({ desk });
  const page = await context.newPage();
  await page.goto(host.url);
  await page.getByTestId('mode-relay').check();
  await page.getByTestId('setting-relayUrls').fill(relayUrl);
  return { page, host, settingsFile: join(dataDir, 'settings.json') };
}

/** Clicks the button and returns the tab the page opened for the relay's sign-in. */
async function startSignIn(page: Page): Promise<Page> {
  const tab = page.context().waitForEvent('page');
  await page.getByTestId('company-sign-in').click();
  return tab;
}

async function logInAtCompany(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
}

test('an agent signs in from the desk with the company account: the desk joins the relay and keeps renewing, and the token never reaches the page', async ({
  browser,
}) => {
  const context = await browser.newContext();
  const { page, host, settingsFile } = await openDesk(context, relay.agentUrl);
  const tab = await startSignIn(page);
  await expect(page.getByTestId('company-sign-in-state')).toHaveText(
    'Finish signing in in your browser; this desk listens for it for 5 minutes.',
  );
  await expect(tab).toHaveURL(new RegExp(`^${idp.issuer}/`));
  await logInAtCompany(tab, 'asha@example.com');
  // The relay sent the tab back to the desk's loopback listener, which answered and closed.
  await expect(tab.locator('body')).toHaveText('You can close this tab and return to the phone.');
  const returnUrl = new URL(tab.url());
  expect(returnUrl.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(returnUrl.pathname).toMatch(/^\/signed-in\/[\w-]{32}$/);
  await expect(page.getByTestId('company-sign-in-state')).toHaveText('Signed in with your company account.');
  await expect(page.getByTestId('ready')).toContainText('Ready for calls from the team relay');
  await page.getByTestId('settings-section-team').click();
  await expect(page.getByTestId('relay-state')).toContainText('Connected to the team relay at ws://127.0.0.1:');

  // Main holds the token: in the desk's settings file, never in the page.
  const stored = () =>
    (JSON.parse(readFileSync(settingsFile, 'utf8')) as { secrets: { agentToken: { value: string } } }).secrets
      .agentToken.value;
  const first = stored();
  expect(decodeJwt(first)).toMatchObject({ sub: 'asha', aud: 'wa-relay-agent' });
  const seenByPage = await page.evaluate(
    () =>
      document.documentElement.outerHTML + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }),
  );
  expect(seenByPage).not.toContain(first.split('.')[2]);
  // A second use of the return address finds nothing listening.
  await expect(tab.goto(returnUrl.href)).rejects.toThrow(/ERR_CONNECTION_REFUSED/);

  // Past the first token's expiry the desk is still connected, on a renewed token it kept for its next start.
  await page.waitForTimeout(decodeJwt(first).exp! * 1000 - Date.now() + 3000);
  await expect(page.getByTestId('relay-state')).toContainText('Connected to the team relay');
  const renewed = stored();
  expect(renewed).not.toBe(first);
  expect(decodeJwt(renewed)).toMatchObject({ sub: 'asha', sid: decodeJwt(first).sid });
  expect(decodeJwt(renewed).exp! * 1000).toBeGreaterThan(Date.now());
  await context.close();
  await host.close();
});

test('a company account in no allowed group is told so in the desk’s language, and the desk stays unsigned', async ({
  browser,
}) => {
  const context = await browser.newContext({ locale: 'es-ES' });
  const { page, host, settingsFile } = await openDesk(context, relay.agentUrl);
  const tab = await startSignIn(page);
  await logInAtCompany(tab, 'eve@example.com');
  await expect(tab.locator('body')).toHaveText('Puedes cerrar esta pestaña y volver al teléfono.');
  await expect(page.getByTestId('company-sign-in-state')).toHaveText(
    'Tu cuenta de la empresa no está en un grupo autorizado a atender las llamadas de este equipo: pide a tu administrador que te añada.',
  );
  expect(existsSync(settingsFile) ? readFileSync(settingsFile, 'utf8') : '').not.toContain('agentToken');
  await context.close();
  await host.close();
});

test('a relay whose company provider does not answer: the desk says so', async ({ browser }) => {
  const context = await browser.newContext();
  const { page, host } = await openDesk(context, orphan.agentUrl);
  const tab = await startSignIn(page);
  await expect(tab.locator('body')).toHaveText('You can close this tab and return to the phone.');
  await expect(page.getByTestId('company-sign-in-state')).toHaveText(
    'The company’s sign-in service does not answer: try again in a moment.',
  );
  await context.close();
  await host.close();
});

/** GET from a chosen loopback source address (the relay counts sign-ins per client address). */
function getFrom(localAddress: string, url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; retryAfter?: string }>((resolve, reject) => {
    const req = request(url, { localAddress, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] });
    });
    req.on('error', reject);
    req.end();
  });
}

test('a flood of sign-ins from one address is refused 429, and an agent at another address still signs in', async ({
  browser,
}) => {
  const login = `${relay.agentUrl.replace(/^ws/, 'http').replace(/\/$/, '')}/auth/login?to=board`;
  const redisClient = new Redis(redis.url);
  const pending = async () => (await redisClient.keys(`${deploymentKeyPrefix('desk-sso')}:signin:pending:*`)).length;
  const before = await pending();
  const statuses: number[] = [];
  for (let i = 0; i < 40; i += 1) statuses.push((await getFrom('127.0.0.2', login)).status);
  expect(statuses.slice(0, 30).every((s) => s === 302)).toBe(true);
  expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
  // A forwarded-for header from an address the relay does not trust changes nothing.
  const spoofed = await getFrom('127.0.0.2', login, { 'X-Forwarded-For': '198.51.100.7' });
  expect(spoofed.status).toBe(429);
  expect(Number(spoofed.retryAfter)).toBeGreaterThan(0);
  expect(Number(spoofed.retryAfter)).toBeLessThanOrEqual(60);
  // Only the 30 admitted hold a pending sign-in in Redis.
  expect((await pending()) - before).toBe(30);

  // Meanwhile Asha's desk, at 127.0.0.1, signs in through the browser.
  const context = await browser.newContext();
  const { page, host } = await openDesk(context, relay.agentUrl);
  const tab = await startSignIn(page);
  await logInAtCompany(tab, 'asha@example.com');
  await expect(page.getByTestId('company-sign-in-state')).toHaveText('Signed in with your company account.');
  await expect(page.getByTestId('ready')).toContainText('Ready for calls from the team relay');
  redisClient.disconnect();
  await context.close();
  await host.close();
});
