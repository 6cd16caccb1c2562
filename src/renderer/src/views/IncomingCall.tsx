import type { CallView } from '../../../shared/ipcContract';
import { answerCall, rejectCall } from '../actions';
import { mediaOf, usePhone } from '../store';
import { callerLabel } from './format';

export function IncomingCall({ call, canAnswer }: { call: CallView; canAnswer: boolean }) {
  const media = usePhone((s) => mediaOf(s, call.callId));
  const { name, number } = callerLabel(call);
  const answering = call.phase === 'answering';
  return (
    <section className="card incoming" data-testid="incoming-call" data-call-id={call.callId} aria-live="assertive">
      <p className="label">Incoming WhatsApp call</p>
      <h2 data-testid="caller-name">{name}</h2>
      <p className="number" data-testid="caller-number">
        {number}
      </p>
      {media.error && (
        <p className="error" role="alert">
          {media.error}
        </p>
      )}
      <div className="actions">
        <button
          className="answer"
          data-testid="answer"
          disabled={answering || !canAnswer || !media.answerReady}
          data-ready={media.answerReady ? 'yes' : 'no'}
          onClick={() => void answerCall(call.callId)}
        >
          {answering ? 'Connecting…' : 'Answer'}
        </button>
        <button
          className="reject"
          data-testid="reject"
          disabled={answering}
          onClick={() => void rejectCall(call.callId)}
        >
          Reject
        </button>
      </div>
    </section>
  );
}
