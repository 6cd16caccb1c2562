import { useTranslation } from 'react-i18next';
import { sendDtmf } from '../actions';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function Keypad({ callId, sent }: { callId: string; sent: string }) {
  const { t } = useTranslation();
  return (
    <div className="keypad" data-testid="keypad">
      <output data-testid="dtmf-sent" aria-label={t('keypad.tonesSent')}>
        {sent || ' '}
      </output>
      <div className="keys">
        {KEYS.map((k) => (
          <button key={k} data-testid={`dtmf-${k}`} onClick={() => void sendDtmf(callId, k)}>
            {k}
          </button>
        ))}
      </div>
    </div>
  );
}
