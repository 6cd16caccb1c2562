import type { CompanySignInState } from '../../shared/ipcContract';
import { sentence, type Sentence } from '../../shared/sentence';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import { listenForSignInReturn, type SignInListener, type SignInReturn } from './loopbackReturn';

/** How long the desk waits for the person to finish at the company's sign-in page. */
export const SIGN_IN_DEADLINE_MS = 5 * 60_000;

/** The relay's company sign-in for a desk, beside its agent WebSocket address (ws://host:port → http://host:port). */
export function companyLoginUrl(relayUrl: string, returnUrl: string): string {
  const url = new URL(relayUrl);
  url.protocol = url.protocol === 'wss:' ? 'https:' : 'http:';
  url.pathname = '/auth/login';
  url.search = new URLSearchParams({ to: 'desk', return: returnUrl }).toString();
  url.hash = '';
  return url.href;
}

/** A failed sign-in as the page words it. */
export function signInFailure(reason: Extract<SignInReturn, { ok: false }>['reason']): Sentence {
  if (reason === 'no_role') return sentence('companySignInNoRole');
  if (reason === 'timed_out') return sentence('companySignInTimedOut', { minutes: 5 });
  if (reason === 'unavailable') return sentence('companySignInUnreachable');
  return sentence('companySignInRefused');
}

/**
 * The desk's "Sign in with your company account": one sign-in at a time (a new one cancels the one under way), its
 * outcome kept in main; the token goes to `onSignedIn` and never to the page.
 */
export function createDeskCompanySignIn(deps: {
  log: Logger;
  deadlineMs?: number;
  /** Electron: the system browser. Without it (the browser host) the page opens the address in a tab. */
  openExternal?: (url: string) => Promise<void>;
  onSignedIn(relayUrls: string[], token: string): Promise<void>;
  onChange(): void;
}) {
  let current: SignInListener | undefined;
  let state: CompanySignInState | undefined;

  function settle(listener: SignInListener, next: CompanySignInState): void {
    if (current !== listener) return;
    current = undefined;
    state = next;
    deps.onChange();
  }

  async function start(relayUrls: string[]): Promise<{ url?: string }> {
    const previous = current;
    current = undefined;
    previous?.cancel();
    const listener = await listenForSignInReturn({ deadlineMs: deps.deadlineMs ?? SIGN_IN_DEADLINE_MS, log: deps.log });
    current = listener;
    const url = companyLoginUrl(relayUrls[0]!, listener.returnUrl);
    state = { state: 'waiting' };
    deps.onChange();
    void listener.result.then(async (outcome) => {
      if (!outcome.ok) {
        if (outcome.reason !== 'cancelled')
          deps.log.warn('company sign-in did not complete', { reason: outcome.reason });
        return settle(listener, { state: 'failed', said: signInFailure(outcome.reason) });
      }
      try {
        await deps.onSignedIn(relayUrls, outcome.token);
        deps.log.info('signed in with the company account');
        settle(listener, { state: 'signed_in' });
      } catch (error) {
        deps.log.error('company sign-in not kept', { error: errorText(error) });
        settle(listener, { state: 'failed', said: sentence('companySignInRefused') });
      }
    });
    if (!deps.openExternal) return { url };
    await deps.openExternal(url);
    return {};
  }

  return {
    start,
    state: () => state,
    close: () => current?.cancel(),
  };
}
