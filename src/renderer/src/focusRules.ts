/** Whether keys pressed here belong to a form control the agent works in: typing, choosing an option, ticking. */
export function isFormControl(target: Element | null): boolean {
  return target?.closest('input, textarea, select, [contenteditable="true"]') != null;
}

/** Inputs that hold no text the agent types: a ringing call may move the page away from them. */
const NOT_TEXT = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** Whether the agent is typing text somewhere (notes, search, a number, a setting) that a tab change would drop. */
export function agentIsTyping(): boolean {
  const focused = document.activeElement;
  if (focused instanceof HTMLInputElement) return !NOT_TEXT.has(focused.type);
  return focused instanceof HTMLTextAreaElement || (focused instanceof HTMLElement && focused.isContentEditable);
}

/**
 * Whether no control holds the keyboard. Only then may a new card take the focus: moved from a control the agent
 * is using, their next Space or Enter would act on a call (answer it, hold a caller) they never chose.
 */
export function focusIsFree(): boolean {
  const focused = document.activeElement;
  return focused === null || focused === document.body || focused === document.documentElement;
}
