import { describe, expect, it } from 'vitest';
import { AgentPreferences, DEFAULT_PREFERENCES } from './settingsSchemas';
import { shortcutFor, shortcutsFor } from './shortcuts';

const press = (key: string) => ({ key, ctrlKey: true, metaKey: false, shiftKey: true, altKey: false });

describe('shortcuts', () => {
  it('uses Ctrl+Shift and the default letters', () => {
    expect(shortcutFor(press('A'))).toBe('answer');
    expect(shortcutFor(press('h'))).toBe('hangup');
    expect(shortcutFor(press('L'))).toBe('hold');
    expect(shortcutFor({ ...press('A'), shiftKey: false })).toBeUndefined();
    expect(shortcutFor({ ...press('A'), altKey: true })).toBeUndefined();
  });

  it('follows the agent’s letters, and a default taken by another action no longer fires', () => {
    const keys = { answer: 'R' };
    expect(shortcutFor(press('R'), keys)).toBe('answer');
    expect(shortcutFor(press('A'), keys)).toBeUndefined();
    expect(shortcutsFor(keys).find((s) => s.action === 'reject')).toMatchObject({ key: '', label: 'none' });
    expect(shortcutsFor(keys).find((s) => s.action === 'answer')?.accelerator).toBe('CommandOrControl+Shift+R');
  });

  it('refuses two actions on one letter, and anything but one letter', () => {
    expect(
      AgentPreferences.safeParse({ ...DEFAULT_PREFERENCES, shortcutKeys: { answer: 'Q', mute: 'Q' } }).success,
    ).toBe(false);
    expect(AgentPreferences.safeParse({ ...DEFAULT_PREFERENCES, shortcutKeys: { answer: 'F5' } }).success).toBe(false);
    expect(AgentPreferences.safeParse({ ...DEFAULT_PREFERENCES, shortcutKeys: { answer: 'Q' } }).success).toBe(true);
  });
});
