import { useTranslation } from 'react-i18next';
import { memo, useEffect, useLayoutEffect, useRef } from 'react';
import type { CallView } from '../../../shared/ipcContract';
import { answerCall, chooseCapture, endAndAnswer, holdAndAnswer, rejectCall } from '../actions';
import { useNow } from '../hooks/useNow';
import { focusLandedOnSummary, ringMayTakeFocus, takeFocusDroppedForRing } from '../focusRules';
import { mediaOf, selectHeld, usePhone } from '../store';
import { CustomerPanel } from './CustomerPanel';
import { callerLabel, formatDuration } from './format';
import { Handle, Name } from './Who';
import { Say } from './Say';
import { FromAssistant } from './FromAssistant';

/**
 * `waiting`: the agent is on another call, so this one is offered as call waiting (hold or end, then answer).
 * `first`: the oldest ringing call, whose heading takes the focus when no control has it. Memoised: a burst of calls re-renders only the
 * card whose call changed.
 */
export const IncomingCall = memo(function IncomingCall({
  call,
  waiting,
  first,
}: {
  call: CallView;
  waiting: boolean;
  first: boolean;
}) {
  const { t } = useTranslation();
  const media = usePhone((s) => mediaOf(s, call.callId));
  const mic = usePhone((s) => s.mic);
  // With one call on hold already, the live one cannot be held too: only ending it answers this one.
  const canHold = usePhone((s) => selectHeld(s) === undefined);
  const askCapture = usePhone((s) => s.status?.preferences.capture?.mode === 'ask');
  const { name, number } = callerLabel(call, t('incoming.unknownCaller'));
  const answering = call.phase === 'answering';
  const now = useNow(500);
  const answerable = !answering && media.answerReady;
  // A ring never puts the focus on Answer: an Enter or Space the agent meant for something else (a second Enter on
  // Save, the OK of a summary this ring replaced or rings beside) would take a caller they never chose. When no
  // control has the focus, the heading takes it, which answers nothing; the live region names the answer shortcut,
  // and Tab reaches Answer. Never while they type or use a control, nor during call waiting.
  const heading = useRef<HTMLHeadingElement>(null);
  useLayoutEffect(() => {
    if (takeFocusDroppedForRing() || focusLandedOnSummary()) heading.current?.focus();
  }, []);
  useEffect(() => {
    if (first && !waiting && ringMayTakeFocus()) heading.current?.focus();
  }, [first, waiting]);
  // A call that waited in the team's queue (its agents busy or not ready, or a bot had it) shows that wait too.
  const waitingSinceMs =
    call.waitingSinceMs !== undefined && call.offeredAtMs - call.waitingSinceMs >= 1000
      ? call.waitingSinceMs
      : undefined;
  const headingId = `caller-${call.callId}`;
  return (
    <section
      className="card incoming"
      data-testid="incoming-call"
      data-call-id={call.callId}
      aria-labelledby={headingId}
    >
      <p className="label">
        {t('incoming.label')} ·{' '}
        <span data-testid="ring-time" aria-label={t('incoming.ringingFor')}>
          {formatDuration(now - call.offeredAtMs)}
        </span>
        {waitingSinceMs !== undefined && (
          <>
            {' · '}
            <span data-testid="customer-waiting">
              <Say
                k="incoming.customerWaiting"
                values={{ time: formatDuration(now - waitingSinceMs) }}
                ltr={['time']}
              />
            </span>
          </>
        )}
      </p>
      <h2 ref={heading} id={headingId} data-testid="caller-name" tabIndex={-1}>
        <Name value={name} />
      </h2>
      <p className="number" data-testid="caller-number">
        <Handle value={number} />
      </p>
      {call.invitedBy && (
        <p className="notice" data-testid="invited-by">
          <Say k="incoming.invitedBy" values={{ name: call.invitedBy }} />
        </p>
      )}
      {call.transferredBy && (
        <p className="notice" data-testid="transferred-by">
          <Say k="incoming.transferredBy" values={{ name: call.transferredBy }} />
        </p>
      )}
      <FromAssistant note={call.assistant} />
      {call.line && (
        <p className="queue" data-testid="call-line">
          <Say k="incoming.line" values={{ line: call.line }} />
        </p>
      )}
      {call.queue && (
        <p className="queue" data-testid="call-queue">
          <Say k="incoming.queue" values={{ name: call.queue }} />
        </p>
      )}
      {call.followUpOf && (
        <p className="notice" data-testid="after-follow-up">
          {t('incoming.afterFollowUp')}
        </p>
      )}
      <CustomerPanel call={call} />
      {(mic === 'blocked' || mic === 'missing') && (
        <p className="error" role="alert" data-testid="ringing-mic-warning">
          {mic === 'blocked' ? t('incoming.micBlocked') : t('incoming.micMissing')}
        </p>
      )}
      {media.error && (
        <p className="error" role="alert">
          {media.error}
        </p>
      )}
      {askCapture && (
        <label className="radio">
          <input
            type="checkbox"
            data-testid="capture-this-call"
            onChange={(e) => chooseCapture(call.callId, e.target.checked)}
          />
          {t('incoming.captureThisCall')}
        </label>
      )}
      <div className="actions">
        {waiting ? (
          <>
            {canHold && (
              <button
                className="answer"
                data-testid="hold-and-answer"
                disabled={!answerable}
                onClick={() => void holdAndAnswer(call.callId)}
              >
                {t('incoming.holdAndAnswer')}
              </button>
            )}
            <button data-testid="end-and-answer" disabled={!answerable} onClick={() => void endAndAnswer(call.callId)}>
              {t('incoming.endAndAnswer')}
            </button>
          </>
        ) : (
          <button
            className="answer big"
            data-testid="answer"
            disabled={!answerable}
            data-ready={media.answerReady ? 'yes' : 'no'}
            onClick={() => void answerCall(call.callId)}
          >
            {answering ? t('incoming.connecting') : t('incoming.answer')}
          </button>
        )}
        <button
          className="reject"
          data-testid="reject"
          disabled={answering}
          onClick={() => void rejectCall(call.callId)}
        >
          {t('incoming.reject')}
        </button>
      </div>
    </section>
  );
});
