import { useTranslation } from 'react-i18next';
import type { SettingsFinding } from '../../../shared/callingSettings';
import { accountAlertText } from '../../../shared/whatsappWords/words';
import { saidText } from './Said';

/** What WhatsApp's settings mean for this desk, worst first, one sentence each, in the agent's language. */
export function FindingsList(props: { findings: SettingsFinding[]; testId: string }) {
  const { t, i18n } = useTranslation();
  const worded = (f: SettingsFinding): string => {
    if (f.alert) return accountAlertText(f.alert, t, i18n.language);
    if (f.key) return t(`callingFindings.${f.key}`, f.values);
    if (f.said?.length) return f.said.map((s) => saidText(s, t)).join(' ');
    return f.text;
  };
  return (
    <ul className="findings" data-testid={props.testId}>
      {props.findings.map((f) => (
        <li key={f.text} className={f.level === 'ok' ? 'ok' : f.level === 'warning' ? 'warning' : 'error'}>
          {worded(f)}
        </li>
      ))}
    </ul>
  );
}
