import { usePhone } from './store';

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

/** Light or dark as the agent chose, or as the operating system says; follows the OS as it changes. */
export function applyTheme(): void {
  const choice = usePhone.getState().status?.preferences.theme ?? 'system';
  const dark = choice === 'dark' || (choice === 'system' && darkQuery().matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

export function watchTheme(): void {
  applyTheme();
  darkQuery().addEventListener('change', applyTheme);
  usePhone.subscribe((state, previous) => {
    if (state.status?.preferences.theme !== previous.status?.preferences.theme) applyTheme();
  });
}
