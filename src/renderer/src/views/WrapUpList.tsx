import { useTranslation } from 'react-i18next';
import { selectHeld, selectWrapUps, usePhone } from '../store';
import { WrapUpCard } from './WrapUpCard';
import { awayAfterWrapUp, saveTakesCalls } from '../teamStatus';

/** After-call work: a wrap-up for every answered call not yet written up, oldest first; no call rings meanwhile. */
export function WrapUpList() {
  const { t } = useTranslation();
  const wrapUps = usePhone(selectWrapUps);
  // With a call on hold, calls still ring (call waiting): the notice would say otherwise.
  const held = usePhone(selectHeld) !== undefined;
  // The automatic return ends the wait too, until the agent writes in a wrap-up (then only Save does).
  const timed = usePhone((s) => s.status?.wrapUp?.autoReturnAtMs !== undefined);
  // In a team the relay's own limit (or none) may have ended after-call work: calls ring while the card stays.
  const teamState = usePhone((s) => s.status?.team?.state);
  const ringsAgain = teamState === 'available' || teamState === 'reserved';
  // Not ready once the relay ended after-call work: no call rings, but because of the status, not the wrap-up.
  // Or Away chosen during the wrap-up (by them or a supervisor): saving leaves them not ready.
  const notReady = usePhone((s) => teamState === 'not_ready' || awayAfterWrapUp(s.status) !== undefined);
  const savingTakesCalls = usePhone((s) => saveTakesCalls(s.status));
  if (wrapUps.length === 0) return null;
  return (
    <div className="wrap-ups" data-testid="wrap-ups">
      {!held && (
        <p className="notice" data-testid="wrap-up-no-ring">
          {ringsAgain
            ? t('wrapUp.ringsAgain')
            : notReady
              ? t('wrapUp.notReadyKeeps')
              : timed
                ? t('wrapUp.noRingTimed')
                : wrapUps.length === 1
                  ? t('wrapUp.noRing')
                  : t('wrapUp.noRingAll', { count: wrapUps.length })}
        </p>
      )}
      {wrapUps.map((w, i) => (
        <WrapUpCard
          key={w.callId}
          callId={w.callId}
          sinceMs={w.sinceMs}
          takesCalls={wrapUps.length === 1 && !held && savingTakesCalls}
          first={i === 0}
        />
      ))}
    </div>
  );
}
