import { useTranslation } from 'react-i18next';
import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { shortcutsFor } from '../../../shared/shortcuts';
import { selectActive, selectHeld, selectRinging, usePhone, type PhoneState } from '../store';
import { callerLabel, isolateNumber } from './format';

/** The answer shortcut as the agent reads it (Ctrl+Shift+A), or undefined when they took it away. */
function answerKeys(s: PhoneState): string | undefined {
  const answer = shortcutsFor(s.status?.preferences.shortcutKeys).find((k) => k.action === 'answer');
  return answer?.key ? answer.label : undefined;
}

/**
 * Says what the phone is doing where an agent looks away from the card: the window title (taskbar, tab) and a
 * live region that screen readers announce the moment a call rings, with how to answer: the ringing card never
 * takes the focus from what the agent is doing, so the announcement names the shortcut.
 */
export function CallAnnouncer() {
  const { t, i18n } = useTranslation();
  const ringing = usePhone(useShallow(selectRinging));
  const active = usePhone(selectActive);
  const keys = usePhone(answerKeys);
  const [announcement, setAnnouncement] = useState('');
  const first = ringing[0];
  // Plain text, where no <bdi> can go: a caller known by number reads left to right in an isolate.
  const ringingName = first ? isolateNumber(callerLabel(first, t('incoming.unknownCaller')).name) : undefined;
  const activeName = active ? isolateNumber(callerLabel(active, t('incoming.unknownCaller')).name) : undefined;
  const waiting = active !== undefined;
  // A call already on hold: the answer keys cannot hold the live one too, so the card is where to choose.
  const held = usePhone(selectHeld) !== undefined;

  useEffect(() => {
    const appTitle = t('app.title');
    if (ringingName) {
      document.title = `${t('incoming.titleRinging', { name: ringingName })} · ${appTitle}`;
      const key = keys === undefined || (waiting && held) ? 'announceOnCard' : waiting ? 'announceWaiting' : 'announce';
      setAnnouncement(t(`incoming.${key}`, { name: ringingName, keys }));
    } else if (activeName) {
      document.title = `${t('incoming.titleOnCall', { name: activeName })} · ${appTitle}`;
      setAnnouncement('');
    } else {
      document.title = appTitle;
      setAnnouncement('');
    }
  }, [ringingName, activeName, waiting, held, keys, t, i18n.language]);

  return (
    <div className="sr-only" aria-live="assertive" aria-atomic="true" data-testid="announcer">
      {announcement}
    </div>
  );
}
