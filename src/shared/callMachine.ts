import { z } from 'zod';

export const EndReason = z.enum(['answered', 'rejected', 'missed', 'failed', 'remote_hangup', 'answered_elsewhere']);
export type EndReason = z.infer<typeof EndReason>;

export const CallPhase = z.enum(['ringing', 'answering', 'pre_accepted', 'active', 'ending', 'ended']);
export type CallPhase = z.infer<typeof CallPhase>;

export type CallState =
  | { phase: 'ringing' }
  | { phase: 'answering' }
  | { phase: 'pre_accepted' }
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
      return state.phase === 'active' ? { phase: 'ending', answeredAtMs: state.answeredAtMs } : state;
    case 'terminate_sent':
      return state.phase === 'ending' ? ended('answered', input.atMs, state.answeredAtMs, input.message) : state;
    case 'ring_timeout':
      return state.phase === 'ringing' ? ended('missed', input.atMs) : state;
    case 'taken_elsewhere':
      return state.phase === 'ringing' ? ended('answered_elsewhere', input.atMs) : state;
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

/** True when Meta considers the call picked up, so ending it needs `terminate` rather than `reject`. */
export function needsTerminate(state: CallState): boolean {
  return state.phase === 'pre_accepted' || state.phase === 'active' || state.phase === 'ending';
}
