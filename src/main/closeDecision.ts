/** What closing the phone's window does: hide to the tray, ask first (a call would end), or close for good. */
export type CloseDecision = 'close' | 'hide' | 'ask';

export function closeDecision(facts: { quitting: boolean; closeToTray: boolean; liveCall: boolean }): CloseDecision {
  if (facts.quitting) return 'close';
  // Hidden, the window keeps the call's audio running: the safe default for a phone that must keep ringing.
  if (facts.closeToTray) return 'hide';
  return facts.liveCall ? 'ask' : 'close';
}
