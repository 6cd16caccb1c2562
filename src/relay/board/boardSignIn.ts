import type { SupervisorCheck } from '../agentTokens';
import type { SupervisorScope } from '../../shared/supervisorScope';

/** setTimeout's longest wait; a token may live longer (up to 90 days), so such a wait is taken in steps. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/** A supervisor signed in on one board page: who, with which token, seeing what, until when. */
export interface BoardSession {
  name: string;
  /** Kept to check again at every request and refresh: revocation and expiry end the session. */
  token: string;
  scope: SupervisorScope;
  role: 'supervisor' | 'admin';
  expiresAtMs: number;
  stopExpiry(): void;
}

/** Calls `onExpired` once the clock passes `expiresAtMs`, however far away that is; returns a cancel. */
export function atExpiry(expiresAtMs: number, onExpired: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const wait = (): void => {
    const left = expiresAtMs - Date.now();
    if (left <= 0) return onExpired();
    timer = setTimeout(wait, Math.min(left, LONGEST_TIMER_MS));
  };
  wait();
  return () => clearTimeout(timer);
}

/** The session a checked token opens; the expiry watch starts now. */
export function openSession(
  token: string,
  check: Extract<SupervisorCheck, { ok: true }>,
  onExpired: () => void,
): BoardSession {
  return {
    name: check.agentId,
    token,
    scope: { queues: check.queues },
    role: check.role,
    expiresAtMs: check.expiresAtMs,
    stopExpiry: atExpiry(check.expiresAtMs, onExpired),
  };
}

/** What the supervisor reads when their sign-in ends under them. */
export function endedSentence(session: BoardSession, nowMs = Date.now()): string {
  return nowMs >= session.expiresAtMs
    ? 'Your sign-in has ended: your supervisor token expired. Ask the operator for a new one.'
    : 'Your sign-in has ended: your supervisor token was withdrawn. Ask the operator for a new one.';
}
