import { useTranslation } from 'react-i18next';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectActive, selectRinging, usePhone } from '../store';
import { callerLabel } from './format';

/**
 * Says what the phone is doing where an agent looks away from the card: the window title (taskbar, tab) and a
 * live region that screen readers announce the moment a call rings.
 */
export function CallAnnouncer() {
  const { t, i18n } = useTranslation();
  const ringing = usePhone(useShallow(selectRinging));
  const active = usePhone(selectActive);
  const [announcement, setAnnouncement] = useState('');
  const first = ringing[0];
  const ringingName = first ? callerLabel(first, t('incoming.unknownCaller')).name : undefined;
  const activeName = active ? callerLabel(active, t('incoming.unknownCaller')).name : undefined;

  useEffect(() => {
    const appTitle = t('app.title');
    if (ringingName) {
      document.title = `${t('incoming.titleRinging', { name: ringingName })} · ${appTitle}`;
      setAnnouncement(t('incoming.announce', { name: ringingName }));
    } else if (activeName) {
      document.title = `${t('incoming.titleOnCall', { name: activeName })} · ${appTitle}`;
      setAnnouncement('');
    } else {
      document.title = appTitle;
      setAnnouncement('');
    }
  }, [ringingName, activeName, t, i18n.language]);

  return (
    <div className="sr-only" aria-live="assertive" aria-atomic="true" data-testid="announcer">
      {announcement}
    </div>
  );
}
