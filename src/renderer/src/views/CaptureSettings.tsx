import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ANNOUNCEMENT_LANGUAGES, CAPTURE_PURPOSE_MAX, type CapturePreference } from '../../../shared/metaCapture';
import { savePreferences } from '../actions';
import { usePhone } from '../store';
import { SaveRow } from './SaveRow';

/** Whether WhatsApp records and transcribes answered calls itself: off, every call, or the agent asks per call. */
export function CaptureSettings() {
  const { t } = useTranslation();
  const current = usePhone((s) => s.status?.preferences.capture);
  const [mode, setMode] = useState<CapturePreference['mode']>(current?.mode ?? 'off');
  const [recording, setRecording] = useState(current?.recording ?? true);
  const [transcription, setTranscription] = useState(current?.transcription ?? false);
  const [purpose, setPurpose] = useState(current?.purpose ?? '');
  const [language, setLanguage] = useState<CapturePreference['language']>(current?.language ?? 'en');
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  async function save(): Promise<void> {
    setSaved(false);
    if (mode !== 'off' && !recording && !transcription) return setError(t('capture.kindRule'));
    if (mode !== 'off' && (purpose.trim() === '' || purpose.length > CAPTURE_PURPOSE_MAX))
      return setError(t('capture.purposeRule'));
    setError(undefined);
    await savePreferences({
      capture:
        mode === 'off' && purpose.trim() === ''
          ? undefined
          : { mode, recording, transcription, purpose: purpose.trim(), language },
    });
    setSaved(true);
  }

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
              {code}
            </option>
          ))}
        </select>
      </label>
      <SaveRow
        error={error}
        saved={saved}
        onSave={save}
        label={t('capture.save')}
        testId="capture-save"
        errorTestId="capture-error"
      />
    </section>
  );
}
