import { useTranslation } from 'react-i18next';
import type { AppStatus } from '../../../shared/ipcContract';
import { callsRestricted, readiness } from '../../../shared/readiness';
import { accountAlertText } from '../../../shared/whatsappWords/words';
import { savePreferences } from '../actions';
import { checkMicrophone } from '../micCheck';
import { usePhone } from '../store';
import { useShallow } from 'zustand/react/shallow';
import { ENGAGED_PHASES } from '../../../shared/callMachine';
import { awayAfterWrapUp, callWaitingHere, heldForWrapUp } from '../teamStatus';
import { Said } from './Said';
import { Say } from './Say';

/** One line that is green only when a call can ring here and be answered with a voice; otherwise what to fix. */
export function ReadinessLine({ status }: { status: AppStatus }) {
  const { t, i18n } = useTranslation();
  const mic = usePhone((s) => s.mic);
  // On a call or holding one, the line never says "Ready for calls": it says what a new call would do.
  const engaged = usePhone(useShallow((s) => Object.values(s.calls).filter((c) => ENGAGED_PHASES.includes(c.phase))));
  const openSettings = usePhone((s) => s.openSettings);
  // On the connection settings already: a button to open them would only repeat the screen.
  const onConnection = usePhone((s) => s.tab === 'settings' && s.settingsSection === 'connection');
  const state = readiness({
    configured: status.configured,
    mode: status.mode,
    listening: status.webhook.listening,
    relayConnected: status.relay?.connected ?? false,
    inNoQueue: status.relay?.queues?.length === 0,
    connection: status.connectionCheck,
    callbackUrl: status.webhook.callbackUrl,
    callbackReached: status.callbackReached,
    mic,
    agentStatus: status.preferences.status,
    wrapUp: heldForWrapUp(status),
    restriction: callsRestricted(status.accountAlerts, Date.now()),
  });
  const awayAfterCall = (reason: string | undefined) =>
    reason
      ? t('readiness.awayAfterCall', { reason: t(`notReadyReason.${reason}`, { defaultValue: reason }) })
      : t('readiness.awayAfterCallNoReason');
  // Away set during the wrap-up (by the agent or a supervisor): it applies once the wrap-up is saved.
  const afterWrapUp = state.code === 'wrapUp' ? awayAfterWrapUp(status) : undefined;
  // A wrap-up left from an earlier call does not hold off calls while another is live: call waiting still rings.
  const liveBesideWrapUp = state.code === 'wrapUp' && !afterWrapUp && engaged.length > 0;
  if ((state.ready || liveBesideWrapUp) && engaged.length > 0) {
    const talking = engaged.some((c) => c.heldSinceMs === undefined);
    const onCall = callWaitingHere(status, engaged.length) ? 'readiness.onCall' : 'readiness.onCallNoWaiting';
    return (
      <p className="notice readiness" data-testid="on-a-call" role="status">
        {t(talking ? onCall : 'readiness.onHold')}
      </p>
    );
  }
  if (state.ready) {
    return (
      <p className="ok readiness" data-testid="ready" role="status">
        {t(`readiness.${state.code}`, state.params)}
      </p>
    );
  }
  if (state.code === 'restricted') {
    // WhatsApp's own restriction: nothing here fixes it; the line says why and until when.
    return (
      <p className="warning readiness" data-testid="not-ready" role="status">
        {accountAlertText(callsRestricted(status.accountAlerts, Date.now())!, t, i18n.language)}
      </p>
    );
  }
  return (
    <p className="warning readiness" data-testid="not-ready" role="status">
      {state.code === 'connectionFailed' && status.connectionCheck.said ? (
        <Said s={status.connectionCheck.said} />
      ) : afterWrapUp ? (
        afterWrapUp.reason ? (
          t('readiness.awayAfterWrapUp', {
            reason: t(`notReadyReason.${afterWrapUp.reason}`, { defaultValue: afterWrapUp.reason }),
          })
        ) : (
          t('readiness.awayAfterWrapUpNoReason')
        )
      ) : state.code === 'away' && engaged.length > 0 ? (
        // Away set during a call (by the agent or a supervisor): it applies once the call and its wrap-up are done.
        awayAfterCall(status.team?.chosenReason)
      ) : state.code === 'away' && status.team?.state === 'not_ready' && status.team.reason ? (
        // In a team, Away is one of the team's not-ready reasons: the line says which.
        t('readiness.notReadyFor', {
          reason: t(`notReadyReason.${status.team.reason}`, { defaultValue: status.team.reason }),
        })
      ) : (
        t(`readiness.${state.code}`, state.params)
      )}{' '}
      {(state.code === 'away' || afterWrapUp) && status.statusSetBy && (
        <span data-testid="status-set-by">
          <Say k="readiness.setBySupervisor" values={{ name: status.statusSetBy }} />{' '}
        </span>
      )}
      {state.fix === 'settings' && !onConnection && (
        <button className="link" data-testid="fix-settings" onClick={() => openSettings('connection')}>
          {t('readiness.openSettings')}
        </button>
      )}
      {state.fix === 'microphone' && (
        <button className="link" data-testid="fix-microphone" onClick={() => void checkMicrophone()}>
          {t('readiness.checkAgain')}
        </button>
      )}
      {state.fix === 'status' && (
        <button className="link" data-testid="fix-status" onClick={() => void savePreferences({ status: 'available' })}>
          {t('readiness.switchAvailable')}
        </button>
      )}
    </p>
  );
}
