import { useTranslation } from 'react-i18next';

const STEPS = ['step1', 'step2', 'step3', 'step4', 'step5'] as const;
const MARK = '\u0001';

/** The first screen before any connection: one welcome, a simulated call to try, and Meta's setup steps. */
export function Welcome({ managed = false, teamSignIn = false }: { managed?: boolean; teamSignIn?: boolean }) {
  const { t } = useTranslation();
  // A managed desk's connection is the administrator's: no steps the agent could not take anyway. One set up for
  // a team's relay still needs the agent's own sign-in, below.
  if (managed)
    return (
      <section className="card welcome" data-testid="welcome" aria-labelledby="welcome-title">
        <h2 id="welcome-title">{t('welcome.title')}</h2>
        <p data-testid="welcome-managed">{t(teamSignIn ? 'welcome.managedSignIn' : 'welcome.managed')}</p>
      </section>
    );
  // The command stays as typed in every language, set as code where the sentence puts it.
  const [before, after] = t('welcome.tryText', { command: MARK }).split(MARK);
  return (
    <section className="card welcome" data-testid="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">{t('welcome.title')}</h2>
      <p>{t('welcome.intro')}</p>
      <h3>{t('welcome.tryTitle')}</h3>
      <p data-testid="welcome-try">
        {before}
        <code>npm run demo</code>
        {after}
      </p>
      <h3>{t('welcome.connectTitle')}</h3>
      <ol data-testid="welcome-steps">
        {STEPS.map((step) => (
          <li key={step}>{t(`welcome.${step}`)}</li>
        ))}
      </ol>
      <p>{t('welcome.secrets')}</p>
    </section>
  );
}
