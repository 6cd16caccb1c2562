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

/** Marks a control the page itself put the focus on, until the agent does anything there. */
const LANDED = 'data-focus-landed';

/**
 * Whether no control holds the keyboard, or only one the page put it on and the agent has not used since. Only
 * then may a new card take the focus: moved from a control the agent is using, their next Space or Enter would act
 * on a call (answer it, hold a caller) they never chose.
 */
export function focusIsFree(): boolean {
  const focused = document.activeElement;
  if (focused === null || focused === document.body || focused === document.documentElement) return true;
  return focused.hasAttribute(LANDED);
}

/** Marks a box an idle agent waits in (the dial box): while nothing is typed in it, a ring may take the focus. */
export const IDLE_WHEN_EMPTY = 'data-idle-when-empty';

/**
 * Whether a ringing card may put the focus on its heading: when the focus is free, or sits in the empty dial box
 * (an Enter pressed there is no work in hand, and left there the agent's Tab would pass the ring by).
 */
export function ringMayTakeFocus(): boolean {
  const focused = document.activeElement;
  if (focused instanceof HTMLInputElement && focused.hasAttribute(IDLE_WHEN_EMPTY) && focused.value === '') return true;
  return focusIsFree();
}

/** Marks a control the agent pressed a call's shortcut on, until the agent does anything there. */
const ASKED_STEP = 'data-focus-step';

/**
 * The agent asked a call step by keys (answer, reject, hold, take back, hang up): the control that comes next may
 * take the focus from one that is no part of a call (a tab, the status menu) as from the page, as it would after a
 * click on the step's own button. Never from text being typed, nor from a call's own controls.
 */
export function stepAskedByKeys(): void {
  const focused = document.activeElement;
  if (!(focused instanceof HTMLElement) || focusIsFree() || agentIsTyping()) return;
  if (focused.closest('[data-call-id]')) return;
  focused.setAttribute(ASKED_STEP, '');
  const done = new AbortController();
  const used = () => {
    focused.removeAttribute(ASKED_STEP);
    done.abort();
  };
  for (const event of ['keydown', 'pointerdown', 'input', 'blur']) {
    focused.addEventListener(event, used, { once: true, signal: done.signal });
  }
}

/**
 * Puts the focus on the control that comes next after a step (Mute after Answer, Take back after Hold, the next
 * outcome after Save) when the step's own button is gone and the focus would otherwise fall to the page.
 * `yieldsToRing`: a call ringing next may take the focus from it (an idle place: the dial box, an OK). A control
 * that acts on a call the agent has (Mute, Take back, an outcome) keeps it: a ring must not turn the Space meant
 * for it into answering a caller the agent never chose.
 */
export function landFocus(target: HTMLElement | null | undefined, yieldsToRing = false): void {
  if (!target || !(focusIsFree() || document.activeElement?.hasAttribute(ASKED_STEP))) return;
  if (yieldsToRing) target.setAttribute(LANDED, '');
  else target.removeAttribute(LANDED);
  const used = () => target.removeAttribute(LANDED);
  for (const event of ['keydown', 'pointerdown', 'input', 'blur']) target.addEventListener(event, used, { once: true });
  target.focus();
}

/** Set while one render removes the control the agent was on to make way for a ringing call. */
let focusDroppedForRing = false;

/**
 * A card leaving because a call rings (a summary a new ring replaces) calls this as it goes: when the focus was
 * inside it, the ringing card takes the focus on its heading, never on Answer, so the Enter or Space the agent meant
 * for the old card answers nothing. Read by `takeFocusDroppedForRing` in the same render, then forgotten.
 */
export function focusDroppedByRing(card: HTMLElement | null): void {
  if (!card?.contains(document.activeElement)) return;
  focusDroppedForRing = true;
  queueMicrotask(() => {
    focusDroppedForRing = false;
  });
}

/** Whether the ringing card now shown replaced the control that had the focus (once: the first card takes it). */
export function takeFocusDroppedForRing(): boolean {
  const dropped = focusDroppedForRing;
  focusDroppedForRing = false;
  return dropped;
}

/**
 * Whether the page put the focus on a call summary that stays beside a ring (a failure's OK): the ringing card then
 * takes it on its heading, as when a summary it replaces goes, so the Enter meant for OK answers nothing.
 */
export function focusLandedOnSummary(): boolean {
  return focusIsFree() && document.activeElement?.closest('.card.ended') != null;
}

/** Calls held by Hold and answer: the answered call's card is due the focus, not the held one's Take back. */
const heldToAnswer = new Set<string>();

/** Hold and answer holds this call: its card leaves the focus to the call being answered. */
export function holdingToAnswer(callId: string, holding: boolean): void {
  if (holding) heldToAnswer.add(callId);
  else heldToAnswer.delete(callId);
}

/** Whether this call was held to answer another (asked once, when its held card appears). */
export function heldToAnswerAnother(callId: string): boolean {
  return heldToAnswer.delete(callId);
}
