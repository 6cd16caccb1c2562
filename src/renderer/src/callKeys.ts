import { summarizeSdp } from '../../shared/sdpChecks';
import { sendDtmf } from './actions';
import { isFormControl } from './focusRules';
import { selectActive, usePhone } from './store';

const DTMF_KEYS = /^[0-9*#]$/;

/**
 * Keys that act on the call when the agent is not typing: digits and * # send DTMF on a live call that offers
 * it, Escape closes the summary of an ended call. Returns whether the key was used.
 */
export function keyForCall(event: KeyboardEvent): boolean {
  if (isFormControl(event.target as Element | null) || event.ctrlKey || event.metaKey || event.altKey) return false;
  const state = usePhone.getState();
  if (event.key === 'Escape' && state.shownEndedId && !selectActive(state)) {
    state.dismissEnded();
    return true;
  }
  const active = selectActive(state);
  if (!active || active.phase !== 'active' || !DTMF_KEYS.test(event.key)) return false;
  if (!active.sdpOffer || summarizeSdp(active.sdpOffer).telephoneEvent8k === undefined) return false;
  event.preventDefault();
  void sendDtmf(active.callId, event.key);
  return true;
}
