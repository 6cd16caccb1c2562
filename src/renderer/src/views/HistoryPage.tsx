import { useTranslation } from 'react-i18next';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { WARNING_LIMITS, mosGrade, qualityWarnings } from '../../../shared/callQuality';
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
import { customerNumber, formatDuration, outcomeKey, outcomeLabel } from './format';
import { formatWhen } from '../i18n';
import { Handle, Who } from './Who';
import { resultText } from './Said';
import { DEFAULT_SORT, handledBy, nextSort, sortHistory, type HistoryColumn, type HistorySort } from './historySort';

const COLUMNS: HistoryColumn[] = ['when', 'who', 'direction', 'result', 'duration', 'outcome', 'agent'];

/** A call whose quality fell below a usable call's limits at some point: only those show a quality cell. */
const poorQuality = (e: HistoryEntry): boolean =>
  qualityWarnings({ rttMs: e.rttMs, jitterMs: e.jitterMs, lossPct: e.lossPct, mos: e.mos }).length > 0;

/** Why a call is listed for its quality: its MOS in words that follow the MOS itself, and each other limit crossed. */
function QualityCell({ entry: e }: { entry: HistoryEntry }) {
  const { t } = useTranslation();
  const crossed = qualityWarnings({ rttMs: e.rttMs, jitterMs: e.jitterMs, lossPct: e.lossPct }).filter(
    (w) => w !== 'mos',
  );
  const grade = e.mos === undefined ? undefined : mosGrade(e.mos);
  return (
    <>
      {e.mos !== undefined && grade && (
        <span className={grade === 'poor' ? 'warning' : undefined} data-testid="history-mos-grade" data-grade={grade}>
          {t(`history.mosGrade.${grade}`)} <span data-testid="history-mos">MOS {e.mos.toFixed(2)}</span>
        </span>
      )}
      {crossed.map((w) => (
        <small key={w} className="warning" data-testid={`history-quality-${w}`}>
          {' '}
          {t(`quality.${w}`, { value: WARNING_LIMITS[w] })}
        </small>
      ))}
    </>
  );
}

export function HistoryPage() {
  const { t } = useTranslation();
  const [search, setSearch] = useState('');
  const [missedOnly, setMissedOnly] = useState(false);
  const [entries, setEntries] = useState<HistoryEntry[]>([]);
  const [error, setError] = useState<string>();
  // Any call change refreshes the list.
  const calls = usePhone((s) => s.calls);
  const callBack = usePhone((s) => s.prepareDial);
  // The agent this desk is signed in as: their own calls read "You", a colleague's by name.
  const me = usePhone((s) => s.status?.relay?.agentId);

  const [sort, setSort] = useState<HistorySort>(DEFAULT_SORT);
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

  const { i18n } = useTranslation();
  // What each text column shows, as the agent reads it: the sort follows the words on screen.
  const label = useCallback(
    (e: HistoryEntry, column: HistoryColumn): string => {
      if (column === 'who') return e.name && e.name !== e.number ? e.name : e.number;
      if (column === 'direction') return t(`history.${e.direction}`);
      if (column === 'result') return t(outcomeKey(e.endReason));
      if (column === 'outcome') return e.outcome ? outcomeLabel(e.outcome, t) : '';
      if (column === 'agent') {
        // Team relay: the agent the relay says took the call, by name, or "You" for this desk's agent.
        if (e.agent) return e.agent === me ? t('history.agentYou') : e.agent;
        const who = handledBy(e);
        return who ? t(who === 'you' ? 'history.agentYou' : 'history.agentColleague') : '';
      }
      return '';
    },
    [t, me],
  );
  const rows = useMemo(() => sortHistory(entries, sort, label, i18n.language), [entries, sort, label, i18n.language]);
  const anyPoor = entries.some(poorQuality);

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
      <h2 id="history-title">{t('history.title')}</h2>
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
      {entries.length > 0 && (
        // A table wider than a docked window scrolls inside its own frame, never the page.
        <div className="table-frame" role="region" aria-labelledby="history-title" tabIndex={0}>
          <table className="history-table" data-testid="history-table">
            <thead>
              <tr>
                {COLUMNS.map((column) => (
                  <th
                    key={column}
                    scope="col"
                    data-testid={`history-col-${column}`}
                    aria-sort={sort.column === column ? sort.direction : undefined}
                  >
                    <button className="sort" onClick={() => setSort(nextSort(sort, column))}>
                      {t(`history.col.${column}`)}
                    </button>
                  </th>
                ))}
                {anyPoor && (
                  <th scope="col" data-testid="history-col-quality">
                    {t('history.col.quality')}
                  </th>
                )}
                <th scope="col">
                  <span className="sr-only">{t('history.col.more')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr
                  key={e.callId}
                  data-testid="history-row"
                  data-call-id={e.callId}
                  data-reason={e.endReason ?? 'live'}
                  className={e.endReason === 'missed' ? 'missed' : undefined}
                >
                  <td className="nowrap" data-testid="history-when" data-label={t('history.col.when')}>
                    <time dateTime={new Date(e.offeredAtMs).toISOString()}>
                      {formatWhen(e.offeredAtMs, 'dateTime')}
                    </time>
                  </td>
                  <td data-testid="history-customer" data-label={t('history.col.who')}>
                    <strong>
                      <Who name={e.name} customer={e.number} />
                    </strong>
                    {/* Two customers with the same name told apart by their number. */}
                    {e.name && e.name !== e.number && (
                      <span className="history-number">
                        {' '}
                        <Handle value={customerNumber(e.number) || e.number} />
                      </span>
                    )}
                  </td>
                  <td data-testid="history-direction" data-label={t('history.col.direction')}>
                    {label(e, 'direction')}
                  </td>
                  <td data-testid="history-reason" data-label={t('history.col.result')}>
                    {label(e, 'result')}
                  </td>
                  <td className="nowrap tabular" data-testid="history-duration" data-label={t('history.col.duration')}>
                    {e.durationSec !== undefined ? formatDuration(e.durationSec * 1000) : ''}
                  </td>
                  <td data-label={t('history.col.outcome')}>
                    {e.outcome && <bdi data-testid="history-outcome">{outcomeLabel(e.outcome, t)}</bdi>}
                    {e.notes && (
                      <small className="notes" data-testid="history-notes" dir="auto">
                        {e.notes}
                      </small>
                    )}
                    {e.csat !== undefined && (
                      <small className="csat" data-testid="history-csat">
                        {t('history.csat', { score: e.csat })}
                      </small>
                    )}
                  </td>
                  <td data-testid="history-agent" data-label={t('history.col.agent')}>
                    {e.agent && e.agent !== me ? <bdi>{e.agent}</bdi> : label(e, 'agent')}
                  </td>
                  {anyPoor && (
                    <td className="nowrap" data-label={poorQuality(e) ? t('history.col.quality') : undefined}>
                      {poorQuality(e) && <QualityCell entry={e} />}
                    </td>
                  )}
                  <td className="more">
                    {e.followedUpAtMs !== undefined && (
                      <span data-testid="history-followed-up">{t('history.messageSent')}</span>
                    )}
                    {e.followUpOf && <span data-testid="history-after-follow-up">{t('history.afterFollowUp')}</span>}
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
                        <button
                          data-testid="history-media-retry"
                          onClick={() => void retryCallMedia(e.callId).then(load)}
                        >
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
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
