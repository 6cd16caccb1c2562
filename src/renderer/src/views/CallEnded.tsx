import { useTranslation } from 'react-i18next';
import { Fragment, useEffect, useLayoutEffect, useRef } from 'react';
import type { CallView } from '../../../shared/ipcContract';
import { focusDroppedByRing, landFocus } from '../focusRules';
import { selectRinging, usePhone } from '../store';
import { callerLabel, endKey, formatDuration } from './format';
import { Handle, Name } from './Who';
import { formatWhen } from '../i18n';
import { localizeCallErrors } from '../../../shared/whatsappWords/words';
import { Said, sentenceKey } from './Said';

export function CallEnded({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const dismiss = usePhone((s) => s.dismissEnded);
  const callBack = usePhone((s) => s.prepareDial);
  const { name, number } = callerLabel(call, t('incoming.unknownCaller'));
  const okButton = useRef<HTMLButtonElement>(null);
  // After Hang up the focus would fall to the page; the summary's first action takes it (not from notes being typed),
  // nor from a call ringing beside a failure's summary.
  useEffect(() => {
    if (selectRinging(usePhone.getState()).length === 0) landFocus(okButton.current, true);
  }, []);
  // A new ring replaces this card: if the agent was on OK, their Enter must not land on the ring's Answer.
  const card = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    const section = card.current;
    return () => {
      if (selectRinging(usePhone.getState()).length > 0) focusDroppedByRing(section);
    };
  }, []);
  // A call never answered (missed, rejected) is known by when it came, as History lists it; a talk by when it ended.
  const shownAtMs = call.answeredAtMs === undefined ? call.offeredAtMs : (call.endedAtMs ?? call.offeredAtMs);
  const talked = call.answeredAtMs && call.endedAtMs ? formatDuration(call.endedAtMs - call.answeredAtMs) : undefined;
  return (
    <section
      ref={card}
      className="card ended"
      data-testid="call-ended"
      data-call-id={call.callId}
      data-reason={call.endReason}
    >
      {/* A reason said in a whole sentence is not set in capitals as the short ones are. */}
      <p className={call.endReason === 'withdrawn_not_ready' ? 'label sentence' : 'label'} data-testid="end-reason">
        {t(endKey(call), { name: call.handedTo })}
      </p>
      <h2>
        <Name value={name} />
      </h2>
      {number && number !== name && (
        <p className="number" data-testid="ended-number">
          <Handle value={number} />
        </p>
      )}
      <p data-testid="ended-time">
        <time dateTime={new Date(shownAtMs).toISOString()}>{formatWhen(shownAtMs, 'time')}</time>
      </p>
      {talked && (
        <p className="timer" data-testid="talk-time">
          {talked}
        </p>
      )}
      {call.message && (
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
      <div className="actions">
        <button ref={okButton} data-testid="dismiss" onClick={dismiss}>
          {t('ended.ok')}
        </button>
        {/* A ring withdrawn for not being ready leaves the customer waiting for the team: nothing to call back. */}
        {call.from && call.endReason !== 'withdrawn_not_ready' && (
          <button data-testid="ended-call-back" onClick={() => callBack(call.from)}>
            {t('ended.callBack')}
          </button>
        )}
      </div>
    </section>
  );
}
