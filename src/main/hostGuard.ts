import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * The session cookie's name carries the host's port: a browser keeps one cookie jar per host name, not per port, so
 * two phones on one machine (the team demo's desks on 5200 and 5201) would otherwise overwrite each other's sign-in.
 */
export function sessionCookieName(port: number): string {
  return `softphone_session_${port}`;
}

/** A fresh secret for one run of the browser host; only a browser that opened the printed address holds it. */
export function newSessionToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export function sessionFromCookie(header: string | undefined, port: number): string | undefined {
  const wanted = sessionCookieName(port);
  for (const part of (header ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === wanted) return value.join('=');
  }
  return undefined;
}

/** Whether a request shows this run's secret, in its cookie or in the printed sign-in address. */
export function showsSession(
  request: { url?: string; headers: IncomingHttpHeaders },
  sessionToken: string,
  port: number,
): boolean {
  const cookie = sessionFromCookie(request.headers.cookie, port);
  if (cookie !== undefined && sameSecret(cookie, sessionToken)) return true;
  const offered = new URL(request.url ?? '/', 'http://localhost').searchParams.get('session');
  return offered !== null && sameSecret(offered, sessionToken);
}

export type GuardVerdict = { ok: true } | { ok: false; status: number; error: string };

export interface GuardRequest {
  method: string;
  headers: IncomingHttpHeaders;
}

/**
 * Who may use the browser host: requests addressed to it by its loopback name (no DNS rebinding), from its
 * own page (no foreign origin), carrying this run's session cookie (no other local user or program), and
 * for actions, a JSON body (so a plain cross-site form cannot send one without a preflight).
 */
export function guardHostRequest(request: GuardRequest, port: number, sessionToken: string): GuardVerdict {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!allowedHosts.includes(request.headers.host ?? '')) return { ok: false, status: 421, error: 'unknown host' };
  const origin = request.headers.origin;
  if (origin !== undefined && !allowedHosts.some((host) => origin === `http://${host}`)) {
    return { ok: false, status: 403, error: 'foreign origin' };
  }
  const session = sessionFromCookie(request.headers.cookie, port);
  if (!session || !sameSecret(session, sessionToken)) {
    return {
      ok: false,
      status: 401,
      error: 'Open the address the phone printed when it started (it carries the sign-in).',
    };
  }
  if (request.method === 'POST' && !/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) {
    return { ok: false, status: 415, error: 'requests must be application/json' };
  }
  return { ok: true };
}
