import { useTranslation } from 'react-i18next';
import type { CallView } from '../../../shared/ipcContract';
import { Say } from './Say';

/**
 * What the queue's bot learned before it handed the call over: "From the assistant: <summary>" and its facts, each
 * key and value in its own direction, with the conversation one click away. The same on the ringing card, the call
 * view and the held call.
 */
export function FromAssistant({ note }: { note: CallView['assistant'] }) {
  const { t } = useTranslation();
  if (!note) return null;
  const facts = Object.entries(note.facts);
  return (
    <div className="notice" data-testid="assistant-note">
      <p>
        <Say k="incoming.fromAssistant" values={{ summary: note.summary }} />
      </p>
      {facts.length > 0 && (
        <dl aria-label={t('incoming.assistantFacts')} data-testid="assistant-facts">
          {facts.map(([key, value]) => (
            <div key={key}>
              <dt dir="auto">{key}</dt>
              <dd dir="auto">{value}</dd>
            </div>
          ))}
        </dl>
      )}
      {note.transcript && note.transcript.length > 0 && (
        <details data-testid="assistant-transcript">
          <summary>{t('incoming.assistantTranscript')}</summary>
          <ol>
            {note.transcript.map((turn, i) => (
              <li key={i}>
                <Say
                  k={turn.speaker === 'assistant' ? 'incoming.assistantSaid' : 'incoming.customerSaid'}
                  values={{ text: turn.text }}
                />
              </li>
            ))}
          </ol>
        </details>
      )}
    </div>
  );
}
