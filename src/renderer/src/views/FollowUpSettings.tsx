import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isTemplateLanguage, isTemplateName } from '../../../shared/graphSchemas';
import { DEFAULT_FOLLOW_UP_TEXT } from '../../../shared/historySchemas';
import { CALL_BUTTON_LABEL_MAX } from '../../../shared/followUpButton';
import { savePreferences } from '../actions';
import { usePhone } from '../store';
import { PanelError, useSectionSaver } from './SectionSave';
import { TemplateLanguageSelect } from './TemplateLanguageSelect';

/** What a missed caller is sent, and the approved template for customers outside the 24-hour window. */
export function FollowUpSettings() {
  const { t, i18n } = useTranslation();
  const prefs = usePhone((s) => s.status?.preferences);
  const [initial] = useState(() => ({
    text: prefs?.followUpText ?? DEFAULT_FOLLOW_UP_TEXT,
    template: prefs?.followUpTemplate?.name ?? '',
    language: prefs?.followUpTemplate?.language ?? 'en',
    button: prefs?.followUpCallButton ?? '',
  }));
  const [text, setText] = useState(initial.text);
  const [template, setTemplate] = useState(initial.template);
  const [language, setLanguage] = useState(initial.language);
  const [button, setButton] = useState(initial.button);
  const [error, setError] = useState<string>();

  const refuse = (message: string): boolean => {
    setError(message);
    return false;
  };
  async function save(): Promise<boolean> {
    if (text.trim() === '' || text.length > 4096) return refuse(t('followUp.textRule'));
    if (template !== '' && (!isTemplateName(template) || !isTemplateLanguage(language)))
      return refuse(t('followUp.templateRule'));
    if (button.trim().length > CALL_BUTTON_LABEL_MAX) return refuse(t('followUp.callButtonRule'));
    setError(undefined);
    await savePreferences({
      followUpText: text.trim(),
      followUpTemplate: template === '' ? undefined : { name: template, language },
      followUpCallButton: button.trim() === '' ? undefined : button.trim(),
    });
    return true;
  }
  const changed =
    text !== initial.text ||
    template !== initial.template ||
    language !== initial.language ||
    button !== initial.button;
  useSectionSaver('followUp', changed, save);

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
        <TemplateLanguageSelect
          testId="follow-up-language"
          value={language}
          onChange={setLanguage}
          uiLanguage={i18n.language}
        />
      </label>
      <PanelError error={error} />
    </section>
  );
}
