import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { selectActive, selectRinging, usePhone } from '../store';
import { callerLabel } from './format';

const APP_TITLE = 'WhatsApp Business phone';

/**
 * Says what the phone is doing where an agent looks away from the card: the window title (taskbar, tab) and a
 * live region that screen readers announce the moment a call rings.
 */
export function CallAnnouncer() {
  const ringing = usePhone(useShallow(selectRinging));
  const active = usePhone(selectActive);
  const [announcement, setAnnouncement] = useState('');
  const first = ringing[0];
  const ringingName = first ? callerLabel(first).name : undefined;
  const activeName = active ? callerLabel(active).name : undefined;

  useEffect(() => {
    if (ringingName) {
      document.title = `Ringing: ${ringingName} · ${APP_TITLE}`;
      setAnnouncement(`Incoming WhatsApp call from ${ringingName}. Press Enter to answer.`);
    } else if (activeName) {
      document.title = `On call: ${activeName} · ${APP_TITLE}`;
      setAnnouncement('');
    } else {
      document.title = APP_TITLE;
      setAnnouncement('');
    }
  }, [ringingName, activeName]);

  return (
    <div className="sr-only" aria-live="assertive" aria-atomic="true" data-testid="announcer">
      {announcement}
    </div>
  );
}
