import { useShallow } from 'zustand/react/shallow';
import { selectActive, selectRinging, usePhone } from '../store';
import { CallEnded } from './CallEnded';
import { InCall } from './InCall';
import { IncomingCall } from './IncomingCall';

function StatusBar() {
  const status = usePhone((s) => s.status);
  if (!status) return <header className="status">Starting…</header>;
  return (
    <header className="status" data-testid="status">
      {status.problems.map((p) => (
        <p key={p} className="error" role="alert">{p}</p>
      ))}
      {status.webhookUrl && <p className="ok">Ready for calls · webhook {status.webhookUrl}</p>}
    </header>
  );
}

export function App() {
  const ringing = usePhone(useShallow(selectRinging));
  const active = usePhone(selectActive);
  const ended = usePhone((s) => (s.shownEndedId ? s.calls[s.shownEndedId] : undefined));
  const ringtonePlaying = usePhone((s) => s.ringtonePlaying);
  const idle = ringing.length === 0 && !active && !ended;
  return (
    <main data-testid="phone" data-ringtone={ringtonePlaying ? 'on' : 'off'}>
      <StatusBar />
      {active && <InCall call={active} />}
      {ringing.map((call) => (
        <IncomingCall key={call.callId} call={call} canAnswer={!active} />
      ))}
      {!active && ended && <CallEnded call={ended} />}
      {idle && (
        <section className="card idle" data-testid="idle">
          <h2>No calls</h2>
          <p>Incoming WhatsApp calls ring here.</p>
        </section>
      )}
    </main>
  );
}
