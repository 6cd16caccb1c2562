import { useTranslation } from 'react-i18next';
import type { CallView } from '../../../shared/ipcContract';
import { hangupCall, resumeCall } from '../actions';
import { useNow } from '../hooks/useNow';
import { mediaOf, usePhone } from '../store';
import { callerLabel, formatDuration } from './format';
import { Name } from './Who';

/** A call waiting on hold while the agent talks on another: how long, take it back (swap), or end it. */
export function HeldCall({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const media = usePhone((s) => mediaOf(s, call.callId));
  const now = useNow(1000);
  const { name } = callerLabel(call, t('incoming.unknownCaller'));
  return (
    <section
      className="card held"
      data-testid="held-call"
      data-call-id={call.callId}
      data-caller-audio={media.callerAudible ? 'on' : 'off'}
      aria-label={t('held.label')}
    >
      <p className="label">
        {t('held.label')} · <span data-testid="held-time">{formatDuration(now - (call.heldSinceMs ?? now))}</span>
      </p>
      <h2>
        <Name value={name} />
      </h2>
      {media.error && (
        <p className="error" role="alert">
          {media.error}
        </p>
      )}
      <div className="actions">
        <button className="answer" data-testid="held-resume" onClick={() => void resumeCall(call.callId)}>
          {t('held.takeBack')}
        </button>
        <button className="reject" data-testid="held-hangup" onClick={() => void hangupCall(call.callId)}>
          {t('inCall.hangUp')}
        </button>
      </div>
    </section>
  );
}
