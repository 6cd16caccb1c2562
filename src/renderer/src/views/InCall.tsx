import { useEffect, useState } from 'react';
import type { CallView } from '../../../shared/ipcContract';
import { hangupCall, setMuted } from '../callController';
import { mediaOf, usePhone } from '../store';
import { callerLabel, formatDuration } from './format';

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function InCall({ call }: { call: CallView }) {
  const media = usePhone((s) => mediaOf(s, call.callId));
  const now = useNow(250);
  const { name, number } = callerLabel(call);
  const connecting = call.phase === 'pre_accepted';
  return (
    <section className="card in-call" data-testid="in-call" data-call-id={call.callId}>
      <p className="label">{connecting ? 'Connecting…' : call.phase === 'ending' ? 'Hanging up…' : 'On call'}</p>
      <h2>{name}</h2>
      <p className="number">{number}</p>
      <p className="timer" data-testid="call-timer">
        {call.answeredAtMs ? formatDuration(now - call.answeredAtMs) : '0:00'}
      </p>
      <div className="meter" aria-label="Caller audio level">
        <div className="meter-fill" style={{ width: `${Math.min(100, Math.round(media.audioLevel * 100))}%` }} />
      </div>
      <p className="media" data-testid="media-state" data-connection={media.connection ?? 'new'} data-energy={media.inboundEnergy} data-packets-received={media.packetsReceived} data-packets-sent={media.packetsSent}>
        {media.connection === 'connected' ? 'Audio connected' : 'Connecting audio…'}
      </p>
      {media.error && <p className="error" role="alert">{media.error}</p>}
      <div className="actions">
        <button data-testid="mute" aria-pressed={media.muted} onClick={() => setMuted(call.callId, !media.muted)}>
          {media.muted ? 'Unmute' : 'Mute'}
        </button>
        <button className="reject" data-testid="hangup" disabled={call.phase === 'ending'} onClick={() => void hangupCall(call.callId)}>
          Hang up
        </button>
      </div>
    </section>
  );
}
