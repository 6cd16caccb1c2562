import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_WRAP_UP_CODES, WRAP_UP_NOTES_MAX } from '../../../shared/historySchemas';
import { saveWrapUp } from '../actions';
import { useNow } from '../hooks/useNow';
import { usePhone } from '../store';
import { callerLabel, formatDuration } from './format';

/** After-call work: an outcome and notes for the call just ended; no call rings for the agent meanwhile. */
export function WrapUpPanel() {
  const { t } = useTranslation();
  const wrapUp = usePhone((s) => s.status?.wrapUp);
  const call = usePhone((s) => (wrapUp ? s.calls[wrapUp.callId] : undefined));
  const codes = usePhone((s) => s.status?.preferences.wrapUpCodes ?? DEFAULT_WRAP_UP_CODES);
  const now = useNow(1000);
  const [outcome, setOutcome] = useState('');
  const [notes, setNotes] = useState('');
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  if (!wrapUp) return null;

  async function save(): Promise<void> {
    if (!wrapUp) return;
    if (!outcome) return setError(t('wrapUp.chooseOutcome'));
    // Refused with a sentence, never cut short: the agent decides what to drop.
    if (notes.length > WRAP_UP_NOTES_MAX)
      return setError(t('wrapUp.tooLong', { max: WRAP_UP_NOTES_MAX, count: notes.length }));
    setSaving(true);
    const result = await saveWrapUp({ callId: wrapUp.callId, outcome, notes });
    setSaving(false);
    if (!result.ok) setError(result.error);
    else usePhone.getState().dismissEnded();
  }

  return (
    <section className="card wrap-up" data-testid="wrap-up" aria-labelledby="wrap-up-title">
      <h2 id="wrap-up-title">
        {t('wrapUp.title')}
        {call ? ` · ${callerLabel(call, t('incoming.unknownCaller')).name}` : ''}
      </h2>
      <p className="label" data-testid="wrap-up-timer">
        {t('wrapUp.timer', { time: formatDuration(now - wrapUp.sinceMs) })}
        {wrapUp.autoReturnAtMs !== undefined &&
          ` · ${t('wrapUp.autoReturn', { time: formatDuration(wrapUp.autoReturnAtMs - now) })}`}
      </p>
      <p className="notice">{t('wrapUp.noRing')}</p>
      <fieldset className="field">
        <legend>{t('wrapUp.outcome')}</legend>
        {codes.map((code) => (
          <label key={code} className="radio">
            <input
              type="radio"
              name="outcome"
              data-testid={`wrap-up-outcome-${code}`}
              checked={outcome === code}
              onChange={() => setOutcome(code)}
            />
            {code}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('wrapUp.notes')}</span>
        <textarea data-testid="wrap-up-notes" rows={4} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      {error && (
        <p className="error" role="alert" data-testid="wrap-up-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button className="answer" data-testid="wrap-up-save" disabled={saving} onClick={() => void save()}>
          {saving ? t('wrapUp.saving') : t('wrapUp.save')}
        </button>
      </div>
    </section>
  );
}
