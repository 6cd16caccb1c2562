import { SHORTCUTS } from '../../../shared/shortcuts';
import { savePreferences } from '../actions';
import { usePhone } from '../store';

export function PreferencesPanel() {
  const prefs = usePhone((s) => s.status?.preferences);
  if (!prefs) return null;
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
        {SHORTCUTS.map((s) => (
          <li key={s.action}>
            <kbd>{s.label}</kbd> {s.action === 'hangup' ? 'hang up' : s.action}
          </li>
        ))}
      </ul>
    </section>
  );
}
