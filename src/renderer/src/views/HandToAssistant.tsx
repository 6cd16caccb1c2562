import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallView } from '../../../shared/ipcContract';
import { handToBot } from '../actions';
import { resultText } from './Said';

/**
 * Hands an anchored team call to one of its queue's bots (a payment step, a survey), with a note for it: the bot
 * joins the call, this desk's leg leaves, and the agent writes the call up.
 */
export function HandToAssistant({ call }: { call: CallView }) {
  const { t } = useTranslation();
  const assistants = call.assistants ?? [];
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState(assistants[0]?.id ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [sending, setSending] = useState(false);
  if (assistants.length === 0) return null;
  async function send(): Promise<void> {
    setSending(true);
    const result = await handToBot(call.callId, chosen, note.trim());
    setSending(false);
    if (result.ok) setOpen(false);
    else setError(resultText(result, t));
  }
  return (
    <div className="transfer">
      {!open ? (
        <div className="transfer-actions">
          <button data-testid="hand-to-assistant" onClick={() => setOpen(true)}>
            {t('inCall.handToAssistant')}
          </button>
        </div>
      ) : (
        <fieldset className="transfer-picker" data-testid="assistant-picker">
          <legend>{t('inCall.pickAssistant')}</legend>
          <label className="field">
            <span>{t('inCall.assistant')}</span>
            <select data-testid="assistant-choice" value={chosen} onChange={(e) => setChosen(e.target.value)}>
              {assistants.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t('inCall.assistantNote')}</span>
            <textarea
              data-testid="assistant-note-input"
              maxLength={500}
              rows={2}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          <div className="transfer-actions">
            <button data-testid="hand-over" className="answer" disabled={sending} onClick={() => void send()}>
              {t('inCall.handOver')}
            </button>
            <button
              onClick={() => {
                setOpen(false);
                setError(undefined);
              }}
            >
              {t('inCall.cancelPick')}
            </button>
          </div>
        </fieldset>
      )}
      {error && (
        <p className="error" role="alert" data-testid="hand-over-error">
          {error}
        </p>
      )}
    </div>
  );
}
