import { bearerToken } from '../bearerToken';
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as oidc from 'openid-client';
import type { IdentityRoles } from '../../shared/identityRoles';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import { requestClient } from '../../whatsapp/clientAddress';
import { groupedWarnings } from '../../whatsapp/connectionGuard';
import { issueAgentSessionToken, issueSupervisorToken, verifyAgentToken, verifySupervisorToken } from '../agentTokens';
import type { SigningKey } from '../agentTokens';
import type { Revocations } from '../revocations';
import { teamIdentity, type TeamIdentity } from './roleMapping';
import type { CompanySession, SignInStore } from './signInStore';

/** The company's OpenID Connect provider as the relay is registered with it (RELAY_OIDC_*). */
export interface CompanySignInSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The address browsers reach this relay's agent port at (RELAY_PUBLIC_URL): the callback is /auth/callback. */
  publicUrl: string;
  roles: IdentityRoles;
  /** How long one of the relay's session tokens lives; desks and boards refresh them at half-life (5 minutes). */
  sessionMinutes: number;
  /** Sign-ins one client address may begin a minute, across instances (30). */
  loginsPerMinute?: number;
}

/** Why a sign-in did not open: the board and the desk word each in the person's language. */
export type SignInRefusal = 'no_role' | 'bad_name' | 'agent_on_board' | 'failed' | 'ended' | 'unavailable';

/** One sign-in or sign-in refusal, for the audit trail. */
export interface SignInEvent {
  action: 'sign_in' | 'sign_in_refused' | 'session_ended';
  name?: string;
  role?: string;
  detail: string;
  from: string;
}

const COOKIE = 'wa_signin';
const LOGINS_PER_MINUTE = 30;
const SCOPE = 'openid profile groups';
/** Loopback addresses a desk listens on for its sign-in's return (RFC 8252, 7.3). */
const DESK_RETURN = /^http:\/\/(127\.0\.0\.1|\[::1\]):\d{1,5}\/[\w/-]*$/;

