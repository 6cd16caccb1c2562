import type { ShortcutAction } from '../../shared/shortcuts';
import { api } from './bridge';
import { answerCall, hangupCall, holdAndAnswer, holdCall, rejectCall, resumeCall, setMuted } from './callController';
import { stepAskedByKeys } from './focusRules';
import { selectActive, selectHeld, selectRinging, usePhone, type PhoneState } from './store';

/** The call step a shortcut asks for now, if any. */
function stepFor(action: ShortcutAction, state: PhoneState): (() => Promise<unknown>) | undefined {
  const ringing = selectRinging(state).find((c) => c.phase === 'ringing');
  const active = selectActive(state);
  const held = selectHeld(state);
  if (action === 'answer' && ringing)
    return () => (active ? holdAndAnswer(ringing.callId) : answerCall(ringing.callId));
  if (action === 'reject' && ringing) return () => rejectCall(ringing.callId);
  if (action === 'hold' && held) return () => resumeCall(held.callId);
  if (action === 'hold' && active?.phase === 'active') return () => holdCall(active.callId);
  const ending = active ?? held;
  if (action === 'hangup' && ending) return () => hangupCall(ending.callId);
  return undefined;
}

/**
 * Keyboard shortcuts act on the oldest ringing call or the live one; answering during a call holds that one. Hold
 * takes back the held call (swapping with the live one) or holds the live one; Hang up ends the live call, else the
 * one on hold. A step lets the control that comes next take the focus from a tab, as a click on its button would.
 */
export async function runShortcut(action: ShortcutAction): Promise<void> {
  const state = usePhone.getState();
  const active = selectActive(state);
  if (action === 'mute') {
    if (active) setMuted(active.callId, !(state.media[active.callId]?.muted ?? false));
    return;
  }
  const step = stepFor(action, state);
  if (!step) return;
  stepAskedByKeys();
  await step();
}

/** Shortcuts pressed outside the window (Electron's global shortcuts) arrive from main. */
export function listenForShortcuts(): void {
  api.on('shortcut:pressed', ({ action }) => void runShortcut(action));
}
