import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadSettings } from '../actions';
import { usePhone, type SettingsSection } from '../store';
import { CallingSettingsPanel } from './CallingSettingsPanel';
import { AccountAlerts } from './AccountAlerts';
import { ConnectionSettings } from './ConnectionSettings';
import { TurnSettings } from './TurnSettings';
import { DevicesPanel } from './DevicesPanel';
import { PreferencesPanel } from './PreferencesPanel';
import { CaptureSettings } from './CaptureSettings';
import { CrmSettings } from './CrmSettings';
import { FollowUpSettings } from './FollowUpSettings';
import { HoldMusicSettings } from './HoldMusicSettings';
import { ShiftCheck } from './ShiftCheck';
import { WrapUpSettings } from './WrapUpSettings';
import { WebhookPanel } from './WebhookPanel';
import { Welcome } from './Welcome';
import { Said } from './Said';
import { SavedSection } from './SectionSave';

const SECTIONS: SettingsSection[] = ['connection', 'audio', 'desk', 'team'];

function TeamSection() {
  const { t } = useTranslation();
  const mode = usePhone((s) => s.status?.mode ?? 'direct');
  const relay = usePhone((s) => s.status?.relay);
  return (
    <section className="card" data-testid="relay-panel">
      <h2>{t('settings.team')}</h2>
      {mode === 'relay' ? (
        <p className={relay?.connected ? 'ok' : 'error'} data-testid="relay-state">
          {relay?.connected ? (
            t('settings.relayConnected', { url: relay.url })
          ) : relay?.error ? (
            <Said s={relay.error} />
          ) : (
            t('status.starting')
          )}
        </p>
      ) : (
        <p data-testid="relay-state">{t('settings.teamDirect')}</p>
      )}
    </section>
  );
}

/** Settings one section at a time: the administrator's connection apart from the agent's audio and desk. */
export function SettingsPage() {
  const { t } = useTranslation();
  const configured = usePhone((s) => s.status?.configured ?? false);
  const mode = usePhone((s) => s.status?.mode ?? 'direct');
  const chosen = usePhone((s) => s.settingsSection);
  const openSettings = usePhone((s) => s.openSettings);
  const alerts = usePhone((s) => s.status?.accountAlerts);
  // The webhook and WhatsApp's calling settings are the administrator's too: hidden from a managed desk.
  const [managed, setManaged] = useState<boolean>();
  useEffect(() => {
    void loadSettings().then((view) => setManaged(view.locked.length > 0));
  }, []);
  // Not yet connected, the phone opens on Connection, but Audio and Desk (its language) are there to set first.
  const section = chosen;
  return (
    <div className="settings-page">
      <nav className="sections" aria-label={t('settings.sections')}>
        {SECTIONS.map((id) => (
          <button
            key={id}
            data-testid={`settings-section-${id}`}
            aria-current={section === id ? 'page' : undefined}
            onClick={() => openSettings(id)}
          >
            {t(`settings.${id}`)}
          </button>
        ))}
      </nav>
      {section === 'connection' && (
        <>
          {!configured && <Welcome managed={managed === true} teamSignIn={mode === 'relay'} />}
          <ConnectionSettings />
          {mode === 'direct' && <TurnSettings />}
          <AccountAlerts alerts={alerts} where="settings" />
          {configured && mode === 'direct' && managed === false && <WebhookPanel />}
          {configured && mode === 'direct' && managed === false && <CallingSettingsPanel />}
        </>
      )}
      {section === 'audio' && (
        <>
          <DevicesPanel />
          <ShiftCheck />
          <HoldMusicSettings />
        </>
      )}
      {section === 'desk' && (
        <SavedSection>
          <PreferencesPanel />
          <WrapUpSettings />
          <CrmSettings />
          <FollowUpSettings />
          <CaptureSettings />
        </SavedSection>
      )}
      {section === 'team' && <TeamSection />}
    </div>
  );
}
