import { test, expect, type Browser, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import WebSocket from 'ws';
import type { AddressInfo } from 'node:net';
import { decodeJwt } from 'jose';
import { issueSupervisorToken } from '../src/relay/agentTokens';
import { freePort } from '../src/relay/freePort';
import { startTestOidcProvider, type TestOidcProvider } from '../src/relay/identity/testOidcProvider';
import { startRelay, type Relay, type RelayOptions } from '../src/relay/relayServer';
import { startTestRedis, type TestRedis } from '../src/relay/testRedis';
import { connectRelay } from '../src/main/transport/relayClient';
import { IdentityRoles } from '../src/shared/identityRoles';
import { createMemoryLogger } from '../src/whatsapp/logger';
import { startWhatsAppSim, type WhatsAppSim } from '../sim/whatsappSim';
import { SIM_SECRETS } from '../sim/phoneWithSim';
import { AGENT_SECRET } from './teamDesks';

// The company's groups as its identity provider has them, and the relay's mapping of them (RELAY_OIDC_ROLES).
const ROLES = IdentityRoles.parse({
  roles: { agent: ['phones'], supervisor: ['team-leads'], admin: ['it-admins'] },
  queues: { phones: ['sales'], 'team-leads': ['support'] },
});
const PEOPLE = [
  { login: 'asha@example.com', name: 'asha', groups: ['phones'] },
  { login: 'sam@example.com', name: 'sam', groups: ['team-leads'] },
  { login: 'ada@example.com', name: 'ada', groups: ['it-admins'] },
  { login: 'eve@example.com', name: 'eve', groups: ['finance'] },
  { login: 'dan@example.com', name: 'dan', groups: ['team-leads'] },
  { login: 'lou@example.com', name: 'lou', groups: ['team-leads'] },
  { login: 'raj@example.com', name: 'raj', groups: ['phones'] },
  { login: 'ben@example.com', name: 'ben', groups: ['phones'] },
];
/** Short, so a renewal happens within the test: renewed at half-life, every 4.5 s. */
const SESSION_MINUTES = 0.15;

let redis: TestRedis;
let sim: WhatsAppSim;
let idp: TestOidcProvider;
let relay: Relay;
let base: string;
let relaySettings: Pick<RelayOptions, 'companySignIn'>;
const log = createMemoryLogger();
/** Why the relay refused each company sign-in so far, as its log says. */
const refusals = () =>
  log.records.filter((r) => r.msg === 'company sign-in refused').map((r) => String((r as { detail?: unknown }).detail));

test.beforeAll(async () => {
  redis = await startTestRedis();
  sim = await startWhatsAppSim({ ...SIM_SECRETS });
  const agentPort = await freePort();
  base = `http://127.0.0.1:${agentPort}`;
  idp = await startTestOidcProvider({ redirectUris: [`${base}/auth/callback`], people: PEOPLE });
  relaySettings = {
    companySignIn: {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      publicUrl: base,
      roles: ROLES,
      sessionMinutes: SESSION_MINUTES,
    },
  };
  relay = await startRelay({
    ...SIM_SECRETS,
    agentSecret: AGENT_SECRET,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger: log,
    prefix: 'sso',
    agentPort,
    ...relaySettings,
  });
});
test.afterAll(async () => {
  await relay?.close();
  await idp?.close();
  await sim?.close();
  await redis?.stop();
});

/** The company's own login page (oidc-provider's), filled as the person would. */
async function logInAtCompany(page: Page, login: string): Promise<void> {
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.locator('button[type="submit"]').click();
}

async function boardSignIn(browser: Browser, login: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/board`);
  await page.getByTestId('board-company-sign-in').click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/`));
  await logInAtCompany(page, login);
  return page;
}

const boardToken = (page: Page) => page.evaluate(() => sessionStorage.getItem('board-token') ?? '');

