import { shortcutsFor, type ShortcutAction } from '../../../shared/shortcuts';
import { savePreferences } from '../actions';
import { usePhone } from '../store';

const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const ACTION_TEXT: Record<ShortcutAction, string> = {
  answer: 'answer',
  reject: 'reject',
  mute: 'mute',
  hangup: 'hang up',
};

export function PreferencesPanel() {
  const prefs = usePhone((s) => s.status?.preferences);
  if (!prefs) return null;
  const chooseKey = (action: ShortcutAction, letter: string) => {
    // A letter moves to the action that chose it; the action that had it is left without one until given another.
    const others = Object.fromEntries(Object.entries(prefs.shortcutKeys ?? {}).filter(([, key]) => key !== letter));
    return savePreferences({ shortcutKeys: { ...others, [action]: letter } });
  };
  return (
    <section className="card preferences" data-testid="preferences-panel">
      <h2>Answering</h2>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="auto-answer"
          checked={prefs.autoAnswer}
          onChange={(e) => void savePreferences({ autoAnswer: e.target.checked })}
        />
        Answer calls automatically when I am available
      </label>
      <fieldset className="field">
        <legend>When I am away</legend>
        <label className="radio">
          <input
            type="radio"
            name="away"
            data-testid="away-ring_out"
            checked={prefs.awayAction === 'ring_out'}
            onChange={() => void savePreferences({ awayAction: 'ring_out' })}
          />
          Let calls ring out (they show as missed)
        </label>
        <label className="radio">
          <input
            type="radio"
            name="away"
            data-testid="away-reject"
            checked={prefs.awayAction === 'reject'}
            onChange={() => void savePreferences({ awayAction: 'reject' })}
          />
          Reject calls at once
        </label>
      </fieldset>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="close-to-tray"
          checked={prefs.closeToTray ?? true}
          onChange={(e) => void savePreferences({ closeToTray: e.target.checked })}
        />
        Closing the window keeps the phone running in the tray (desktop app only)
      </label>
      <label className="field">
        <span>Appearance</span>
        <select
          data-testid="theme"
          value={prefs.theme ?? 'system'}
          onChange={(e) => void savePreferences({ theme: e.target.value as 'system' | 'light' | 'dark' })}
        >
          <option value="system">As the system</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
      </label>
      <h3>Keyboard shortcuts</h3>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="global-shortcuts"
          checked={prefs.globalShortcuts ?? false}
          onChange={(e) => void savePreferences({ globalShortcuts: e.target.checked })}
        />
        Also when another application is in front (desktop app only)
      </label>
      <ul className="shortcuts">
        {shortcutsFor(prefs.shortcutKeys).map((s) => (
          <li key={s.action}>
            <label>
              <span>{ACTION_TEXT[s.action]}: Ctrl+Shift+</span>
              <select
                data-testid={`shortcut-${s.action}`}
                aria-label={`Shortcut letter to ${ACTION_TEXT[s.action]}`}
                value={s.key.toUpperCase()}
                onChange={(e) => void chooseKey(s.action, e.target.value)}
              >
                {!s.key && <option value="">none</option>}
                {LETTERS.map((letter) => (
                  <option key={letter} value={letter}>
                    {letter}
                  </option>
                ))}
              </select>
            </label>
          </li>
        ))}
      </ul>
    </section>
  );
}
