import { accountAlertSentence, restrictionScope, type AccountAlert, type ReceivedAccountAlert } from './accountAlerts';
import type { AgentStatus, ConnectionMode } from './settingsSchemas';

/** What the microphone check found: a working device, a refusal, no device at all, or not checked yet. */
export type MicState = 'ok' | 'blocked' | 'missing' | 'checking';

/** Where the agent goes to fix a problem. */
export type ReadinessFix = 'settings' | 'microphone' | 'status';

export interface ReadinessFacts {
  configured: boolean;
  mode: ConnectionMode;
  /** Direct mode: the desk's webhook server listens. */
  listening: boolean;
  relayConnected: boolean;
  /** Team mode: the relay says this agent is in no queue, so no call can ring for them. */
  inNoQueue?: boolean;
  /** Direct mode: what WhatsApp said of the token and the number at the last check. */
  connection: { state: 'pending' | 'ok' | 'failed'; problem?: string };
  /** Direct mode: the address given to Meta. */
  callbackUrl?: string;
  /** Direct mode: Meta's verification request or a signed event has come in through this callback URL. */
  callbackReached: boolean;
  mic: MicState;
  agentStatus: AgentStatus;
  /** After-call work is open: nothing rings until it is saved. */
  wrapUp?: boolean;
  /** WhatsApp restricts customers' calls to the number now (account_update): no call can ring. */
  restriction?: Extract<AccountAlert, { kind: 'restriction' }>;
}

/** The restriction, among WhatsApp's alerts, that stops customers' calls ringing now (undefined: none). */
export function callsRestricted(
  alerts: readonly ReceivedAccountAlert[] | undefined,
  nowMs: number,
): Extract<AccountAlert, { kind: 'restriction' }> | undefined {
  for (const { alert } of alerts ?? []) {
    if (alert.kind !== 'restriction') continue;
    const scope = restrictionScope(alert.restrictionType);
    if ((scope === 'user' || scope === 'calling') && (alert.expiresAtMs === undefined || alert.expiresAtMs > nowMs))
      return alert;
  }
  return undefined;
}

/** `code` names the message in the window's catalogues (`readiness.<code>`), with `params` for its placeholders. */
export type ReadinessCode =
  | 'ready'
  | 'readyRelay'
  | 'notConfigured'
  | 'relayDown'
  | 'noQueue'
  | 'notListening'
  | 'checking'
  | 'connectionFailed'
  | 'notPublic'
  | 'notReached'
  | 'micBlocked'
  | 'micMissing'
  | 'micChecking'
  | 'away'
  | 'busy'
  | 'wrapUp'
  | 'restricted';

export type Readiness = { code: ReadinessCode; params?: Record<string, string> } & (
  { ready: true; text: string } | { ready: false; text: string; fix?: ReadinessFix }
);

/** An https address on a host other than this computer: the only kind Meta delivers webhooks to. */
export function isPublicHttps(url: string | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const local = host === 'localhost' || host === '::1' || /^127\./.test(host) || /^0\./.test(host);
  return parsed.protocol === 'https:' && !local;
}

/**
 * Green only when a call can really ring and be answered with a voice; otherwise the first thing to fix, in the
 * order an agent or their administrator would fix it.
 */
export function readiness(f: ReadinessFacts): Readiness {
  if (!f.configured)
    return {
      ready: false,
      code: 'notConfigured',
      text: 'Not connected to WhatsApp yet: set up the connection in Settings.',
      fix: 'settings',
    };
  if (f.mode === 'relay') {
    if (!f.relayConnected)
      return {
        ready: false,
        code: 'relayDown',
        text: 'Not connected to the team relay: calls cannot reach this desk.',
        fix: 'settings',
      };
    // Only a supervisor or an admin can put the agent in a queue: nothing at the desk fixes it.
    if (f.inNoQueue)
      return {
        ready: false,
        code: 'noQueue',
        text: 'You are in no queue: no call can ring for you. Ask your supervisor to add you to a queue.',
      };
  } else {
    if (!f.listening)
      return {
        ready: false,
        code: 'notListening',
        text: 'The phone cannot take webhooks: see the problem above.',
        fix: 'settings',
      };
    if (f.connection.state === 'pending')
      return { ready: false, code: 'checking', text: 'Checking the connection with WhatsApp…' };
    if (f.connection.state === 'failed')
      return {
        ready: false,
        code: 'connectionFailed',
        params: { problem: f.connection.problem ?? '' },
        text: f.connection.problem ?? 'WhatsApp did not accept the connection settings.',
        fix: 'settings',
      };
    if (!isPublicHttps(f.callbackUrl))
      return {
        ready: false,
        code: 'notPublic',
        text: 'WhatsApp cannot reach this phone: give a public https address or use the tunnel in Settings.',
        fix: 'settings',
      };
    if (!f.callbackReached)
      return {
        ready: false,
        code: 'notReached',
        params: { url: f.callbackUrl ?? '' },
        text: `Waiting for WhatsApp to reach ${f.callbackUrl}: paste it and the verify token in Meta’s dashboard.`,
        fix: 'settings',
      };
  }
  // The window words it from the alert itself (src/shared/whatsappWords), in the agent's language.
  if (f.restriction) return { ready: false, code: 'restricted', text: accountAlertSentence(f.restriction) };
  if (f.mic === 'blocked')
    return {
      ready: false,
      code: 'micBlocked',
      text: 'The microphone is blocked: allow it for this app, or callers will not hear you.',
      fix: 'microphone',
    };
  if (f.mic === 'missing')
    return {
      ready: false,
      code: 'micMissing',
      text: 'No microphone found: plug one in, or callers will not hear you.',
      fix: 'microphone',
    };
  if (f.mic === 'checking') return { ready: false, code: 'micChecking', text: 'Checking the microphone…' };
  if (f.wrapUp)
    return { ready: false, code: 'wrapUp', text: 'Wrap-up: calls do not ring until you save the call’s outcome.' };
  if (f.agentStatus === 'away')
    return {
      ready: false,
      code: 'away',
      text: 'You are Away: calls do not ring here.',
      fix: 'status',
    };
  if (f.agentStatus === 'busy')
    return {
      ready: false,
      code: 'busy',
      text: 'You are Busy: calls show here without ringing.',
      fix: 'status',
    };
  return f.mode === 'relay'
    ? { ready: true, code: 'readyRelay', text: 'Ready for calls from the team relay' }
    : { ready: true, code: 'ready', text: 'Ready for calls' };
}
