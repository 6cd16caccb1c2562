import { useTranslation } from 'react-i18next';
import { LevelMeter } from './LevelMeter';
import { useEffect, useRef, useState } from 'react';
import { useNow } from '../hooks/useNow';
import type { CallView } from '../../../shared/ipcContract';
import { summarizeSdp } from '../../../shared/sdpChecks';
import { hangupCall, holdCall, setMuted } from '../actions';
import { landFocus } from '../focusRules';
import { mediaOf, selectHeld, usePhone } from '../store';
import { callerLabel, formatDuration } from './format';
import { CustomerPanel } from './CustomerPanel';
import { Keypad } from './Keypad';
import { QualityPanel } from './QualityPanel';
import { Say } from './Say';
import { TransferControl } from './TransferControl';
import { HandToAssistant } from './HandToAssistant';
import { Handle, Name } from './Who';
import { FromAssistant } from './FromAssistant';

export function InCall({ call }: { call: CallView }) {
  const media = usePhone((s) => mediaOf(s, call.callId));
  // With a second call on hold, each Hang up names its caller.
  const otherHeld = usePhone((s) => selectHeld(s) !== undefined);
  const [showKeypad, setShowKeypad] = useState(false);
  const now = useNow(250);
  const muteButton = useRef<HTMLButtonElement>(null);
  // After Answer (or Call, or Take back) the button pressed is gone: the focus goes to Mute, the call's harmless
  // first control, not to the page (and a call ringing next may still take it).
  useEffect(() => landFocus(muteButton.current), []);
  const { t } = useTranslation();
  const { name, number } = callerLabel(call, t('incoming.unknownCaller'));
  const waitingForCustomer = call.phase === 'dialing' || call.phase === 'remote_ringing';
  const connecting = call.phase === 'pre_accepted';
  // The keypad is offered only when the caller's SDP carries telephone-event at 8 kHz.
  const dtmfOffered = call.sdpOffer ? summarizeSdp(call.sdpOffer).telephoneEvent8k !== undefined : false;
  return (
    <section
      className="card in-call"
      data-testid="in-call"
      data-call-id={call.callId}
      data-caller-audio={media.callerAudible === false ? 'off' : 'on'}
    >
      <p className="label" data-testid="call-phase">
        {t(
          call.phase === 'dialing'
            ? 'inCall.dialing'
            : call.phase === 'remote_ringing'
              ? 'inCall.ringing'
              : connecting
                ? 'inCall.connecting'
                : call.phase === 'ending'
                  ? 'inCall.ending'
                  : 'inCall.onCall',
        )}
      </p>
      <h2>
        <Name value={name} />
      </h2>
      {/* A customer known only by their number: the heading already gives it. */}
      {number !== name && (
        <p className="number" data-testid="in-call-number">
          <Handle value={number} />
        </p>
      )}
      <FromAssistant note={call.assistant} />
      <CustomerPanel call={call} />
      {media.micSilent && (
        <p className="error" role="alert" data-testid="dead-mic">
          {t('inCall.deadMic')}
        </p>
      )}
      {call.captured && (
        <p className="notice" data-testid="capture-notice">
          {t(call.captured.includes('recording') ? 'inCall.recorded' : 'inCall.transcribed')}
        </p>
      )}
      {media.muted && (
        <p className="muted-banner" role="status" data-testid="muted-banner">
          {t('inCall.muted')}
        </p>
      )}
      <p className="timer" data-testid="call-timer">
        {call.answeredAtMs ? formatDuration(now - call.answeredAtMs) : '0:00'}
      </p>
      <LevelMeter label={t('inCall.callerLevel')} level={media.audioLevel} />
      <p
        className="media"
        data-testid="media-state"
        data-connection={media.connection ?? 'new'}
        data-energy={media.inboundEnergy}
        data-packets-received={media.packetsReceived}
        data-packets-sent={media.packetsSent}
      >
        {waitingForCustomer
          ? t('inCall.waitingForCustomer')
          : media.connection === 'connected'
            ? t('inCall.audioConnected')
            : t('inCall.audioConnecting')}
        {media.micLabel && <span data-testid="mic-in-use"> · {t('inCall.mic', { label: media.micLabel })}</span>}
      </p>
      {/* No verdict on quality before there is audio to judge. */}
      {media.connection === 'connected' && <QualityPanel quality={media.quality} />}
      {media.connectionNotice && (
        <p className="warning" role="status">
          {media.connectionNotice}
        </p>
      )}
      {media.notice && (
        <p className="notice" role="status">
          {media.notice}
        </p>
      )}
      {media.error && (
        <p className="error" role="alert">
          {media.error}
        </p>
      )}
      <div className="actions">
        <button
          ref={muteButton}
          data-testid="mute"
          className={media.muted ? 'muted' : undefined}
          aria-pressed={media.muted}
          onClick={() => setMuted(call.callId, !media.muted)}
        >
          {media.muted ? t('inCall.unmute') : t('inCall.mute')}
        </button>
        {call.phase === 'active' && (
          <button data-testid="hold" onClick={() => void holdCall(call.callId)}>
            {t('inCall.hold')}
          </button>
        )}
        {dtmfOffered && (
          <button data-testid="keypad-toggle" aria-pressed={showKeypad} onClick={() => setShowKeypad(!showKeypad)}>
            {t('inCall.keypad')}
          </button>
        )}
        <button
          className="reject"
          data-testid="hangup"
          disabled={call.phase === 'ending'}
          onClick={() => void hangupCall(call.callId)}
        >
          {otherHeld ? <Say k="inCall.hangUpName" values={{ name }} /> : t('inCall.hangUp')}
        </button>
      </div>
      {call.anchored && call.phase === 'active' && <TransferControl call={call} />}
      {call.anchored && call.phase === 'active' && <HandToAssistant call={call} />}
      {dtmfOffered && showKeypad && <Keypad callId={call.callId} sent={media.dtmfSent} />}
    </section>
  );
}
