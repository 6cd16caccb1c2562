import { Fragment, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_WRAP_UP_CODES, WRAP_UP_NOTES_MAX } from '../../../shared/historySchemas';
import type { CallView } from '../../../shared/ipcContract';
import { localizeCallErrors } from '../../../shared/whatsappWords/words';
import { keepWrapUp, saveWrapUp } from '../actions';
import { landFocus } from '../focusRules';
import { useNow } from '../hooks/useNow';
import { formatWhen } from '../i18n';
import { draftOf, usePhone } from '../store';
import { callerLabel, endKey, formatDuration, outcomeLabel } from './format';
import { Handle, Name } from './Who';
import { resultText, Said, sentenceKey } from './Said';

/** How the call ended, when, and how long the agent talked: the first line of its wrap-up card. */
function EndedLine({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const endedAtMs = call.endedAtMs ?? call.offeredAtMs;
  const talked = call.answeredAtMs && call.endedAtMs ? formatDuration(call.endedAtMs - call.answeredAtMs) : undefined;
  return (
    <p className="label" data-testid="call-ended" data-call-id={call.callId} data-reason={call.endReason}>
      <span data-testid="end-reason">{t(endKey(call), { name: call.handedTo })}</span>
      {' · '}
      <time data-testid="ended-time" dateTime={new Date(endedAtMs).toISOString()}>
        {formatWhen(endedAtMs, 'time')}
      </time>
      {talked && (
        <>
          {' · '}
          <span className="tabular" data-testid="talk-time">
            {talked}
          </span>
        </>
      )}
    </p>
  );
}

/**
 * One answered call, ended: how it ended, then its outcome, notes and Save, in one card (kept short enough for Save
 * to stay in view in a docked 420 px window). What the agent enters is kept in the store until saved. `takesCalls`:
 * saving this one lets calls ring again (no other wrap-up waits, calls hold off for it, the agent is available); `first`: the oldest, which takes the focus when
 * nothing else has it.
 */
export function WrapUpCard({
  callId,
  sinceMs,
  takesCalls,
  first,
}: {
  callId: string;
  sinceMs: number;
  takesCalls: boolean;
  first: boolean;
}) {
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
  const editDraft = usePhone((s) => s.editWrapUp);
  // The first thing the agent writes stops the automatic return: it never closes a wrap-up with their words unsaved.
  const kept = useRef(false);
  const edit = (id: string, patch: Parameters<typeof editDraft>[1]) => {
    editDraft(id, patch);
    if (autoReturnAtMs !== undefined && !kept.current) {
      kept.current = true;
      void keepWrapUp(id);
    }
  };
  const now = useNow(1000);
  const { name, number } = call ? callerLabel(call, t('incoming.unknownCaller')) : { name: '', number: '' };
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const titleId = `wrap-up-title-${callId}`;
  const firstOutcome = useRef<HTMLInputElement>(null);
  // One tab stop for the outcomes (the chosen one, else the first), arrows within: Chromium alone sometimes stops
  // Tab on the next outcome after one the page focused, so Tab from an outcome did not always reach the notes.
  const chosenIndex = codes.indexOf(outcome ?? '');
  const rovingTabIndex = (i: number) => (i === Math.max(chosenIndex, 0) ? 0 : -1);
  // After Hang up, or Save on the card before, the focus would fall to the page: the outcome, the card's first
  // question, takes it.
  useEffect(() => {
    if (first) landFocus(firstOutcome.current);
  }, [first]);

  async function save(): Promise<void> {
    if (!outcome) {
      // The question to answer next is the outcome: the focus goes there, not left on Save.
      firstOutcome.current?.focus();
      return setError(t('wrapUp.chooseOutcome'));
    }
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
      {call?.phase === 'ended' && <EndedLine call={call} />}
      <h2 id={titleId}>
        <span className="sr-only">{t('wrapUp.title')} · </span>
        {call ? <Name value={name} /> : t('wrapUp.title')}
      </h2>
      {number && number !== name && (
        <p className="number" data-testid="ended-number">
          <Handle value={number} />
        </p>
      )}
      <p className="label" data-testid="wrap-up-timer">
        {t('wrapUp.timer', { time: formatDuration(now - sinceMs) })}
        {autoReturnAtMs !== undefined && ` · ${t('wrapUp.autoReturn', { time: formatDuration(autoReturnAtMs - now) })}`}
      </p>
      {call?.message && (
        <p className="error" role="alert" data-testid="end-message">
          {call.said?.length
            ? call.said.map((s, i) => (
                <Fragment key={sentenceKey(s)}>
                  {i > 0 && ' '}
                  <Said s={s} />
                </Fragment>
              ))
            : localizeCallErrors(call.message, t)}
        </p>
      )}
      <fieldset className="field">
        <legend>{t('wrapUp.outcome')}</legend>
        {codes.map((code, i) => (
          <label key={code} className="radio">
            <input
              ref={i === 0 ? firstOutcome : undefined}
              type="radio"
              tabIndex={rovingTabIndex(i)}
              name={`outcome-${callId}`}
              data-testid={`wrap-up-outcome-${code}`}
              checked={outcome === code}
              onChange={() => {
                edit(callId, { outcome: code });
                // "Choose an outcome" has been answered: it goes.
                setError(undefined);
              }}
            />
            {outcomeLabel(code, t)}
          </label>
        ))}
      </fieldset>
      <label className="field">
        <span>{t('wrapUp.notes')}</span>
        <textarea
          data-testid="wrap-up-notes"
          rows={2}
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
          {saving ? t('wrapUp.saving') : takesCalls ? t('wrapUp.save') : t('wrapUp.saveOne')}
        </button>
      </div>
    </section>
  );
}
