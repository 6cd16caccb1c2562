import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../i18n';
import { shortcutsFor, type ShortcutAction } from '../../../shared/shortcuts';
import { savePreferences } from '../actions';
import { usePhone } from '../store';

const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];

export function PreferencesPanel() {
  const { t } = useTranslation();
  const prefs = usePhone((s) => s.status?.preferences);
  /** Where a shortcut went when its letter was given to another action. */
  const [moved, setMoved] = useState<string>();
  if (!prefs) return null;
  const actionText = (action: ShortcutAction) => t(`preferences.${action}`);
  const chooseKey = async (action: ShortcutAction, letter: string) => {
    // A letter taken from another action gives that action this one's old letter (a swap): no action is left
    // without a key unknown to the agent, who is told where it went.
    const now = shortcutsFor(prefs.shortcutKeys);
    const holder = now.find((s) => s.action !== action && s.key === letter.toLowerCase());
    const mine = now.find((s) => s.action === action)?.key.toUpperCase() ?? '';
    const keys = Object.fromEntries(now.filter((s) => s.key).map((s) => [s.action, s.key.toUpperCase()]));
    keys[action] = letter;
    if (holder) {
      if (mine) keys[holder.action] = mine;
      else delete keys[holder.action];
    }
    await savePreferences({ shortcutKeys: keys });
    setMoved(
      holder &&
        (mine
          ? t('preferences.shortcutMoved', { action: actionText(holder.action), letter: mine })
          : t('preferences.shortcutCleared', { action: actionText(holder.action) })),
    );
  };
  return (
    <section className="card preferences" data-testid="preferences-panel">
      <h2>{t('preferences.title')}</h2>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="auto-answer"
          checked={prefs.autoAnswer}
          onChange={(e) => void savePreferences({ autoAnswer: e.target.checked })}
        />
        {t('preferences.autoAnswer')}
      </label>
      <fieldset className="field">
        <legend>{t('preferences.whenAway')}</legend>
        <label className="radio">
          <input
            type="radio"
            name="away"
            data-testid="away-ring_out"
            checked={prefs.awayAction === 'ring_out'}
            onChange={() => void savePreferences({ awayAction: 'ring_out' })}
          />
          {t('preferences.ringOut')}
        </label>
        <label className="radio">
          <input
            type="radio"
            name="away"
            data-testid="away-reject"
            checked={prefs.awayAction === 'reject'}
            onChange={() => void savePreferences({ awayAction: 'reject' })}
          />
          {t('preferences.rejectAway')}
        </label>
      </fieldset>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="close-to-tray"
          checked={prefs.closeToTray ?? true}
          onChange={(e) => void savePreferences({ closeToTray: e.target.checked })}
        />
        {t('preferences.closeToTray')}
      </label>
      <label className="field">
        <span>{t('preferences.appearance')}</span>
        <select
          data-testid="theme"
          value={prefs.theme ?? 'system'}
          onChange={(e) => void savePreferences({ theme: e.target.value as 'system' | 'light' | 'dark' })}
        >
          <option value="system">{t('preferences.themeSystem')}</option>
          <option value="light">{t('preferences.themeLight')}</option>
          <option value="dark">{t('preferences.themeDark')}</option>
        </select>
      </label>
      <label className="field">
        <span>{t('preferences.language')}</span>
        <select
          data-testid="language"
          value={prefs.language ?? ''}
          onChange={(e) => void savePreferences({ language: e.target.value || undefined })}
        >
          <option value="">{t('preferences.languageSystem')}</option>
          {LANGUAGES.map((l) => (
            <option key={l.tag} value={l.tag} lang={l.tag}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <h3>{t('preferences.shortcuts')}</h3>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="global-shortcuts"
          checked={prefs.globalShortcuts ?? false}
          onChange={(e) => void savePreferences({ globalShortcuts: e.target.checked })}
        />
        {t('preferences.globalShortcuts')}
      </label>
      <ul className="shortcuts">
        {shortcutsFor(prefs.shortcutKeys).map((s) => (
          <li key={s.action}>
            <label>
              <span>{actionText(s.action)}: Ctrl+Shift+</span>
              <select
                data-testid={`shortcut-${s.action}`}
                aria-label={t('preferences.shortcutFor', { action: actionText(s.action) })}
                value={s.key.toUpperCase()}
                onChange={(e) => void chooseKey(s.action, e.target.value)}
              >
                {!s.key && <option value="">–</option>}
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
      <p role="status" data-testid="shortcut-moved">
        {moved}
      </p>
    </section>
  );
}
