import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGraphApiSim, type GraphApiSim } from '../../../sim/graphApiSim';
import { IdentityRoles } from '../../shared/identityRoles';
import { createMemoryLogger } from '../../whatsapp/logger';
import { issueSupervisorToken } from '../agentTokens';
import { freePort } from '../freePort';
import { startRelay, type Relay } from '../relayServer';
import { startTestRedis, type TestRedis } from '../testRedis';
import { RELAY_TEST_SECRETS } from '../testSecrets';
import { startTestOidcProvider, type TestOidcProvider } from './testOidcProvider';

const SECRETS = RELAY_TEST_SECRETS;
const ROLES = IdentityRoles.parse({ roles: { agent: ['phones'], supervisor: ['leads'] } });
let redis: TestRedis;
let graph: GraphApiSim;
let idp: TestOidcProvider;
let relay: Relay;
let orphan: Relay;
let base: string;

beforeAll(async () => {
  [redis, graph] = await Promise.all([
    startTestRedis(),
    startGraphApiSim({ accessToken: SECRETS.accessToken, phoneNumberId: SECRETS.phoneNumberId }),
  ]);
  const agentPort = await freePort();
  base = `http://127.0.0.1:${agentPort}`;
  idp = await startTestOidcProvider({ redirectUris: [`${base}/auth/callback`], people: [] });
  const common = { ...SECRETS, redisUrl: redis.url, graphBaseUrl: graph.baseUrl, logger: createMemoryLogger() };
  const settings = { clientId: idp.clientId, clientSecret: idp.clientSecret, roles: ROLES, sessionMinutes: 5 };
  relay = await startRelay({
    ...common,
    prefix: 'sso-hostile',
    agentPort,
    companySignIn: { ...settings, issuer: idp.issuer, publicUrl: base },
  });
  // A relay whose provider does not answer.
  orphan = await startRelay({
    ...common,
    prefix: 'sso-orphan',
    companySignIn: { ...settings, issuer: `http://127.0.0.1:${await freePort()}`, publicUrl: 'http://127.0.0.1:1' },
  });
}, 60_000);
afterAll(async () => {
  await relay?.close();
  await orphan?.close();
  await idp?.close();
  await graph?.close();
  await redis?.stop();
});

const get = (url: string, init: RequestInit = {}) => fetch(url, { redirect: 'manual', ...init });

describe('the company sign-in routes, attacked', () => {
  it('sends a browser to the provider with PKCE (S256), state and nonce, and binds it with an HttpOnly cookie', async () => {
    const response = await get(`${base}/auth/login?to=board`);
    expect(response.status).toBe(302);
    const target = new URL(response.headers.get('location')!);
    expect(target.origin).toBe(idp.issuer);
    expect(target.searchParams.get('code_challenge_method')).toBe('S256');
    expect(target.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(target.searchParams.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(target.searchParams.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(target.searchParams.get('redirect_uri')).toBe(`${base}/auth/callback`);
    expect(target.href).not.toContain(idp.clientSecret);
    expect(response.headers.get('set-cookie')).toMatch(
      /^wa_signin=[\w-]+; HttpOnly; SameSite=Lax; Path=\/auth; Max-Age=600$/,
    );
  });

  it('refuses a desk return address that is not this computer’s plain loopback', async () => {
    for (const back of [
      'http://evil.example/signed-in',
      'https://127.0.0.1:4000/signed-in',
      'http://127.0.0.1.evil.example:4000/x',
      'http://127.0.0.1:4000/x?steal=1',
      'http://user@127.0.0.1:4000/x',
      'javascript:alert(1)',
      '',
    ])
      expect((await get(`${base}/auth/login?to=desk&return=${encodeURIComponent(back)}`)).status, back).toBe(400);
    expect((await get(`${base}/auth/login?to=desk`)).status).toBe(400);
    expect((await get(`${base}/auth/login?to=desk&return=http://127.0.0.1:4000/signed-in`)).status).toBe(302);
  });

  it('answers a callback without a sign-in under way, or with a huge state, by a refusal on the board and nothing else', async () => {
    for (const query of ['', '?code=x', `?code=x&state=${'s'.repeat(5000)}`, '?error=access_denied&state=x']) {
      const response = await get(`${base}/auth/callback${query}`);
      expect(response.status, query).toBe(302);
      expect(response.headers.get('location')).toBe('/board#refused=failed');
    }
  });

  it('renews only a current company session: not by GET, not without a token, not a command-line token', async () => {
    expect((await get(`${base}/auth/refresh`)).status).toBe(405);
    expect((await get(`${base}/auth/refresh`, { method: 'POST' })).status).toBe(401);
    const bearer = (token: string) => ({ method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect((await get(`${base}/auth/refresh`, bearer('x'.repeat(8000)))).status).toBe(401);
    const commandLine = await issueSupervisorToken('sam', SECRETS.agentSecret);
    expect((await get(`${base}/auth/refresh`, bearer(commandLine))).status).toBe(401);
    // A session id the relay never issued, under a valid signature.
    const madeUp = await issueSupervisorToken('sam', SECRETS.agentSecret, { sid: 'made-up' });
    expect((await get(`${base}/auth/refresh`, bearer(madeUp))).status).toBe(401);
  });

  it('says the company sign-in does not answer when the provider is down, and recovers nothing it should not', async () => {
    const response = await get(`${orphan.agentUrl.replace(/^ws/, 'http')}auth/login?to=board`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ error: 'The company sign-in does not answer; try again in a moment.' });
    // A desk's browser goes back to the desk, which says so in the agent's language.
    const back = 'http://127.0.0.1:4000/signed-in/abc';
    const desk = await get(
      `${orphan.agentUrl.replace(/^ws/, 'http')}auth/login?to=desk&return=${encodeURIComponent(back)}`,
    );
    expect(desk.status).toBe(302);
    expect(desk.headers.get('location')).toBe(`${back}?refused=unavailable`);
  });
});
