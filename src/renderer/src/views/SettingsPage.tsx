import { usePhone } from '../store';
import { CallingSettingsPanel } from './CallingSettingsPanel';
import { ConnectionSettings } from './ConnectionSettings';
import { DevicesPanel } from './DevicesPanel';
import { PreferencesPanel } from './PreferencesPanel';
import { WebhookPanel } from './WebhookPanel';

export function SettingsPage() {
  const configured = usePhone((s) => s.status?.configured ?? false);
  const mode = usePhone((s) => s.status?.mode ?? 'direct');
  const relay = usePhone((s) => s.status?.relay);
  return (
    <>
      <ConnectionSettings firstRun={!configured} />
      {configured && mode === 'direct' && <WebhookPanel />}
      {configured && mode === 'direct' && <CallingSettingsPanel />}
      {configured && mode === 'relay' && (
        <section className="card" data-testid="relay-panel">
          <h2>Team relay</h2>
          <p className={relay?.connected ? 'ok' : 'error'} data-testid="relay-state">
            {relay?.connected ? `Connected to ${relay.url}` : (relay?.error ?? 'Connecting…')}
          </p>
        </section>
      )}
      <PreferencesPanel />
      <DevicesPanel />
    </>
  );
}
