import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../../../shared/ipcContract';
import { listColleagues, transferCall } from '../actions';

/**
 * Blind transfer of an anchored team call (the call is the colleague's once they answer), or adding a colleague to
 * it (conference): choose an available colleague.
 */
export function TransferControl({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const [colleagues, setColleagues] = useState<string[]>();
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string>();
  const [conference, setConference] = useState(false);
  if (call.transferringTo)
    return (
      <p className="notice" role="status" data-testid="transferring">
        {t('inCall.transferring', { name: call.transferringTo })}
      </p>
    );
  async function open(asConference: boolean): Promise<void> {
    setConference(asConference);
    const { agents } = await listColleagues();
    setColleagues(agents);
    setChosen(agents[0] ?? '');
    setError(agents.length === 0 ? t('inCall.noColleague') : undefined);
  }
  async function send(): Promise<void> {
    const result = await transferCall(call.callId, chosen, conference);
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
      {call.conferenceWith && call.conferenceWith.length > 0 && (
        <p className="notice" data-testid="conference-with">
          {t('inCall.conferenceWith', { names: call.conferenceWith.join(', ') })}
        </p>
      )}
      {call.inviting && (
        <p className="notice" role="status" data-testid="inviting">
          {t('inCall.inviting', { name: call.inviting })}
        </p>
      )}
      {colleagues === undefined ? (
        <>
          <button data-testid="transfer" onClick={() => void open(false)}>
            {t('inCall.transfer')}
          </button>
          <button data-testid="add-colleague" onClick={() => void open(true)}>
            {t('inCall.addColleague')}
          </button>
        </>
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
              {conference ? t('inCall.addColleague') : t('inCall.transfer')}
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