/** What went wrong, with the provider's own error code and description when it answered with one. */
function providerErrorText(error: unknown): string {
  if (error instanceof oidc.ResponseBodyError)
    return `${error.error}${error.error_description ? `: ${error.error_description}` : ''}`;
  return errorText(error);
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/**
 * Sign-in with the company's identity provider (authorization code with PKCE, openid-client): /auth/login sends the
 * browser to the provider, /auth/callback maps the person's groups to a team role and queues and hands back the
 * relay's own short-lived token, /auth/refresh renews it while the provider still vouches for the person.
 */
export function createCompanySignIn(deps: {
  settings: CompanySignInSettings;
  store: SignInStore;
  agentSecret: string;
  signingKeys: SigningKey[];
  revocations: Revocations;
  trustedProxies?: string[];
  log: Logger;
  onEvent?(event: SignInEvent): void;
}) {
  const { settings, store, log } = deps;
  const redirectUri = `${settings.publicUrl.replace(/\/$/, '')}/auth/callback`;
  const lifetimeMs = settings.sessionMinutes * 60_000;
  let discovered: Promise<oidc.Configuration> | undefined;
  const floods = groupedWarnings(log, 'company sign-in refused: too many from one address');

  /** The provider's configuration, discovered once (again after a failure, so a provider down at start recovers). */
  function provider(): Promise<oidc.Configuration> {
    const issuer = new URL(settings.issuer);
    // Plain http only to a provider on this machine (the tests' own); anywhere else openid-client insists on https.
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname);
    discovered ??= oidc
      .discovery(issuer, settings.clientId, settings.clientSecret, undefined, {
        execute: loopback ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  }

  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(JSON.stringify(body));
  };
  const redirect = (res: ServerResponse, location: string, cookie?: string) => {
    res.writeHead(302, {
      Location: location,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      ...(cookie && { 'Set-Cookie': cookie }),
    });
    res.end();
  };
  const secure = settings.publicUrl.startsWith('https:') ? '; Secure' : '';
  const clearCookie = `${COOKIE}=; HttpOnly; SameSite=Lax; Path=/auth; Max-Age=0${secure}`;

  /** Where the person lands: the board, or the desk's loopback address, with the token or the refusal. */
  function landing(to: 'board' | 'desk', returnTo: string | undefined, values: Record<string, string>): string {
    // The desk's loopback server must read it, so in the query (the browser never sends a fragment); the board's page
    // reads it from the fragment, which never reaches a server or a log.
    if (to === 'desk' && returnTo) return `${returnTo}?${new URLSearchParams(values).toString()}`;
    return `/board#${new URLSearchParams(values).toString()}`;
  }

  async function tokenFor(who: Extract<TeamIdentity, { ok: true }>, sid: string): Promise<string> {
    return who.role === 'agent'
      ? issueAgentSessionToken(who.name, deps.agentSecret, { sid, lifetimeMs })
      : issueSupervisorToken(who.name, deps.agentSecret, { sid, lifetimeMs, role: who.role, queues: who.queues });
  }

  /** The person's claims: the ID token's, with userinfo's beside them for providers that keep groups there. */
  async function claimsOf(
    config: oidc.Configuration,
    tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
  ): Promise<Record<string, unknown>> {
    const idClaims = tokens.claims();
    if (!idClaims) throw new Error('the provider sent no ID token');
    if (deps.settings.roles.groupsClaim in idClaims && deps.settings.roles.nameClaim in idClaims) return idClaims;
    const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    return { ...info, ...idClaims };
  }

  async function login(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const to = url.searchParams.get('to') === 'desk' ? 'desk' : 'board';
    const returnTo = url.searchParams.get('return') ?? undefined;
    if (to === 'desk' && !(returnTo && DESK_RETURN.test(returnTo)))
      return reply(res, 400, { error: 'A desk signs in with its loopback return address.' });
    // Each sign-in begun holds a pending entry in Redis for 10 minutes: a flood from one address is refused.
    const from = requestClient(req, deps.trustedProxies);
    const admitted = await store.admitLogin(from, settings.loginsPerMinute ?? LOGINS_PER_MINUTE);
    if (!admitted.ok) {
      floods.warn(from, { from });
      res.setHeader('Retry-After', String(admitted.retryAfterS));
      return reply(res, 429, { error: 'Too many sign-ins from this address; try again in a minute.' });
    }
    let config: oidc.Configuration;
    try {
      config = await provider();
    } catch (error) {
      log.warn('the company identity provider does not answer', { error: errorText(error) });
      // The desk learns it from its loopback listener, and says so in the agent's language.
      if (to === 'desk') return redirect(res, landing(to, returnTo, { refused: 'unavailable' }));
      return reply(res, 503, { error: 'The company sign-in does not answer; try again in a moment.' });
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const browser = randomBytes(24).toString('base64url');
    await store.begin(state, { verifier, nonce, browser, to, returnTo });
    const target = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: SCOPE,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    redirect(res, target.href, `${COOKIE}=${browser}; HttpOnly; SameSite=Lax; Path=/auth; Max-Age=600${secure}`);
  }

  async function callback(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const from = requestClient(req, deps.trustedProxies);
    const refuse = (to: 'board' | 'desk', returnTo: string | undefined, refusal: SignInRefusal, detail: string) => {
      log.warn('company sign-in refused', { refusal, detail, from });
      deps.onEvent?.({ action: 'sign_in_refused', detail: `${refusal}: ${detail}`, from });
      redirect(res, landing(to, returnTo, { refused: refusal }), clearCookie);
    };
    const state = url.searchParams.get('state');
    // Taken once: a replayed or forged callback finds no sign-in under way.
    const pending = state ? await store.take(state) : undefined;
    if (!pending) return refuse('board', undefined, 'failed', 'no sign-in under way for this state');
    if (cookieOf(req, COOKIE) !== pending.browser)
      return refuse(pending.to, pending.returnTo, 'failed', 'the callback came from another browser');
    let who: TeamIdentity;
    let refreshToken: string | undefined;
    try {
      const config = await provider();
      const tokens = await oidc.authorizationCodeGrant(config, new URL(`${redirectUri}${url.search}`), {
        pkceCodeVerifier: pending.verifier,
        expectedState: state!,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      who = teamIdentity(await claimsOf(config, tokens), settings.roles);
      refreshToken = tokens.refresh_token;
    } catch (error) {
      return refuse(pending.to, pending.returnTo, 'failed', providerErrorText(error));
    }
    if (!who.ok) return refuse(pending.to, pending.returnTo, who.refusal, who.detail);
    if (pending.to === 'board' && who.role === 'agent')
      return refuse(pending.to, pending.returnTo, 'agent_on_board', `${who.name} is an agent`);
    if (!refreshToken) return refuse(pending.to, pending.returnTo, 'failed', 'the provider gave no refresh token');
    const sid = randomUUID();
    await store.save(sid, {
      name: who.name,
      role: who.role,
      queues: who.queues,
      refreshToken,
      checkedAtMs: Date.now(),
    });
    const token = await tokenFor(who, sid);
    log.info('signed in with the company account', { name: who.name, role: who.role, queues: who.queues ?? 'all' });
    deps.onEvent?.({ action: 'sign_in', name: who.name, role: who.role, detail: `to ${pending.to}`, from });
    redirect(res, landing(pending.to, pending.returnTo, { session: token }), clearCookie);
  }

  /** The session a relay token names, if the token is ours, current, not revoked, and from a company sign-in. */
  async function sessionOf(token: string | undefined) {
    const check =
      (await verifyAgentToken(token, deps.signingKeys).then((c) => (c.ok ? c : undefined))) ??
      (await verifySupervisorToken(token, deps.signingKeys));
    if (!check.ok || !check.sid) return undefined;
    if (await deps.revocations.isRevoked(check.agentId, check.issuedAtMs)) return undefined;
    const session = await store.find(check.sid);
    return session && session.name === check.agentId ? { sid: check.sid, session } : undefined;
  }

  /** The provider no longer vouches for this person: every token they hold is refused from now on. */
  async function endSession(sid: string, session: CompanySession, detail: string, from: string): Promise<void> {
    await store.end(sid);
    await deps.revocations.revoke(session.name);
    log.warn('company sign-in ended by the identity provider', { name: session.name, detail });
    deps.onEvent?.({ action: 'session_ended', name: session.name, role: session.role, detail, from });
  }

  type Vouched =
    { ok: true; session: CompanySession } | { ok: false; refused: SignInRefusal } | { ok: false; unavailable: true };

  /**
   * Asks the provider whether it still vouches for this session's person (a refresh-token grant), at most once per
   * half token life, one instance at a time (a lock in Redis: the refresh token rotates, so two grants at once would
   * spend it twice). A refusal, a person out of every allowed group or in another role, ends the session everywhere.
   */
  async function vouch(sid: string, from: string, force = false): Promise<Vouched> {
    const unlock = await store.lock(sid);
    if (!unlock) return { ok: false, unavailable: true };
    try {
      const session = await store.find(sid);
      if (!session) return { ok: false, refused: 'ended' };
      if (!force && Date.now() - (session.checkedAtMs ?? 0) < lifetimeMs / 2) return { ok: true, session };
      let config: oidc.Configuration;
      let tokens: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
      try {
        config = await provider();
        tokens = await oidc.refreshTokenGrant(config, session.refreshToken);
      } catch (error) {
        // The provider refused (the person was disabled or signed out there); a provider that cannot be reached
        // ends nothing now, and the tokens run out on their own within minutes.
        if (error instanceof oidc.ResponseBodyError) {
          await endSession(sid, session, `refresh refused: ${providerErrorText(error)}`, from);
          return { ok: false, refused: 'ended' };
        }
        log.warn('company sign-in not refreshed: the provider does not answer', { error: errorText(error) });
        return { ok: false, unavailable: true };
      }
      let who: TeamIdentity;
      try {
        who = teamIdentity(await claimsOf(config, tokens), settings.roles);
      } catch (error) {
        who = { ok: false, refusal: 'no_role', detail: errorText(error) };
      }
      // Moved out of every allowed group, or to another role: this session ends; a new sign-in gives the new role.
      if (!who.ok || who.name !== session.name || who.role !== session.role) {
        await endSession(sid, session, who.ok ? `now ${who.name} as ${who.role}` : who.detail, from);
        return { ok: false, refused: who.ok ? 'ended' : who.refusal };
      }
      const renewed: CompanySession = {
        ...session,
        queues: who.queues,
        refreshToken: tokens.refresh_token ?? session.refreshToken,
        checkedAtMs: Date.now(),
      };
      await store.save(sid, renewed);
      return { ok: true, session: renewed };
    } finally {
      await unlock();
    }
  }

  async function refresh(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' });
    const from = requestClient(req, deps.trustedProxies);
    const found = await sessionOf(bearerToken(req.headers.authorization));
    if (!found) return reply(res, 401, { refused: 'ended' satisfies SignInRefusal });
    const vouched = await vouch(found.sid, from);
    if (!vouched.ok && 'unavailable' in vouched)
      return reply(res, 503, { error: 'The company sign-in does not answer; try again in a moment.' });
    if (!vouched.ok) return reply(res, 401, { refused: vouched.refused });
    const { name, role, queues } = vouched.session;
    const token = await tokenFor({ ok: true, name, role, queues }, found.sid);
    reply(res, 200, { token, expiresAtMs: Date.now() + lifetimeMs });
  }

  /**
   * Every half token life each instance asks the provider about the sessions nobody renewed lately: a desk or board
   * that stops renewing (or never did) still ends within minutes of the provider dropping the person.
   */
  async function sweep(): Promise<void> {
    for (const sid of await store.sessionIds()) {
      const session = await store.find(sid);
      if (session && Date.now() - (session.checkedAtMs ?? 0) >= lifetimeMs / 2) await vouch(sid, 'relay');
    }
  }
  const sweeper = setInterval(
    () => void sweep().catch((error: unknown) => log.warn('company sessions not checked', { error: errorText(error) })),
    Math.max(1000, lifetimeMs / 2),
  );
  sweeper.unref();

  return {
    close: () => {
      clearInterval(sweeper);
      floods.flush();
    },
    /** /auth/*; true when answered. */
    async http(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      const url = new URL(req.url ?? '/', 'http://relay');
      const routes: Record<string, (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>> = {
        '/auth/login': login,
        '/auth/callback': callback,
        '/auth/refresh': refresh,
        '/auth/company': async (_req, res) => reply(res, 200, { enabled: true }),
      };
      const route = routes[url.pathname];
      if (!route) return false;
      try {
        await route(req, res, url);
      } catch (error) {
        log.warn('company sign-in request failed', { path: url.pathname, error: errorText(error) });
        if (!res.headersSent) reply(res, 503, { error: 'The company sign-in could not be done just now; try again.' });
      }
      return true;
    },
  };
}
export type CompanySignIn = ReturnType<typeof createCompanySignIn>;
