import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ANNOUNCEMENT_LANGUAGES, CAPTURE_PURPOSE_MAX, type CapturePreference } from '../../../shared/metaCapture';
import { savePreferences } from '../actions';
import { usePhone } from '../store';
import { PanelError, useSectionSaver } from './SectionSave';
import { languageName } from './TemplateLanguageSelect';

/** Whether WhatsApp records and transcribes answered calls itself: off, every call, or the agent asks per call. */
export function CaptureSettings() {
  const { t, i18n } = useTranslation();
  const current = usePhone((s) => s.status?.preferences.capture);
  const [initial] = useState(() => ({
    mode: current?.mode ?? 'off',
    recording: current?.recording ?? true,
    transcription: current?.transcription ?? false,
    purpose: current?.purpose ?? '',
    language: current?.language ?? 'en',
  }));
  const [mode, setMode] = useState<CapturePreference['mode']>(initial.mode);
  const [recording, setRecording] = useState(initial.recording);
  const [transcription, setTranscription] = useState(initial.transcription);
  const [purpose, setPurpose] = useState(initial.purpose);
  const [language, setLanguage] = useState<CapturePreference['language']>(initial.language);
  const [error, setError] = useState<string>();

  const refuse = (message: string): boolean => {
    setError(message);
    return false;
  };
  async function save(): Promise<boolean> {
    if (mode !== 'off' && !recording && !transcription) return refuse(t('capture.kindRule'));
    if (mode !== 'off' && (purpose.trim() === '' || purpose.length > CAPTURE_PURPOSE_MAX))
      return refuse(t('capture.purposeRule'));
    setError(undefined);
    await savePreferences({
      capture:
        mode === 'off' && purpose.trim() === ''
          ? undefined
          : { mode, recording, transcription, purpose: purpose.trim(), language },
    });
    return true;
  }
  const now = { mode, recording, transcription, purpose, language };
  useSectionSaver(
    'capture',
    Object.entries(now).some(([k, v]) => v !== initial[k as keyof typeof initial]),
    save,
  );

  return (
    <section className="card" data-testid="capture-settings">
      <h2>{t('capture.title')}</h2>
      <p className="notice">{t('capture.note')}</p>
      <label className="field">
        <span>{t('capture.mode')}</span>
        <select
          data-testid="capture-mode"
          value={mode}
          onChange={(e) => setMode(e.target.value as CapturePreference['mode'])}
        >
          <option value="off">{t('capture.off')}</option>
          <option value="all">{t('capture.all')}</option>
          <option value="ask">{t('capture.ask')}</option>
        </select>
      </label>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="capture-recording"
          checked={recording}
          onChange={(e) => setRecording(e.target.checked)}
        />
        {t('capture.recording')}
      </label>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="capture-transcription"
          checked={transcription}
          onChange={(e) => setTranscription(e.target.checked)}
        />
        {t('capture.transcription')}
      </label>
      <label className="field">
        <span>{t('capture.purpose')}</span>
        <input
          data-testid="capture-purpose"
          value={purpose}
          maxLength={CAPTURE_PURPOSE_MAX + 50}
          onChange={(e) => setPurpose(e.target.value)}
        />
      </label>
      <label className="field">
        <span>{t('capture.language')}</span>
        <select
          data-testid="capture-language"
          value={language}
          onChange={(e) => setLanguage(e.target.value as CapturePreference['language'])}
        >
          {ANNOUNCEMENT_LANGUAGES.map((code) => (
            <option key={code} value={code}>
              {languageName(code, i18n.language)}
            </option>
          ))}
        </select>
      </label>
      <PanelError error={error} testId="capture-error" />
    </section>
  );
}
