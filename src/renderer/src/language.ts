import { applyLanguage, pickLanguage } from './i18n';
import { usePhone } from './store';

/** The agent's choice kept in the browser, for a page that has no status to read it from (another tab has the phone). */
const KEPT_KEY = 'wa-softphone.language';

function keptChoice(): string | undefined {
  try {
    return localStorage.getItem(KEPT_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

function keepChoice(choice: string | undefined): void {
  try {
    if (choice) localStorage.setItem(KEPT_KEY, choice);
    else localStorage.removeItem(KEPT_KEY);
  } catch {
    // Storage refused (private mode, quota): the page still follows the status while it has one.
  }
}

/** Speaks the agent's chosen language, or the operating system's; follows a change of either. */
export function watchLanguage(): void {
  const apply = () => {
    const status = usePhone.getState().status;
    if (status) keepChoice(status.preferences.language);
    const choice = status ? status.preferences.language : keptChoice();
    applyLanguage(pickLanguage(choice, navigator.languages ?? []));
  };
  apply();
  window.addEventListener('languagechange', apply);
  usePhone.subscribe((state, previous) => {
    if (state.status?.preferences.language !== previous.status?.preferences.language) apply();
  });
}
