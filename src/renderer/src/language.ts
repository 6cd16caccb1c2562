import { applyLanguage, pickLanguage } from './i18n';
import { usePhone } from './store';

/** Speaks the agent's chosen language, or the operating system's; follows a change of either. */
export function watchLanguage(): void {
  const apply = () =>
    applyLanguage(pickLanguage(usePhone.getState().status?.preferences.language, navigator.languages ?? []));
  apply();
  window.addEventListener('languagechange', apply);
  usePhone.subscribe((state, previous) => {
    if (state.status?.preferences.language !== previous.status?.preferences.language) apply();
  });
}
