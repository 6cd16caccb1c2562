import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { loadRecording } from '../actions';

/** WhatsApp's recording of a call, played from the app's data folder. */
export function RecordingPlayer({ callId }: { callId: string }) {
  const { t } = useTranslation();
  const [source, setSource] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let url: string | undefined;
    let gone = false;
    loadRecording(callId).then(
      (file) => {
        if (gone) return;
        if (!file.ok) return setError(file.error);
        const bytes = Uint8Array.from(atob(file.dataBase64), (c) => c.charCodeAt(0));
        url = URL.createObjectURL(new Blob([bytes], { type: file.mimeType }));
        setSource(url);
      },
      (e: unknown) => !gone && setError(String(e)),
    );
    return () => {
      gone = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [callId]);
  if (error)
    return (
      <small className="error" data-testid="history-recording-error">
        {error}
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
