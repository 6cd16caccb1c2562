import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { selectRinging, usePhone } from '../store';
import { callerLabel } from './format';
import { Say } from './Say';

/**
 * A call ringing while the agent types on History or Settings: the tab stays (their text and focus with it) and
 * this bar says who calls; the card, with Answer, is one click away, and the answer shortcut works from here.
 */
export function RingingBar() {
  const { t } = useTranslation();
  const first = usePhone(useShallow(selectRinging))[0];
  const setTab = usePhone((s) => s.setTab);
  if (!first) return null;
  return (
    <section className="call-bar" data-testid="ringing-bar" aria-label={t('ringingBar.label')}>
      <strong>
        <Say k="ringingBar.calling" values={{ name: callerLabel(first, t('incoming.unknownCaller')).name }} />
      </strong>
      <button data-testid="ringing-bar-show" onClick={() => setTab('phone')}>
        {t('ringingBar.show')}
      </button>
    </section>
  );
}
