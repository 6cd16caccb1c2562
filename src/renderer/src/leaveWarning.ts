import type { CallView } from '../../shared/ipcContract';
import type { WrapUpDraft } from './store';

/**
 * Whether leaving the page now would lose something the agent cannot get back: a call that rings or goes on (its
 * audio lives in this page) or wrap-up notes not yet saved.
 */
export function leavingLoses(calls: Record<string, CallView>, drafts: Record<string, WrapUpDraft>): boolean {
  const liveCall = Object.values(calls).some((call) => call.phase !== 'ended');
  const unsavedNotes = Object.values(drafts).some((draft) => draft.notes.trim() !== '');
  return liveCall || unsavedNotes;
}
