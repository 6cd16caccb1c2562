import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

/** A person at the test company: their login at the provider, their team name, groups, and whether IT disabled them. */
export interface TestPerson {
  login: string;
  name: string;
  groups: string[];
  disabled?: boolean;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  people: Map<string, TestPerson>;
  provider: Provider;
  close(): Promise<void>;
}

/**
 * A real OpenID Connect provider (oidc-provider) on loopback, with one confidential client for the relay, PKCE
 * required, groups in the ID token, refresh tokens, and its own development login page (any password).
 */
export async function startTestOidcProvider(options: {
  redirectUris: string[];
  people: TestPerson[];
  host?: string;
  clientId?: string;
}): Promise<TestOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://${options.host ?? 'localhost'}:${port}`;
  const clientId = options.clientId ?? 'wa-relay';
  const clientSecret = 'test-client-secret-for-the-relay';
  const people = new Map(options.people.map((p) => [p.login, p]));
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    pkce: { required: () => true },
    scopes: ['openid', 'profile', 'groups'],
    claims: { openid: ['sub'], profile: ['preferred_username'], groups: ['groups'] },
    conformIdTokenClaims: false,
    cookies: { keys: ['test-oidc-provider-cookie-key'] },
    ttl: { AccessToken: 600, IdToken: 600, RefreshToken: 3600, Session: 3600, Grant: 3600, Interaction: 600 },
    features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    async findAccount(_ctx, id) {
      const person = people.get(id);
      if (!person || person.disabled) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, preferred_username: person.name, groups: person.groups }),
      };
    },
    // Consent is the company's own, given once for the relay: no consent screen in the tests.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const clientIdOf = ctx.oidc.client!.clientId;
      const grantId = ctx.oidc.session!.grantIdFor(clientIdOf);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: clientIdOf, accountId: ctx.oidc.session!.accountId });
      grant.addOIDCScope('openid profile groups');
      await grant.save();
      return grant;
    },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    people,
    provider,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
