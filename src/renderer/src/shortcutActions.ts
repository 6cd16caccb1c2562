import type { ShortcutAction } from '../../shared/shortcuts';
import { api } from './bridge';
import { answerCall, hangupCall, holdAndAnswer, holdCall, rejectCall, resumeCall, setMuted } from './callController';
import { selectActive, selectHeld, selectRinging, usePhone } from './store';

/**
 * Keyboard shortcuts act on the oldest ringing call or the live one; answering during a call holds that one. Hold
 * takes back the held call (swapping with the live one) or holds the live one; Hang up ends the live call, else the
 * one on hold.
 */
export async function runShortcut(action: ShortcutAction): Promise<void> {
  const state = usePhone.getState();
  const ringing = selectRinging(state).find((c) => c.phase === 'ringing');
  const active = selectActive(state);
  const held = selectHeld(state);
  if (action === 'answer' && ringing) await (active ? holdAndAnswer(ringing.callId) : answerCall(ringing.callId));
  else if (action === 'reject' && ringing) await rejectCall(ringing.callId);
  else if (action === 'mute' && active) setMuted(active.callId, !(state.media[active.callId]?.muted ?? false));
  else if (action === 'hold' && held) await resumeCall(held.callId);
  else if (action === 'hold' && active?.phase === 'active') await holdCall(active.callId);
  else if (action === 'hangup' && (active ?? held)) await hangupCall((active ?? held)!.callId);
}

/** Shortcuts pressed outside the window (Electron's global shortcuts) arrive from main. */
export function listenForShortcuts(): void {
  api.on('shortcut:pressed', ({ action }) => void runShortcut(action));
}
