import { useEffect } from 'react';
import { leavingLoses } from '../leaveWarning';
import { usePhone } from '../store';

/**
 * In a plain browser (the browser host), reloading or closing the tab during a call would drop its audio: the browser
 * asks first. Inside Electron the main process asks before the window closes, so the page adds nothing there.
 */
export function useLeaveWarning(inElectron: boolean): void {
  useEffect(() => {
    if (inElectron) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      const { calls, wrapUpDrafts } = usePhone.getState();
      if (!leavingLoses(calls, wrapUpDrafts)) return;
      event.preventDefault();
      // Older Chromium versions ask only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [inElectron]);
}
