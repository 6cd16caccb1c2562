import { useTranslation } from 'react-i18next';
import { useCallback, useEffect, useState } from 'react';
import type { HistoryEntry } from '../../../shared/historySchemas';
import {
  exportHistoryCsv,
  listHistory,
  listToCallBack,
  markDone,
  onHistoryChanged,
  retryCallMedia,
  sendFollowUp,
} from '../actions';
import { RecordingPlayer } from './RecordingPlayer';
import { usePhone } from '../store';
import { formatDuration, outcomeKey, outcomeLabel } from './format';
import { formatWhen } from '../i18n';
import { Who } from './Who';
import { resultText } from './Said';

export function HistoryPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [missedOnly, setMissedOnly] = useState(false);
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<string>();
  // Any call change refreshes the list.
  const calls = usePhone((s) => s.calls);
  const callBack = usePhone((s) => s.prepareDial);

  const [pending, setPending] = useState<HistoryEntry[]>([]);
  const [followUpError, setFollowUpError] = useState<string>();
  const load = useCallback(() => {
    listHistory({ search, missedOnly, limit: 200 }).then(setEntries, (e: unknown) => setError(String(e)));
    listToCallBack().then(setPending, () => undefined);
  }, [search, missedOnly]);

  useEffect(() => {
    load();
  }, [load, calls]);
  useEffect(() => onHistoryChanged(load), [load]);

  async function exportCsv(): Promise<void> {
    const csv = await exportHistoryCsv({ search, missedOnly, limit: 1000 });
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `whatsapp-calls-${new Date().toISOString().slice(0, 10)}.csv`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
    <section className="card history" data-testid="history">
      {pending.length > 0 && (
        <section className="to-call-back" data-testid="to-call-back" aria-labelledby="to-call-back-title">
          <h2 id="to-call-back-title">{t('history.toCallBack')}</h2>
          <ul className="history-list">
            {pending.map((e) => (
              <li key={e.callId} data-testid="to-call-back-row" data-call-id={e.callId}>
                <strong>
                  <Who name={e.name} customer={e.number} />
                </strong>
                <span>{formatWhen(e.offeredAtMs, 'dateTime')}</span>
                <button data-testid="to-call-back-call" onClick={() => callBack(e.number)}>
                  {t('history.callBack')}
                </button>
                <button data-testid="to-call-back-done" onClick={() => void markDone(e.callId).then(load)}>
                  {t('history.markDone')}
                </button>
                <button
                  data-testid="to-call-back-message"
                  onClick={() =>
                    void sendFollowUp(e.callId).then((result) => {
                      setFollowUpError(result.ok ? undefined : resultText(result, t));
                      load();
                    })
                  }
                >
                  {t('history.sendMessage')}
                </button>
              </li>
            ))}
          </ul>
          {followUpError && (
            <p className="error" role="alert" data-testid="follow-up-error">
              {followUpError}
            </p>
          )}
        </section>
      )}
      <h2>{t('history.title')}</h2>
      <div className="history-tools">
        <input
          data-testid="history-search"
          type="search"
          aria-label={t('history.search')}
          placeholder={t('history.search')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="radio">
          <input
            type="checkbox"
            data-testid="history-missed"
            checked={missedOnly}
            onChange={(e) => setMissedOnly(e.target.checked)}
          />
          {t('history.missedOnly')}
        </label>
        <button data-testid="history-export" onClick={() => void exportCsv()}>
          {t('history.export')}
        </button>
      </div>
      {error && <p className="error">{error}</p>}
      {entries.length === 0 && (
        <p data-testid="history-empty">{search !== '' || missedOnly ? t('history.noMatch') : t('history.empty')}</p>
      )}
      <ul className="history-list">
        {entries.map((e) => (
          <li
            key={e.callId}
            data-testid="history-row"
            data-call-id={e.callId}
            data-reason={e.endReason ?? 'live'}
            className={e.endReason === 'missed' ? 'missed' : undefined}
          >
            <strong>
              <Who name={e.name} customer={e.number} />
            </strong>
            <span>{formatWhen(e.offeredAtMs, 'dateTime')}</span>
            <span data-testid="history-reason">{t(outcomeKey(e.endReason))}</span>
            <span>{e.durationSec !== undefined ? formatDuration(e.durationSec * 1000) : ''}</span>
            {e.mos !== undefined && <span data-testid="history-mos">MOS {e.mos.toFixed(2)}</span>}
            {e.outcome && <bdi data-testid="history-outcome">{outcomeLabel(e.outcome, t)}</bdi>}
            {e.followedUpAtMs !== undefined && (
              <span data-testid="history-followed-up">{t('history.messageSent')}</span>
            )}
            {e.followUpOf && <span data-testid="history-after-follow-up">{t('history.afterFollowUp')}</span>}
            {e.notes && (
              <small data-testid="history-notes" dir="auto">
                {e.notes}
              </small>
            )}
            {e.recordingMimeType && <RecordingPlayer callId={e.callId} />}
            {e.captured && !e.recordingMimeType && !e.transcript && !e.mediaProblem && (
              <small className="notice" data-testid="history-capture-pending">
                {t('history.capturePending')}
              </small>
            )}
            {e.transcript && (
              <details data-testid="history-transcript">
                <summary>{t('history.transcript')}</summary>
                <pre dir="auto">{e.transcript}</pre>
              </details>
            )}
            {e.mediaProblem && (
              <>
                <small className="error" role="alert" data-testid="history-media-problem">
                  {resultText({ error: e.mediaProblem, said: e.mediaProblemSaid }, t)}
                </small>
                <button data-testid="history-media-retry" onClick={() => void retryCallMedia(e.callId).then(load)}>
                  {t('history.tryAgain')}
                </button>
              </>
            )}
            {e.message && (
              <small className="error" data-testid="history-message">
                {resultText({ error: e.message, said: e.said }, t)}
              </small>
            )}
            {/* A call still going on is not one to call back. */}
            {e.endReason && (
              <button data-testid="history-call-back" onClick={() => callBack(e.number)}>
                {t('history.callBack')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
