import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_WRAP_UP_CODES, WRAP_UP_NOTES_MAX } from '../../../shared/historySchemas';
import { saveWrapUp } from '../actions';
import { useNow } from '../hooks/useNow';
import { draftOf, usePhone } from '../store';
import { callerLabel, formatDuration, outcomeLabel } from './format';
import { Name } from './Who';
import { resultText } from './Said';

/**
 * One answered call's outcome and notes; what the agent enters is kept in the store until saved. `only`: no other
 * wrap-up waits, so saving this one lets calls ring again.
 */
export function WrapUpCard({ callId, sinceMs, only }: { callId: string; sinceMs: number; only: boolean }) {
  const { t } = useTranslation();
  const call = usePhone((s) => s.calls[callId]);
  const autoReturnAtMs = usePhone((s) => s.status?.wrapUp?.autoReturnAtMs);
  // A desk with wrap-up turned off still writes up a call the team relay holds it in after-call work for.
  // The team's codes, when an admin set them centrally, come first; then the desk's own; then the defaults.
  const codes = usePhone((s) =>
    s.status?.relay?.wrapUpCodes?.length
      ? s.status.relay.wrapUpCodes
      : s.status?.preferences.wrapUpCodes?.length
        ? s.status.preferences.wrapUpCodes
        : DEFAULT_WRAP_UP_CODES,
  );
  const { outcome, notes } = usePhone((s) => draftOf(s, callId));
  const edit = usePhone((s) => s.editWrapUp);
  const now = useNow(1000);
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const titleId = `wrap-up-title-${callId}`;

  async function save(): Promise<void> {
    if (!outcome) return setError(t('wrapUp.chooseOutcome'));
    // Refused with a sentence, never cut short: the agent decides what to drop.
    if (notes.length > WRAP_UP_NOTES_MAX)
      return setError(t('wrapUp.tooLong', { max: WRAP_UP_NOTES_MAX, count: notes.length }));
    setSaving(true);
    const result = await saveWrapUp({ callId, outcome, notes });
    setSaving(false);
    if (!result.ok) return setError(resultText(result, t));
    if (usePhone.getState().shownEndedId === callId) usePhone.getState().dismissEnded();
  }

  return (
    <section className="card wrap-up" data-testid="wrap-up" data-call-id={callId} aria-labelledby={titleId}>
      <h2 id={titleId}>
        {t('wrapUp.title')}
        {call && (
          <>
            {' · '}
            <Name value={callerLabel(call, t('incoming.unknownCaller')).name} />
          </>
        )}
      </h2>
      <p className="label" data-testid="wrap-up-timer">
        {t('wrapUp.timer', { time: formatDuration(now - sinceMs) })}
        {autoReturnAtMs !== undefined && ` · ${t('wrapUp.autoReturn', { time: formatDuration(autoReturnAtMs - now) })}`}
      </p>
      <fieldset className="field">
        <legend>{t('wrapUp.outcome')}</legend>
        {codes.map((code) => (
          <label key={code} className="radio">
            <input
              type="radio"
              name={`outcome-${callId}`}
              data-testid={`wrap-up-outcome-${code}`}
              checked={outcome === code}
              onChange={() => edit(callId, { outcome: code })}
            />
            {outcomeLabel(code, t)}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('wrapUp.notes')}</span>
        <textarea
          data-testid="wrap-up-notes"
          rows={4}
          value={notes}
          onChange={(e) => edit(callId, { notes: e.target.value })}
        />
      </label>
      {error && (
        <p className="error" role="alert" data-testid="wrap-up-error">
          {error}
        </p>
      )}
      <div className="actions">
        <button className="answer" data-testid="wrap-up-save" disabled={saving} onClick={() => void save()}>
          {saving ? t('wrapUp.saving') : only ? t('wrapUp.save') : t('wrapUp.saveOne')}
        </button>
      </div>
    </section>
  );
}
