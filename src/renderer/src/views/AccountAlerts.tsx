import { useTranslation } from 'react-i18next';
import type { ReceivedAccountAlert } from '../../../shared/accountAlerts';
import { accountAlertText } from '../../../shared/whatsappWords/words';

/** WhatsApp's word about the business number (restrictions, warnings, errors about no one call), in sentences. */
export function AccountAlerts({ alerts, where }: { alerts: ReceivedAccountAlert[] | undefined; where: string }) {
  const { t, i18n } = useTranslation();
  if (!alerts || alerts.length === 0) return null;
  return (
    <ul className="account-alerts" aria-label={t('accountAlerts.title')} data-testid={`account-alerts-${where}`}>
      {alerts.map((received) => (
        <li
          key={`${received.atMs}:${JSON.stringify(received.alert)}`}
          className={received.alert.kind === 'settings_changed' ? 'notice' : 'warning'}
          data-testid="account-alert"
          data-kind={received.alert.kind}
        >
          {accountAlertText(received.alert, t, i18n.language)}
        </li>
      ))}
    </ul>
  );
}
