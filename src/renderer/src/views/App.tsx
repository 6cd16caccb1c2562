import { useTranslation } from 'react-i18next';
import { useEffect, useRef } from 'react';
import { useLeaveWarning } from '../hooks/useLeaveWarning';
import { useShallow } from 'zustand/react/shallow';
import { shortcutFor } from '../../../shared/shortcuts';
import { runShortcut } from '../actions';
import { selectActive, selectHeld, selectRinging, selectRingingOut, selectWrapUps, usePhone } from '../store';
import { CallAnnouncer } from './CallAnnouncer';
import { CallBar } from './CallBar';
import { WrapUpList } from './WrapUpList';
import { HeldCall } from './HeldCall';
import { keyForCall } from '../callKeys';
import { AccountAlerts } from './AccountAlerts';
import { callsRestricted } from '../../../shared/readiness';
import { ReadinessLine } from './ReadinessLine';
import { CallEnded } from './CallEnded';
import { DialBox } from './DialBox';
import { HistoryPage } from './HistoryPage';
import { InCall } from './InCall';
import { RingingBar } from './RingingBar';
import { IncomingCall } from './IncomingCall';
import { CallbackBar, CallbackOffers } from './CallbackOffers';
import { SettingsPage } from './SettingsPage';
import { TopBar } from './TopBar';
import { Said, sentenceKey } from './Said';

/** The page's one h1, read by screen readers; the window title says the same. */
function AppHeading() {
  const { t } = useTranslation();
  return <h1 className="sr-only">{t('app.title')}</h1>;
}

function StatusBar() {
  const { t } = useTranslation();
  const status = usePhone((s) => s.status);
  const ringingOut = usePhone(selectRingingOut);
  const backendLost = usePhone((s) => s.backendLost);
  const otherWindow = usePhone((s) => s.otherWindow);
  const signInRefused = usePhone((s) => s.signInRefused);
  // The call announcer names the window on the phone; a window left waiting still speaks the agent's language.
  useEffect(() => {
    if (otherWindow) document.title = t('app.title');
  }, [otherWindow, t]);
  if (signInRefused) {
    return (
      <header className="status" data-testid="status">
        <p className="error" role="alert" data-testid="sign-in-refused">
          {t('status.signInRefused')}
        </p>
      </header>
    );
  }
  if (otherWindow) {
    return (
      <header className="status" data-testid="status">
        <p className="error" role="alert" data-testid="other-window">
          {t('status.otherWindow')}
        </p>
      </header>
    );
  }
  if (backendLost) {
    return (
      <header className="status" data-testid="status">
        <p className="error" role="alert" data-testid="backend-lost">
          {t('status.backendLost')}
        </p>
      </header>
    );
  }
  if (!status) return <header className="status">{t('status.starting')}</header>;
  return (
    <header className="status" data-testid="status">
      {status.problems.map((p) => (
        <p key={sentenceKey(p)} className="error" role="alert">
          <Said s={p} />
        </p>
      ))}
      <ReadinessLine status={status} />
      {/* The restriction that stops calls is the readiness line itself; the others follow it. */}
      <AccountAlerts
        alerts={status.accountAlerts?.filter((a) => a.alert !== callsRestricted(status.accountAlerts, Date.now()))}
        where="status"
      />
      {status.notices.map((n) => (
        <p key={sentenceKey(n)} className="warning" role="status" data-testid="notice">
          <Said s={n} />
        </p>
      ))}
      {ringingOut > 0 && <p data-testid="ringing-out">{t('status.ringingOut', { count: ringingOut })}</p>}
    </header>
  );
}

function PhonePage() {
  const { t } = useTranslation();
  const held = usePhone(selectHeld);
  const ringing = usePhone(useShallow(selectRinging));
  const ringingOut = usePhone(selectRingingOut);
  const active = usePhone(selectActive);
  const ended = usePhone((s) => (s.shownEndedId ? s.calls[s.shownEndedId] : undefined));
  const wrapUps = usePhone(selectWrapUps);
  // An answered call's summary is the first line of its wrap-up card: one card per call.
  const endedAlone = ended && !wrapUps.some((w) => w.callId === ended.callId) ? ended : undefined;
  const idle = ringing.length === 0 && !active && !held && !endedAlone && wrapUps.length === 0;
  const dialNumber = usePhone((s) => s.dialNumber);
  const dialKey = usePhone((s) => s.dialKey);
  // The dial box returning after the last wrap-up is saved takes the focus Save had.
  const hadWrapUps = useRef(false);
  useEffect(() => {
    hadWrapUps.current = wrapUps.length > 0;
  });
  return (
    <>
      {active && <InCall key={active.callId} call={active} />}
      {held && <HeldCall key={held.callId} call={held} />}
      {/* Several calls at once: how many, and the cards from the one waiting longest. */}
      {ringing.length > 1 && (
        <p className="ringing-count" role="status" data-testid="ringing-count">
          {t('incoming.ringingCount', { count: ringing.length })}
        </p>
      )}
      {ringing.map((call, i) => (
        <IncomingCall key={call.callId} call={call} waiting={active !== undefined} first={i === 0} />
      ))}
      {!active && !held && <CallbackOffers />}
      {!active && endedAlone && <CallEnded call={endedAlone} />}
      {!active && <WrapUpList />}
      {idle && (
        <section className="card idle" data-testid="idle">
          <h2>{t('idle.title')}</h2>
          <p>{ringingOut > 0 ? t('idle.ringingOut') : t('idle.text')}</p>
        </section>
      )}
      {/* Kept while a call rings: a number half typed stays, and so does the focus. Not during a wrap-up. */}
      {!active && !held && wrapUps.length === 0 && (
        <DialBox key={dialKey} initial={dialNumber} land={hadWrapUps.current || dialNumber !== undefined} />
      )}
    </>
  );
}

export function App() {
  const ringtonePlaying = usePhone((s) => s.ringtonePlaying);
  const ringerGain = usePhone((s) => s.ringerGain);
  const page = usePhone((s) => s.tab);
  const active = usePhone(selectActive);
  const otherWindow = usePhone((s) => s.otherWindow);
  useLeaveWarning(window.softphone !== undefined);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (keyForCall(event)) return;
      const action = shortcutFor(event, usePhone.getState().status?.preferences.shortcutKeys);
      if (!action) return;
      event.preventDefault();
      void runShortcut(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  if (otherWindow) {
    return (
      <main data-testid="phone">
        <AppHeading />
        <StatusBar />
      </main>
    );
  }
  return (
    <main
      data-testid="phone"
      data-ringtone={ringtonePlaying === 'ring' ? 'on' : (ringtonePlaying ?? 'off')}
      data-ringer-gain={ringerGain}
    >
      <AppHeading />
      <CallAnnouncer />
      <TopBar />
      <StatusBar />
      {page !== 'phone' && active && <CallBar call={active} />}
      {page !== 'phone' && <RingingBar />}
      {page !== 'phone' && !active && <CallbackBar />}
      <div role="tabpanel" id={`panel-${page}`} aria-labelledby={`tab-${page}`} className="panel">
        {page === 'phone' && <PhonePage />}
        {page === 'history' && <HistoryPage />}
        {page === 'settings' && <SettingsPage />}
      </div>
    </main>
  );
}
