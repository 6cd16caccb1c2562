import { usePhone } from '../store';
import { ConnectionSettings } from './ConnectionSettings';
import { DevicesPanel } from './DevicesPanel';
import { PreferencesPanel } from './PreferencesPanel';
import { WebhookPanel } from './WebhookPanel';

export function SettingsPage() {
  const configured = usePhone((s) => s.status?.configured ?? false);
  return (
    <>
      <ConnectionSettings firstRun={!configured} />
      {configured && <WebhookPanel />}
      <PreferencesPanel />
      <DevicesPanel />
    </>
  );
}
