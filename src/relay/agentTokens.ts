import { createHash, randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, decodeProtectedHeader, type JWTPayload } from 'jose';
import { SupervisorClaims, SupervisorQueues } from '../shared/supervisorScope';
import { AGENT_ID } from '../shared/agentId';

const ISSUER = 'wa-relay';
const AUDIENCE = 'wa-relay-agent';
/** Supervisors' tokens name another audience: an agent's token never opens the board, nor a supervisor's a desk. */
const SUPERVISOR_AUDIENCE = 'wa-relay-supervisor';

/** A shift: a token is valid this long unless the operator chooses otherwise. */
export const DEFAULT_TOKEN_LIFETIME_MS = 12 * 3600_000;

/** A signing secret and the id that names it in a token's header, so secrets can be rotated. */
export interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

/** The key id is derived from the secret itself, so instances sharing a secret agree on it without configuration. */
export function signingKey(secret: string): SigningKey {
  return {
    kid: createHash('sha256').update(secret).digest('hex').slice(0, 12),
    secret: new TextEncoder().encode(secret),
  };
}

export interface IssueOptions {
  lifetimeMs?: number;
  now?: number;
}

/** A sign-in token for one agent: a JWT (HS256) with the agent as subject, an expiry, and a token id. */
export async function issueAgentToken(agentId: string, secret: string, options: IssueOptions = {}): Promise<string> {
  return issueToken(agentId, secret, AUDIENCE, options);
}

/**
 * A sign-in token for the supervisor board; `queues` limits what it sees and listens to (absent: every queue);
 * `role: 'admin'` also opens the admin views; `sid` ties it to a company sign-in.
 */
export async function issueSupervisorToken(
  name: string,
  secret: string,
  options: IssueOptions & { queues?: string[]; role?: 'supervisor' | 'admin'; sid?: string } = {},
): Promise<string> {
  const { queues, role, sid, ...rest } = options;
  const claims = {
    ...(queues && { queues: SupervisorQueues.parse(queues) }),
    ...(role === 'admin' && { role }),
    ...(sid && { sid }),
  };
  return issueToken(name, secret, SUPERVISOR_AUDIENCE, rest, claims);
}

/** An agent's token tied to a company sign-in (`sid`), for the desk; refreshed while the desk runs. */
export async function issueAgentSessionToken(
  agentId: string,
  secret: string,
  options: IssueOptions & { sid: string },
): Promise<string> {
  const { sid, ...rest } = options;
  return issueToken(agentId, secret, AUDIENCE, rest, { sid });
}

async function issueToken(
  agentId: string,
  secret: string,
  audience: string,
  options: IssueOptions,
  claims: JWTPayload = {},
): Promise<string> {
  if (!AGENT_ID.test(agentId)) throw new Error('agent id: 1 to 64 letters, digits, - or _');
  const key = signingKey(secret);
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const lifetime = Math.floor((options.lifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS) / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: key.kid })
    .setSubject(agentId)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(key.secret);
}

export type TokenCheck =
  | { ok: true; agentId: string; tokenId: string; issuedAtMs: number; expiresAtMs: number; sid?: string }
  | { ok: false; reason: string };

type Verified = { ok: true; payload: JWTPayload } | { ok: false; reason: string };

/** The token's claims once its signature, issuer, audience and expiry are checked; a refusal names the kind asked. */
async function verifiedClaims(
  token: string | undefined,
  keys: SigningKey[],
  now: number,
  audience: string,
): Promise<Verified> {
  const kind = audience === SUPERVISOR_AUDIENCE ? 'supervisor' : 'agent';
  const refused = (why: string): Verified => ({ ok: false, reason: `${kind} token ${why}` });
  if (!token) return refused('malformed');
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(token).kid;
  } catch {
    return refused('malformed');
  }
  const key = keys.find((k) => k.kid === kid);
  if (!key) return refused('signature is wrong');
  try {
    const { payload } = await jwtVerify(token, key.secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience,
      currentDate: new Date(now),
      requiredClaims: ['sub', 'jti', 'exp', 'iat'],
    });
    return { ok: true, payload };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return refused('expired');
    if (error instanceof errors.JWSSignatureVerificationFailed) return refused('signature is wrong');
    // Signed by this team, for the other use: a supervisor's token at a desk, an agent's on the board.
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') return refused('for another use');
    return refused('malformed');
  }
}

const checkOf = (payload: JWTPayload) => ({
  ok: true as const,
  agentId: payload.sub!,
  tokenId: payload.jti!,
  issuedAtMs: payload.iat! * 1000,
  expiresAtMs: payload.exp! * 1000,
  ...(typeof payload.sid === 'string' && { sid: payload.sid }),
});

/**
 * Checks a token against the current secret and any previous ones still accepted during a rotation.
 * Revocation is checked by the caller, which knows the revocation list.
 */
export async function verifyAgentToken(
  token: string | undefined,
  keys: SigningKey[],
  now = Date.now(),
): Promise<TokenCheck> {
  const verified = await verifiedClaims(token, keys, now, AUDIENCE);
  return verified.ok ? checkOf(verified.payload) : verified;
}

export type SupervisorCheck =
  | (Extract<TokenCheck, { ok: true }> & { queues?: string[]; role: 'supervisor' | 'admin' })
  | Extract<TokenCheck, { ok: false }>;

/** Checks a supervisor's token; `agentId` in the result is the supervisor's name, `queues` their scope. */
export async function verifySupervisorToken(
  token: string | undefined,
  keys: SigningKey[],
  now = Date.now(),
): Promise<SupervisorCheck> {
  const verified = await verifiedClaims(token, keys, now, SUPERVISOR_AUDIENCE);
  if (!verified.ok) return verified;
  const scope = SupervisorClaims.safeParse(verified.payload);
  if (!scope.success) return { ok: false, reason: 'supervisor token names its queues wrongly' };
  return { ...checkOf(verified.payload), queues: scope.data.queues, role: scope.data.role ?? 'supervisor' };
}
