import { z } from 'zod';

export const EndReason = z.enum([
  'answered',
  'rejected',
  'missed',
  'failed',
  'remote_hangup',
  'answered_elsewhere',
  'passed_on',
  /** The ring was withdrawn because the agent went not ready (or was set away) while it rang. */
  'withdrawn_not_ready',
  'transferred',
  /** A colleague's transfer or conference ring at this desk that ended unanswered: not a missed call of the desk. */
  'invitation_ended',
  /** The call's queue ended it while it rang (the caller waited past the queue's maximum): not the desk's miss. */
  'turned_away',
]);
export type EndReason = z.infer<typeof EndReason>;

// Inbound: ringing -> answering -> pre_accepted -> active. Outbound: dialing -> remote_ringing -> active.
export const CallPhase = z.enum([
  'ringing',
  'answering',
  'pre_accepted',
  'dialing',
  'remote_ringing',
  'active',
  'ending',
  'ended',
]);
export type CallPhase = z.infer<typeof CallPhase>;

export type CallState =
  | { phase: 'ringing' }
  | { phase: 'answering' }
  | { phase: 'pre_accepted' }
  | { phase: 'dialing' }
  | { phase: 'remote_ringing' }
  | { phase: 'active'; answeredAtMs: number }
  | { phase: 'ending'; answeredAtMs?: number }
  | { phase: 'ended'; reason: EndReason; message?: string; answeredAtMs?: number; endedAtMs: number };

export type CallInput =
  | { type: 'answer_clicked' }
  | { type: 'pre_accept_ok' }
  | { type: 'accept_ok'; atMs: number }
  | { type: 'reject_clicked'; atMs: number; message?: string }
  | { type: 'hangup_clicked' }
  | { type: 'terminate_sent'; atMs: number; message?: string }
  | { type: 'remote_terminated'; failed: boolean; message?: string; atMs: number }
  | { type: 'ring_timeout'; atMs: number }
  | { type: 'taken_elsewhere'; atMs: number }
  /** The relay refused this desk's answer: a colleague's came first (nothing was sent to WhatsApp for this desk). */
  | { type: 'answer_lost'; atMs: number }
  | { type: 'passed_on'; atMs: number; notReady?: boolean }
  | { type: 'turned_away'; atMs: number }
  | { type: 'transferred'; atMs: number }
  | { type: 'remote_ringing' }
  | { type: 'remote_accepted'; atMs: number }
  | { type: 'remote_rejected'; atMs: number }
  | { type: 'failed'; message: string; atMs: number };

function ended(reason: EndReason, atMs: number, answeredAtMs?: number, message?: string): CallState {
  return { phase: 'ended', reason, endedAtMs: atMs, answeredAtMs, message };
}

/** Pure transition function. Inputs that make no sense in the current phase return the same state object. */
export function transition(state: CallState, input: CallInput): CallState {
  if (state.phase === 'ended') return state;
  switch (input.type) {
    case 'answer_clicked':
      return state.phase === 'ringing' ? { phase: 'answering' } : state;
    case 'pre_accept_ok':
      return state.phase === 'answering' ? { phase: 'pre_accepted' } : state;
    case 'accept_ok':
      return state.phase === 'pre_accepted' ? { phase: 'active', answeredAtMs: input.atMs } : state;
    case 'reject_clicked':
      return state.phase === 'ringing' ? ended('rejected', input.atMs, undefined, input.message) : state;
    case 'hangup_clicked':
      if (state.phase === 'active') return { phase: 'ending', answeredAtMs: state.answeredAtMs };
      // Cancelling an outbound call that has not been picked up yet.
      return state.phase === 'dialing' || state.phase === 'remote_ringing' ? { phase: 'ending' } : state;
    case 'terminate_sent':
      if (state.phase !== 'ending') return state;
      return ended(
        state.answeredAtMs === undefined ? 'missed' : 'answered',
        input.atMs,
        state.answeredAtMs,
        input.message,
      );
    case 'remote_ringing':
      return state.phase === 'dialing' ? { phase: 'remote_ringing' } : state;
    case 'remote_accepted':
      return state.phase === 'dialing' || state.phase === 'remote_ringing'
        ? { phase: 'active', answeredAtMs: input.atMs }
        : state;
    case 'remote_rejected':
      return state.phase === 'dialing' || state.phase === 'remote_ringing'
        ? ended('rejected', input.atMs, undefined, 'The customer declined the call.')
        : state;
    case 'ring_timeout':
      return state.phase === 'ringing' ? ended('missed', input.atMs) : state;
    case 'taken_elsewhere':
      return state.phase === 'ringing' ? ended('answered_elsewhere', input.atMs) : state;
    case 'answer_lost':
      return state.phase === 'answering' ? ended('answered_elsewhere', input.atMs) : state;
    case 'passed_on':
      return state.phase === 'ringing'
        ? ended(input.notReady ? 'withdrawn_not_ready' : 'passed_on', input.atMs)
        : state;
    case 'turned_away':
      return state.phase === 'ringing' || state.phase === 'answering' ? ended('turned_away', input.atMs) : state;
    case 'transferred':
      return state.phase === 'active' ? ended('transferred', input.atMs, state.answeredAtMs) : state;
    case 'remote_terminated':
      if (state.phase === 'active' || state.phase === 'ending') {
        const reason = input.failed ? 'failed' : state.phase === 'ending' ? 'answered' : 'remote_hangup';
        return ended(reason, input.atMs, state.answeredAtMs, input.message);
      }
      // The caller gave up before the agent's answer went through.
      return ended(input.failed ? 'failed' : 'missed', input.atMs, undefined, input.message);
    case 'failed': {
      const answeredAtMs = 'answeredAtMs' in state ? state.answeredAtMs : undefined;
      return ended('failed', input.atMs, answeredAtMs, input.message);
    }
  }
}

export function isLive(state: CallState): boolean {
  return state.phase !== 'ended';
}

/** Phases in which the call is picked up (or placed) and holds the agent: ending it needs `terminate`. */
export const ENGAGED_PHASES: readonly CallPhase[] = ['pre_accepted', 'dialing', 'remote_ringing', 'active', 'ending'];

/** True when Meta considers the call picked up, so ending it needs `terminate` rather than `reject`. */
export function needsTerminate(state: CallState): boolean {
  return ENGAGED_PHASES.includes(state.phase);
}
