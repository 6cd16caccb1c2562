import { z } from 'zod';

export const ShortcutAction = z.enum(['answer', 'reject', 'mute', 'hold', 'hangup']);
export type ShortcutAction = z.infer<typeof ShortcutAction>;

/** The letter pressed with Ctrl+Shift (Cmd+Shift on a Mac) for each action; the agent may change them. */
export const ShortcutKeys = z
  .partialRecord(ShortcutAction, z.string().regex(/^[A-Z]$/, 'a shortcut is one letter, A to Z'))
  .refine((keys) => new Set(Object.values(keys)).size === Object.values(keys).length, 'two actions cannot share a key');
export type ShortcutKeys = z.infer<typeof ShortcutKeys>;

export const DEFAULT_SHORTCUT_KEYS: Record<ShortcutAction, string> = {
  answer: 'A',
  reject: 'R',
  mute: 'M',
  // L (hoLd): Ctrl+Shift+O would open a browser's bookmarks.
  hold: 'L',
  hangup: 'H',
};

export interface Shortcut {
  action: ShortcutAction;
  /** The letter, lower case, as KeyboardEvent.key reports it with Shift held... */
  key: string;
  /** ...and as Electron's globalShortcut names it. */
  accelerator: string;
  label: string;
}

/** One list for the window's keys and Electron's global shortcuts, with the agent's choices applied. */
export function shortcutsFor(keys: ShortcutKeys = {}): Shortcut[] {
  const merged = { ...DEFAULT_SHORTCUT_KEYS, ...keys };
  // A chosen letter takes precedence over a default that used it.
  const taken = new Set(Object.values(keys));
  return ShortcutAction.options.map((action) => {
    const letter = keys[action] ?? (taken.has(merged[action]) ? '' : merged[action]);
    return {
      action,
      key: letter.toLowerCase(),
      accelerator: letter ? `CommandOrControl+Shift+${letter}` : '',
      label: letter ? `Ctrl+Shift+${letter}` : 'none',
    };
  });
}

export function shortcutFor(
  event: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean },
  keys: ShortcutKeys = {},
): ShortcutAction | undefined {
  if (!(event.ctrlKey || event.metaKey) || !event.shiftKey || event.altKey) return undefined;
  const pressed = event.key.toLowerCase();
  return shortcutsFor(keys).find((s) => s.key !== '' && s.key === pressed)?.action;
}
