import type { CallView } from '../../../shared/ipcContract';
import { usePhone } from '../store';
import { callerLabel, endText, formatDuration } from './format';

export function CallEnded({ call }: { call: CallView }) {
  const dismiss = usePhone((s) => s.dismissEnded);
  const { name } = callerLabel(call);
  const talked = call.answeredAtMs && call.endedAtMs ? formatDuration(call.endedAtMs - call.answeredAtMs) : undefined;
  return (
    <section className="card ended" data-testid="call-ended" data-call-id={call.callId} data-reason={call.endReason}>
      <p className="label" data-testid="end-reason">
        {endText(call)}
      </p>
      <h2>{name}</h2>
      {talked && (
        <p className="timer" data-testid="talk-time">
          {talked}
        </p>
      )}
      {call.message && (
        <p className="error" role="alert" data-testid="end-message">
          {call.message}
        </p>
      )}
      <div className="actions">
        <button data-testid="dismiss" onClick={dismiss}>
          OK
        </button>
      </div>
    </section>
  );
}
