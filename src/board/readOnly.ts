/**
 * A form a supervisor may read but not change: its text stays selectable (read-only), while buttons, choices and
 * boxes are off, so nothing on it invites a save the relay would refuse.
 */
export function readOnlyControls(root: HTMLElement): void {
  for (const control of root.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input, textarea')) {
    const choice = control instanceof HTMLInputElement && ['checkbox', 'radio'].includes(control.type);
    if (choice) control.disabled = true;
    else control.readOnly = true;
  }
  for (const control of root.querySelectorAll<HTMLButtonElement | HTMLSelectElement>('button, select'))
    control.disabled = true;
}
