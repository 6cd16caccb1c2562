import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadRecording } from '../actions';
import { resultText } from './Said';

/** WhatsApp's recording of a call, played from the app's data folder. */
export function RecordingPlayer({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const [source, setSource] = useState<string>();
  // Kept as main sent it, so it is worded in the language of the moment.
  const [failure, setFailure] = useState<Parameters<typeof resultText>[0]>();
  useEffect(() => {
    let url: string | undefined;
    let gone = false;
    loadRecording(callId).then(
      (file) => {
        if (gone) return;
        if (!file.ok) return setFailure(file);
        const bytes = Uint8Array.from(atob(file.dataBase64), (c) => c.charCodeAt(0));
        url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
        setSource(url);
      },
      (e: unknown) => !gone && setFailure({ error: String(e) }),
    );
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [callId]);
  if (failure)
    return (
      <small className="error" data-testid="history-recording-error">
        {resultText(failure, t)}
      </small>
    );
  if (!source) return null;
  return (
    <audio
      controls
      preload="metadata"
      src={source}
      data-testid="history-recording"
      aria-label={t('history.recording')}
    />
  );
}
