import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../../../shared/ipcContract';
import { holdCustomer, listColleagues, transferCall } from '../actions';
import { Say } from './Say';
import { resultText } from './Said';

type Mode = 'transfer' | 'conference' | 'consult';

/** The picker says what choosing a colleague will do. */
const PICKER_TITLE = {
  transfer: 'inCall.pickTransfer',
  consult: 'inCall.pickConsult',
  conference: 'inCall.pickAdd',
} as const;

/**
 * Blind transfer of an anchored team call (the call is the colleague's once they answer), adding a colleague to it
 * (conference), or consulting first (warm transfer: the customer waits on the team's hold music while the colleague
 * joins; then Bring the customer in, and hang up to leave them together): choose an available colleague.
 */
export function TransferControl({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const [colleagues, setColleagues] = useState<string[]>();
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string>();
  const [mode, setMode] = useState<Mode>('transfer');
  if (call.transferringTo)
    return (
      <p className="notice" role="status" data-testid="transferring">
        <Say k="inCall.transferring" values={{ name: call.transferringTo }} />
      </p>
    );
  async function open(next: Mode): Promise<void> {
    setMode(next);
    const { agents } = await listColleagues();
    setColleagues(agents);
    setChosen(agents[0] ?? '');
    setError(agents.length === 0 ? t('inCall.noColleague') : undefined);
  }
  function cancel(): void {
    setColleagues(undefined);
    setError(undefined);
  }
  async function send(): Promise<void> {
    const result = await transferCall(call.callId, chosen, mode === 'conference', mode === 'consult');
    if (result.ok) setColleagues(undefined);
    else setError(resultText(result, t));
  }
  return (
    <div className="transfer">
      {call.transferDeclinedBy && (
        <p className="notice" role="status" data-testid="transfer-declined">
          <Say k="inCall.transferDeclined" values={{ name: call.transferDeclinedBy }} />
        </p>
      )}
      {call.conferenceWith && call.conferenceWith.length > 0 && (
        <p className="notice" data-testid="conference-with">
          <Say k="inCall.conferenceWith" values={{ names: call.conferenceWith.join(', ') }} />
        </p>
      )}
      {call.supervisorOnCall && call.supervisorWhispering && (
        <p className="notice" role="status" data-testid="supervisor-whispering">
          <Say k="inCall.supervisorWhispering" values={{ name: call.supervisorOnCall }} />
        </p>
      )}
      {call.supervisorOnCall && !call.supervisorWhispering && (
        <p className="notice" role="status" data-testid="supervisor-on-call">
          <Say k="inCall.supervisorOnCall" values={{ name: call.supervisorOnCall }} />
        </p>
      )}
      {call.customerHeld && (
        <p className="notice" role="status" data-testid="customer-held">
          {t('inCall.customerHeld')}{' '}
          <button
            data-testid="customer-unhold"
            onClick={() =>
              void holdCustomer(call.callId, false).then((r) => setError(r.ok ? undefined : resultText(r, t)))
            }
          >
            {t('inCall.bringCustomerIn')}
          </button>
        </p>
      )}
      {call.inviting && (
        <p className="notice" role="status" data-testid="inviting">
          <Say k="inCall.inviting" values={{ name: call.inviting }} />
        </p>
      )}
      {colleagues === undefined ? (
        <div className="transfer-actions">
          <button data-testid="transfer" onClick={() => void open('transfer')}>
            {t('inCall.transfer')}
          </button>
          <button data-testid="consult" onClick={() => void open('consult')}>
            {t('inCall.consult')}
          </button>
          <button data-testid="add-colleague" onClick={() => void open('conference')}>
            {t('inCall.addColleague')}
          </button>
        </div>
      ) : (
        <fieldset className="transfer-picker" data-testid="colleague-picker">
          <legend>{t(PICKER_TITLE[mode])}</legend>
          {colleagues.length > 0 && (
            <label className="field">
              <span>{t('inCall.colleague')}</span>
              <select data-testid="transfer-to" value={chosen} onChange={(e) => setChosen(e.target.value)}>
                {colleagues.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </label>
          )}
          <div className="transfer-actions">
            {colleagues.length > 0 && (
              <button data-testid="transfer-send" className="answer" onClick={() => void send()}>
                {t(
                  mode === 'conference'
                    ? 'inCall.addColleague'
                    : mode === 'consult'
                      ? 'inCall.consult'
                      : 'inCall.transfer',
                )}
              </button>
            )}
            <button data-testid="transfer-cancel" onClick={cancel}>
              {t('inCall.cancelPick')}
            </button>
          </div>
        </fieldset>
      )}
      {error && (
        <p className="error" role="alert" data-testid="transfer-error">
          {error}
        </p>
      )}
    </div>
  );
}
