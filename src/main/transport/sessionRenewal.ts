import { decodeJwt } from 'jose';

/** When a relay token from a company sign-in should be renewed (half its life from now), or undefined for others. */
export function renewalDelayMs(token: string, nowMs = Date.now()): number | undefined {
  let claims: { sid?: unknown; exp?: number };
  try {
    claims = decodeJwt(token);
  } catch {
    return undefined;
  }
  if (typeof claims.sid !== 'string' || typeof claims.exp !== 'number') return undefined;
  return Math.max(1000, (claims.exp * 1000 - nowMs) / 2);
}

/** The relay's renewal address beside its agent WebSocket address (ws://host:port/… → http://host:port/auth/refresh). */
export function refreshUrl(relayUrl: string): string {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/auth/refresh';
  url.search = '';
  return url.href;
}

export type Renewed = { ok: true; token: string } | { ok: false; ended: boolean };

/** Asks the relay for a renewed token; `ended` when the relay says the company sign-in is over. */
export async function renewToken(relayUrl: string, token: string): Promise<Renewed> {
  try {
    const response = await fetch(refreshUrl(relayUrl), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status === 401) return { ok: false, ended: true };
    if (!response.ok) return { ok: false, ended: false };
    const body = (await response.json()) as { token?: unknown };
    return typeof body.token === 'string' ? { ok: true, token: body.token } : { ok: false, ended: false };
  } catch {
    return { ok: false, ended: false };
  }
}
