import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { heldToAnswerAnother, landFocus } from '../focusRules';
import type { CallView } from '../../../shared/ipcContract';
import { hangupCall, resumeCall } from '../actions';
import { useNow } from '../hooks/useNow';
import { mediaOf, selectActive, usePhone } from '../store';
import { CustomerPanel } from './CustomerPanel';
import { callerLabel, formatDuration } from './format';
import { Say } from './Say';
import { Handle, Name } from './Who';
import { FromAssistant } from './FromAssistant';

/**
 * A call on hold: who it is (name, number, their history here), how long, and its own Take back and Hang up; with
 * a second call live, its Hang up names this caller, so the agent never ends the wrong one.
 */
export function HeldCall({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const media = usePhone((s) => mediaOf(s, call.callId));
  const now = useNow(1000);
  const { name, number } = callerLabel(call, t('incoming.unknownCaller'));
  const otherLive = usePhone((s) => selectActive(s) !== undefined);
  const takeBack = useRef<HTMLButtonElement>(null);
  // After Hold the Hold button is gone: Take back is next. With another call live, or being answered (Hold and
  // answer), that call's card has the focus.
  useEffect(() => {
    if (heldToAnswerAnother(call.callId)) return;
    if (!selectActive(usePhone.getState())) landFocus(takeBack.current);
  }, [call.callId]);
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
      {number && number !== name && (
        <p className="number" data-testid="held-number">
          <Handle value={number} />
        </p>
      )}
      <FromAssistant note={call.assistant} />
      {/* A supervisor who barged (or whispered) stays on the call while it is held: the agent is told so here. */}
      {call.supervisorOnCall && (
        <p className="notice" role="status" data-testid="held-supervisor">
          <Say k="held.supervisor" values={{ name: call.supervisorOnCall }} />
        </p>
      )}
      <CustomerPanel call={call} />
      {media.error && (
        <p className="error" role="alert">
          {media.error}
        </p>
      )}
      <div className="actions">
        <button
          ref={takeBack}
          className="answer"
          data-testid="held-resume"
          onClick={() => void resumeCall(call.callId)}
        >
          {t('held.takeBack')}
        </button>
        <button className="reject" data-testid="held-hangup" onClick={() => void hangupCall(call.callId)}>
          {/* Beside a live call of the same name, "(on hold)" tells the two Hang up buttons apart. */}
          {otherLive ? <Say k="inCall.hangUpHeldName" values={{ name }} /> : t('inCall.hangUp')}
        </button>
      </div>
    </section>
  );
}
