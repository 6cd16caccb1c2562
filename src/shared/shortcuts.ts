export type ShortcutAction = 'answer' | 'reject' | 'mute' | 'hangup';

/** One list for the window's keys and Electron's global shortcuts. */
export const SHORTCUTS: ReadonlyArray<{ action: ShortcutAction; key: string; accelerator: string; label: string }> = [
  { action: 'answer', key: 'a', accelerator: 'CommandOrControl+Shift+A', label: 'Ctrl+Shift+A' },
  { action: 'reject', key: 'r', accelerator: 'CommandOrControl+Shift+R', label: 'Ctrl+Shift+R' },
  { action: 'mute', key: 'm', accelerator: 'CommandOrControl+Shift+M', label: 'Ctrl+Shift+M' },
  { action: 'hangup', key: 'h', accelerator: 'CommandOrControl+Shift+H', label: 'Ctrl+Shift+H' },
];

export function shortcutFor(event: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}): ShortcutAction | undefined {
  if (!(event.ctrlKey || event.metaKey) || !event.shiftKey || event.altKey) return undefined;
  return SHORTCUTS.find((s) => s.key === event.key.toLowerCase())?.action;
}
