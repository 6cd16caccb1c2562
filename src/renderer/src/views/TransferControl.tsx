import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../../../shared/ipcContract';
import { listColleagues, transferCall } from '../actions';

/** Blind transfer of an anchored team call: choose an available colleague; the call is theirs once they answer. */
export function TransferControl({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const [colleagues, setColleagues] = useState<string[]>();
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string>();
  if (call.transferringTo)
    return (
      <p className="notice" role="status" data-testid="transferring">
        {t('inCall.transferring', { name: call.transferringTo })}
      </p>
    );
  async function open(): Promise<void> {
    const { agents } = await listColleagues();
    setColleagues(agents);
    setChosen(agents[0] ?? '');
    setError(agents.length === 0 ? t('inCall.noColleague') : undefined);
  }
  async function send(): Promise<void> {
    const result = await transferCall(call.callId, chosen);
    if (result.ok) setColleagues(undefined);
    else setError(result.error);
  }
  return (
    <div className="transfer">
      {call.transferDeclinedBy && (
        <p className="notice" role="status" data-testid="transfer-declined">
          {t('inCall.transferDeclined', { name: call.transferDeclinedBy })}
        </p>
      )}
      {colleagues === undefined ? (
        <button data-testid="transfer" onClick={() => void open()}>
          {t('inCall.transfer')}
        </button>
      ) : (
        colleagues.length > 0 && (
          <>
            <label>
              {t('inCall.transferTo')}{' '}
              <select data-testid="transfer-to" value={chosen} onChange={(e) => setChosen(e.target.value)}>
                {colleagues.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </label>
            <button data-testid="transfer-send" onClick={() => void send()}>
              {t('inCall.transfer')}
            </button>
          </>
        )
      )}
      {error && (
        <p className="error" role="alert" data-testid="transfer-error">
          {error}
        </p>
      )}
    </div>
  );
}
