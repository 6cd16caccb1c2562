import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isTemplateLanguage, isTemplateName } from '../../../shared/graphSchemas';
import { DEFAULT_FOLLOW_UP_TEXT } from '../../../shared/historySchemas';
import { CALL_BUTTON_LABEL_MAX } from '../../../shared/followUpButton';
import { savePreferences } from '../actions';
import { usePhone } from '../store';
import { SaveRow } from './SaveRow';

/** What a missed caller is sent, and the approved template for customers outside the 24-hour window. */
export function FollowUpSettings() {
  const { t } = useTranslation();
  const prefs = usePhone((s) => s.status?.preferences);
  const [text, setText] = useState(prefs?.followUpText ?? DEFAULT_FOLLOW_UP_TEXT);
  const [template, setTemplate] = useState(prefs?.followUpTemplate?.name ?? '');
  const [language, setLanguage] = useState(prefs?.followUpTemplate?.language ?? 'en');
  const [button, setButton] = useState(prefs?.followUpCallButton ?? '');
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  async function save(): Promise<void> {
    setSaved(false);
    if (text.trim() === '' || text.length > 4096) return setError(t('followUp.textRule'));
    if (template !== '' && (!isTemplateName(template) || !isTemplateLanguage(language)))
      return setError(t('followUp.templateRule'));
    if (button.trim().length > CALL_BUTTON_LABEL_MAX) return setError(t('followUp.callButtonRule'));
    setError(undefined);
    await savePreferences({
      followUpText: text.trim(),
      followUpTemplate: template === '' ? undefined : { name: template, language },
      followUpCallButton: button.trim() === '' ? undefined : button.trim(),
    });
    setSaved(true);
  }

  return (
    <section className="card" data-testid="follow-up-settings">
      <h2>{t('followUp.title')}</h2>
      <label className="field">
        <span>{t('followUp.text')}</span>
        <textarea data-testid="follow-up-text" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('followUp.callButton')}</span>
        <input
          data-testid="follow-up-call-button"
          value={button}
          maxLength={40}
          onChange={(e) => setButton(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('followUp.template')}</span>
        <input data-testid="follow-up-template" value={template} onChange={(e) => setTemplate(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('followUp.language')}</span>
        <input data-testid="follow-up-language" value={language} onChange={(e) => setLanguage(e.target.value)} />
      </label>
      <SaveRow error={error} saved={saved} onSave={save} label={t('followUp.save')} testId="follow-up-save" />
    </section>
  );
}