test('a supervisor signs in with the company account: the board opens on their queues, and its token is renewed while the page is open', async ({
  browser,
}) => {
  const page = await boardSignIn(browser, 'sam@example.com');
  await expect(page.getByTestId('board-who')).toHaveText('Signed in as sam');
  await expect(page.getByTestId('board-live')).toHaveText('Live');
  // The fragment that carried the token is gone from the address.
  expect(new URL(page.url()).hash).toBe('');
  const first = await boardToken(page);
  expect(decodeJwt(first)).toMatchObject({
    sub: 'sam',
    iss: 'wa-relay',
    aud: 'wa-relay-supervisor',
    queues: ['support'],
  });
  expect(decodeJwt(first).exp! - decodeJwt(first).iat!).toBe(Math.floor(SESSION_MINUTES * 60));
  // Past the first token's expiry, and two renewals on, the board is still live under a renewed token.
  await page.waitForTimeout(decodeJwt(first).exp! * 1000 - Date.now() + 6000);
  await expect(page.getByTestId('board-live')).toHaveText('Live');
  const renewed = await boardToken(page);
  expect(renewed).not.toBe(first);
  expect(decodeJwt(renewed)).toMatchObject({ sub: 'sam', sid: decodeJwt(first).sid });
  expect(
    (
      await fetch(`${base}/board/api/report?from=2026-01-01&to=2026-01-02`, {
        headers: { Authorization: `Bearer ${renewed}` },
      })
    ).status,
  ).not.toBe(401);
  await page.context().close();
});

test('an admin signs in with the company account and holds the admin role on every queue', async ({ browser }) => {
  const page = await boardSignIn(browser, 'ada@example.com');
  await expect(page.getByTestId('board-who')).toHaveText('Signed in as ada');
  const claims = decodeJwt(await boardToken(page));
  expect(claims).toMatchObject({ sub: 'ada', role: 'admin' });
  expect(claims.queues).toBeUndefined();
  await page.context().close();
});

test('an agent signs in from the desk through the browser and the desk connects with the token; on the board the same account is refused with a sentence', async ({
  browser,
}) => {
  // The desk listens on loopback for the browser's return (RFC 8252), as the desk app does.
  let landed: (url: string) => void;
  const landing = new Promise<string>((resolve) => (landed = resolve));
  const desk: Server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>You can close this window.</p>');
    landed(req.url ?? '');
  });
  await new Promise<void>((resolve) => desk.listen(0, '127.0.0.1', resolve));
  const deskReturn = `http://127.0.0.1:${(desk.address() as AddressInfo).port}/signed-in`;
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/auth/login?to=desk&return=${encodeURIComponent(deskReturn)}`);
  await logInAtCompany(page, 'asha@example.com');
  // The desk's own loopback server receives the token (the query: a browser never sends a fragment).
  const token = new URL(await landing, deskReturn).searchParams.get('session')!;
  expect(decodeJwt(token)).toMatchObject({ sub: 'asha', aud: 'wa-relay-agent' });
  const client = connectRelay({ urls: [relay.agentUrl], token, onEvent: () => undefined });
  await client.ready();
  client.close();
  desk.close();

  // Asha on the board: the company signs her in, the relay refuses the board to an agent.
  const board = await boardSignIn(browser, 'asha@example.com');
  await expect(board.getByTestId('board-problem')).toHaveText(
    'Your company account is an agent’s: sign in from your desk, not the supervisor board.',
  );
  await expect(board.getByTestId('board-sign-in')).toBeVisible();
  await page.context().close();
  await board.context().close();
});

test('someone in no allowed group is refused with a sentence, and gets no token', async ({ browser }) => {
  const page = await boardSignIn(browser, 'eve@example.com');
  await expect(page.getByTestId('board-problem')).toHaveText(
    'Your company account is not in a group allowed to use this team’s board. Ask your administrator to add you.',
  );
  expect(await boardToken(page)).toBe('');
  await page.context().close();
});

test('a supervisor disabled at the company, or signed out there, loses the board within a renewal', async ({
  browser,
}) => {
  const page = await boardSignIn(browser, 'dan@example.com');
  await expect(page.getByTestId('board-live')).toHaveText('Live');
  idp.people.get('dan@example.com')!.disabled = true;
  const endedAt = Date.now();
  // The newest token the board holds until it is signed out (it renews at half-life): still unexpired when it ends.
  let token = await boardToken(page);
  await expect
    .poll(
      async () => {
        const held = await boardToken(page);
        if (held && decodeJwt(held).exp! > decodeJwt(token).exp!) token = held;
        return (await page.getByTestId('board-problem').allTextContents()).join('');
      },
      { timeout: SESSION_MINUTES * 60_000, intervals: [200] },
    )
    .toBe('Your company sign-in has ended. Sign in again.');
  await expect(page.getByTestId('board-sign-in')).toBeVisible();
  expect(Date.now() - endedAt).toBeLessThan(SESSION_MINUTES * 60_000);
  // The token it held is refused everywhere at once, though it has not expired.
  expect(decodeJwt(token).exp! * 1000).toBeGreaterThan(Date.now());
  const refused = await fetch(`${base}/board/api/report?from=2026-01-01&to=2026-01-02`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  expect(refused.status).toBe(401);

  // Lou signs out at the company's own page: the board ends at its next renewal.
  const lou = await boardSignIn(browser, 'lou@example.com');
  await expect(lou.getByTestId('board-live')).toHaveText('Live');
  const other = await lou.context().newPage();
  await other.goto(`${idp.issuer}/session/end`);
  await other.getByRole('button', { name: 'Yes, sign me out' }).click();
  await expect(lou.getByTestId('board-problem')).toHaveText('Your company sign-in has ended. Sign in again.', {
    timeout: SESSION_MINUTES * 60_000,
  });
  await page.context().close();
  await lou.context().close();
});

test('an agent’s desk that renews nothing is still signed out within minutes of the company disabling the agent', async ({
  browser,
}) => {
  let landed: (url: string) => void;
  const landing = new Promise<string>((resolve) => (landed = resolve));
  const desk: Server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>You can close this window.</p>');
    landed(req.url ?? '');
  });
  await new Promise<void>((resolve) => desk.listen(0, '127.0.0.1', resolve));
  const deskReturn = `http://127.0.0.1:${(desk.address() as AddressInfo).port}/signed-in`;
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/auth/login?to=desk&return=${encodeURIComponent(deskReturn)}`);
  await logInAtCompany(page, 'raj@example.com');
  const landedAt = await landing;
  const token = new URL(landedAt, deskReturn).searchParams.get('session');
  expect(token, `the desk's landing ${landedAt}; refusals: ${refusals().join('; ')}`).toBeTruthy();
  // A desk that renews nothing: a bare WebSocket signed in with the token.
  const socket = new WebSocket(relay.agentUrl, { headers: { Authorization: `Bearer ${token}` } });
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'status', status: 'available' })));
    socket.on('message', (data) => String(data).includes('welcome') && resolve());
    socket.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += String(chunk)));
      res.on('end', () =>
        reject(
          new Error(
            `the relay refused the desk (${res.statusCode}): ${body.trim()}; ${JSON.stringify(decodeJwt(token!))} at ${Date.now()}`,
          ),
        ),
      );
    });
    socket.on('error', reject);
  });
  idp.people.get('raj@example.com')!.disabled = true;
  const disabledAt = Date.now();
  // The relay asks the company itself every half token life; the revocation drops the desk within 5 s.
  expect(await closed).toBe(4001);
  expect(Date.now() - disabledAt).toBeLessThan(SESSION_MINUTES * 60_000 + 6000);
  expect(log.records.some((r) => r.msg === 'company sign-in ended by the identity provider' && r.name === 'raj')).toBe(
    true,
  );
  desk.close();
  await page.context().close();
});

