import type { ShortcutAction } from '../../shared/shortcuts';
import { api } from './bridge';
import { answerCall, hangupCall, holdAndAnswer, rejectCall, setMuted } from './callController';
import { selectActive, selectRinging, usePhone } from './store';

/** Keyboard shortcuts act on the oldest ringing call or the live one; answering during a call holds that one. */
export async function runShortcut(action: ShortcutAction): Promise<void> {
  const state = usePhone.getState();
  const ringing = selectRinging(state).find((c) => c.phase === 'ringing');
  const active = selectActive(state);
  if (action === 'answer' && ringing) await (active ? holdAndAnswer(ringing.callId) : answerCall(ringing.callId));
  else if (action === 'reject' && ringing) await rejectCall(ringing.callId);
  else if (action === 'mute' && active) setMuted(active.callId, !(state.media[active.callId]?.muted ?? false));
  else if (action === 'hangup' && active) await hangupCall(active.callId);
}

/** Shortcuts pressed outside the window (Electron's global shortcuts) arrive from main. */
export function listenForShortcuts(): void {
  api.on('shortcut:pressed', ({ action }) => void runShortcut(action));
}
