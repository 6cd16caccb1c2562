import type { SettingsFinding } from '../../../shared/callingSettings';

/** What WhatsApp's settings mean for this desk, worst first, one sentence each. */
export function FindingsList(props: { findings: SettingsFinding[]; testId: string }) {
  return (
    <ul className="findings" data-testid={props.testId}>
      {props.findings.map((f) => (
        <li key={f.text} className={f.level === 'ok' ? 'ok' : f.level === 'warning' ? 'warning' : 'error'}>
          {f.text}
        </li>
      ))}
    </ul>
  );
}
