import { useTranslation } from 'react-i18next';
import type { CallView } from '../../../shared/ipcContract';
import { hangupCall, setMuted } from '../actions';
import { useNow } from '../hooks/useNow';
import { mediaOf, usePhone } from '../store';
import { callerLabel, formatDuration } from './format';
import { Name } from './Who';

/** The live call, kept in reach on History and Settings: who, how long, muted or not, and the two controls. */
export function CallBar({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const media = usePhone((s) => mediaOf(s, call.callId));
  const setTab = usePhone((s) => s.setTab);
  const now = useNow(1000);
  const { name } = callerLabel(call, t('incoming.unknownCaller'));
  return (
    <section className="call-bar" data-testid="call-bar" aria-label={t('callBar.label')}>
      <strong>
        <Name value={name} />
      </strong>
      <span data-testid="call-bar-timer">{call.answeredAtMs ? formatDuration(now - call.answeredAtMs) : '…'}</span>
      {media.muted && (
        <span className="muted-banner" data-testid="call-bar-muted">
          {t('callBar.muted')}
        </span>
      )}
      <button
        data-testid="call-bar-mute"
        className={media.muted ? 'muted' : undefined}
        aria-pressed={media.muted}
        onClick={() => setMuted(call.callId, !media.muted)}
      >
        {media.muted ? t('inCall.unmute') : t('inCall.mute')}
      </button>
      <button className="reject" data-testid="call-bar-hangup" onClick={() => void hangupCall(call.callId)}>
        {t('inCall.hangUp')}
      </button>
      <button data-testid="call-bar-open" onClick={() => setTab('phone')}>
        {t('callBar.back')}
      </button>
    </section>
  );
}