test('the desk renews its company token and, past the first token’s expiry, fails over to another relay instance with it', async ({
  browser,
}) => {
  let landed: (url: string) => void;
  const landing = new Promise<string>((resolve) => (landed = resolve));
  const desk: Server = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<p>You can close this window.</p>');
    landed(req.url ?? '');
  });
  await new Promise<void>((resolve) => desk.listen(0, '127.0.0.1', resolve));
  const deskReturn = `http://127.0.0.1:${(desk.address() as AddressInfo).port}/signed-in`;
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${base}/auth/login?to=desk&return=${encodeURIComponent(deskReturn)}`);
  await logInAtCompany(page, 'ben@example.com');
  const token = new URL(await landing, deskReturn).searchParams.get('session')!;
  // A second instance on the same Redis, as behind a load balancer.
  const second = await startRelay({
    ...SIM_SECRETS,
    agentSecret: AGENT_SECRET,
    redisUrl: redis.url,
    graphBaseUrl: sim.graphBaseUrl,
    logger: createMemoryLogger(),
    prefix: 'sso',
    companySignIn: relaySettings.companySignIn,
  });
  const connections: Array<{ connected: boolean; url?: string; error?: unknown }> = [];
  const client = connectRelay({
    urls: [second.agentUrl, relay.agentUrl],
    token,
    onEvent: () => undefined,
    onConnection: (state) => connections.push(state),
  });
  try {
    await client.ready();
    await new Promise((r) => setTimeout(r, decodeJwt(token).exp! * 1000 - Date.now() + 1000));
    // The instance the desk is on stops: the desk signs in on the other with its renewed token (the first one has
    // expired, and would be refused).
    const before = connections.length;
    await second.close();
    await expect
      .poll(() => connections.slice(before).some((c) => c.connected && c.url === relay.agentUrl), { timeout: 10_000 })
      .toBe(true);
    expect(
      connections.slice(before).some((c) => c.error && JSON.stringify(c.error).includes('relayTokenRefused')),
    ).toBe(false);
  } finally {
    client.close();
    await second.close().catch(() => undefined);
    desk.close();
    await page.context().close();
  }
});

test('a replayed, forged or cross-browser callback is refused, and so are tokens expired or not the relay’s', async ({
  browser,
}) => {
  // Sign-in A runs to the callback, which is caught before the relay sees it. The callback is the target of the
  // company's redirect, which Playwright's routes never see: Chromium's own interception (CDP Fetch) does.
  const catchCallback = async (page: Page) => {
    let caught: (url: string) => void;
    const url = new Promise<string>((resolve) => (caught = resolve));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${base}/auth/callback*` }] });
    cdp.on('Fetch.requestPaused', (event) => {
      caught(event.request.url);
      void cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'Aborted' });
      void cdp.send('Fetch.disable');
    });
    return url;
  };
  const a = await (await browser.newContext()).newPage();
  const aCallback = catchCallback(a);
  await a.goto(`${base}/auth/login?to=board`);
  await logInAtCompany(a, 'sam@example.com');
  const callbackA = new URL(await aCallback);
  // Another browser presenting A's callback (a stolen link): refused, A's state is spent.
  const b = await (await browser.newContext()).newPage();
  await b.goto(callbackA.href);
  await expect(b.getByTestId('board-problem')).toHaveText(
    'The sign-in with your company account did not complete. Try again.',
  );
  expect(await boardToken(b)).toBe('');
  expect(refusals().at(-1)).toBe('the callback came from another browser');
  // ... and A itself, replaying it now, is refused too.
  await a.goto(callbackA.href);
  await expect(a.getByTestId('board-problem')).toHaveText(
    'The sign-in with your company account did not complete. Try again.',
  );
  expect(refusals().at(-1)).toBe('no sign-in under way for this state');

  // Sign-in C's callback carrying A's code (code injection): C's PKCE verifier and nonce do not match it.
  const c = await (await browser.newContext()).newPage();
  const cCallback = catchCallback(c);
  await c.goto(`${base}/auth/login?to=board`);
  await logInAtCompany(c, 'sam@example.com');
  const callbackC = new URL(await cCallback);
  const d = await (await browser.newContext()).newPage();
  const dCallback = catchCallback(d);
  await d.goto(`${base}/auth/login?to=board`);
  await logInAtCompany(d, 'ada@example.com');
  const callbackD = new URL(await dCallback);
  callbackC.searchParams.set('code', callbackD.searchParams.get('code')!);
  await c.goto(callbackC.href);
  await expect(c.getByTestId('board-problem')).toHaveText(
    'The sign-in with your company account did not complete. Try again.',
  );
  expect(await boardToken(c)).toBe('');
  // The company's token endpoint refuses D's code under C's PKCE verifier.
  expect(refusals().at(-1)).toMatch(/invalid_grant|PKCE|code_verifier/i);
  // A made-up state.
  await c.goto(`${base}/auth/callback?code=abc&state=made-up`);
  await expect(c.getByTestId('board-problem')).toHaveText(
    'The sign-in with your company account did not complete. Try again.',
  );

  // An expired session token, another issuer's or another audience's: refused by the board and by refresh.
  const expired = await issueSupervisorToken('sam', AGENT_SECRET, {
    sid: 'x',
    lifetimeMs: 1000,
    now: Date.now() - 60_000,
  });
  const otherRelay = await issueSupervisorToken('sam', 'another-relay-secret-0123', { sid: 'x' });
  for (const token of [expired, otherRelay]) {
    const refresh = await fetch(`${base}/auth/refresh`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(refresh.status).toBe(401);
    const report = await fetch(`${base}/board/api/report?from=2026-01-01&to=2026-01-02`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(report.status).toBe(401);
  }
  for (const page of [a, b, c, d]) await page.context().close();
});
