import { createHmac } from 'node:crypto';
import type { IceServer } from '../shared/iceServers';

/** The team's TURN servers and the secret it shares with them (coturn's `use-auth-secret` / `static-auth-secret`). */
export interface TurnSettings {
  urls: string[];
  secret: string;
  /** How long a credential is valid; a call through TURN lasts at most until its credential expires. */
  lifetimeSeconds: number;
}

export const DEFAULT_TURN_LIFETIME_SECONDS = 8 * 3600;

/**
 * Time-limited TURN credentials by the TURN REST convention (draft-uberti-behave-turn-rest, as coturn checks them):
 * the username is `<expiry in Unix seconds>:<agent>`, the password the base64 HMAC-SHA1 of that username under the
 * shared secret. The TURN server needs no list of users, and a credential is useless once its time has passed.
 */
export function turnCredentials(settings: TurnSettings, agentId: string, nowMs = Date.now()): IceServer {
  const expiry = Math.floor(nowMs / 1000) + settings.lifetimeSeconds;
  const username = `${expiry}:${agentId}`;
  const credential = createHmac('sha1', settings.secret).update(username).digest('base64');
  return { urls: settings.urls, username, credential };
}

/** When to send a desk fresh credentials: at half their life, so a call placed then still has hours of it. */
export function turnRenewalMs(settings: TurnSettings): number {
  return (settings.lifetimeSeconds * 1000) / 2;
}

/**
 * Reads <prefix>_TURN_URLS, _TURN_SECRET and _TURN_LIFETIME_SECONDS (RELAY_ for the team relay, WA_ for a desk on its
 * own); undefined when TURN is not set up.
 */
export function turnSettingsFromEnv(
  env: Record<string, string | undefined>,
  prefix: 'RELAY' | 'WA' = 'RELAY',
): TurnSettings | undefined {
  const urls = (env[`${prefix}_TURN_URLS`] ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (urls.length === 0) return undefined;
  const wrong = urls.filter((url) => !/^turns?:[^\s?]+(\?transport=(udp|tcp))?$/i.test(url));
  if (wrong.length > 0)
    throw new Error(
      `${prefix}_TURN_URLS: ${wrong.join(', ')} is not a TURN address (turn:host:port or turns:host:port)`,
    );
  const secret = env[`${prefix}_TURN_SECRET`] ?? '';
  if (secret.length < 16)
    throw new Error(`${prefix}_TURN_SECRET must be the TURN server’s static-auth-secret, 16+ characters`);
  const lifetime = env[`${prefix}_TURN_LIFETIME_SECONDS`];
  const lifetimeSeconds = lifetime === undefined || lifetime === '' ? DEFAULT_TURN_LIFETIME_SECONDS : Number(lifetime);
  if (!Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 60 || lifetimeSeconds > 7 * 86400)
    throw new Error(`${prefix}_TURN_LIFETIME_SECONDS must be a whole number of seconds from 60 to 604800 (a week)`);
  return { urls, secret, lifetimeSeconds };
}
