import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGN_IN_RETURN_WORDS, signInReturnLanguage } from '../../shared/signInReturnWords';
import type { Logger } from '../../whatsapp/logger';
import { poolConnections } from '../connectionPools';

/** How a company sign-in through the system browser ended, as the desk's loopback listener learned it. */
export type SignInReturn =
  | { ok: true; token: string }
  | { ok: false; reason: 'refused' | 'no_role' | 'unavailable' | 'timed_out' | 'cancelled' };

/** The relay's refusals (src/relay/identity/companySignIn.ts) as the desk tells them apart. */
function refusalOf(value: string): Extract<SignInReturn, { ok: false }>['reason'] {
  if (value === 'no_role') return 'no_role';
  if (value === 'unavailable') return 'unavailable';
  return 'refused';
}

const TOKEN = /^[\w-]+\.[\w-]+\.[\w-]+$/;
/**
 * A browser needs a connection or two; each gets 3 s to send its request, and past 16 the oldest makes room, so
 * another local user's flood neither exhausts this process's files nor keeps the browser's return out.
 */
const LIMITS = { unproven: 16, proven: 0, proveWithinMs: 3000 };

function page(req: IncomingMessage): string {
  const tag = signInReturnLanguage(req.headers['accept-language']);
  const words = SIGN_IN_RETURN_WORDS[tag];
  const dir = tag === 'ar' ? 'rtl' : 'ltr';
  return `<!doctype html><html lang="${tag}" dir="${dir}"><meta charset="utf-8"><title>${words.title}</title><p>${words.done}</p></html>`;
}

/**
 * Listens once on this computer's loopback address for the relay to send the system browser back with the sign-in's
 * outcome (RFC 8252, 7.3): a random port, a path holding a fresh random state that only this sign-in's login address
 * carries, the listener's own Host only (no DNS rebinding), a deadline, and closed as soon as the outcome is in.
 */
export async function listenForSignInReturn(options: { deadlineMs: number; log: Logger }) {
  const state = randomBytes(24).toString('base64url');
  const path = `/signed-in/${state}`;
  let settle: (outcome: SignInReturn) => void = () => undefined;
  const result = new Promise<SignInReturn>((resolve) => (settle = resolve));
  /** The state's one use was made: nothing else is taken. */
  let done = false;
  let closed = false;
  let port = 0;

  const server = createServer((req, res) => handle(req, res));
  poolConnections(server, LIMITS);
  server.headersTimeout = 3000;
  server.requestTimeout = 3000;
  server.keepAliveTimeout = 1000;

  function refuse(res: ServerResponse, status: number, why: string, req: IncomingMessage): void {
    options.log.warn('company sign-in return refused', { why, host: req.headers.host, from: req.socket.remoteAddress });
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end();
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.headers.host !== `127.0.0.1:${port}`) return refuse(res, 421, 'another host name', req);
    if (req.method !== 'GET') return refuse(res, 405, 'not a GET', req);
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== path) return refuse(res, 404, 'not this sign-in’s state', req);
    if (done) return refuse(res, 410, 'already used', req);
    const token = url.searchParams.get('session');
    const refused = url.searchParams.get('refused');
    const outcome: SignInReturn =
      token && token.length <= 4096 && TOKEN.test(token)
        ? { ok: true, token }
        : { ok: false, reason: refusalOf(refused ?? '') };
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'",
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      Connection: 'close',
    });
    done = true;
    res.end(page(req), () => finish(outcome));
  }

  function finish(outcome: SignInReturn): void {
    if (closed) return;
    closed = true;
    done = true;
    clearTimeout(deadline);
    server.close();
    server.closeAllConnections();
    settle(outcome);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const deadline = setTimeout(() => finish({ ok: false, reason: 'timed_out' }), options.deadlineMs);

  return {
    /** Where the relay sends the browser back: only this sign-in's login address holds it. */
    returnUrl: `http://127.0.0.1:${port}${path}`,
    result,
    /** Gives up (another sign-in was started, or the desk closes). */
    cancel: () => finish({ ok: false, reason: 'cancelled' }),
  };
}

export type SignInListener = Awaited<ReturnType<typeof listenForSignInReturn>>;
