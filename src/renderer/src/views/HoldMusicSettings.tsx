import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { chooseHoldMusic, holdMusicName, restoreBuiltInHoldMusic } from '../holdMusicFile';

/** The operator's hold music: any audio file Chromium can decode, checked before it is kept. */
export function HoldMusicSettings() {
  const { t } = useTranslation();
  const [name, setName] = useState(holdMusicName());
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function choose(file: File | undefined): Promise<void> {
    if (!file) return;
    setBusy(true);
    setError(undefined);
    const result = await chooseHoldMusic(file);
    setBusy(false);
    if (result.ok) setName(file.name);
    else setError(t('holdMusic.refused', { name: file.name, reason: result.reason }));
  }

  return (
    <section className="card" data-testid="hold-music-settings">
      <h2>{t('holdMusic.title')}</h2>
      <p data-testid="hold-music-current">{name ? t('holdMusic.current', { name }) : t('holdMusic.builtIn')}</p>
      <label className="field">
        <span>{t('holdMusic.choose')}</span>
        <input
          type="file"
          accept="audio/*"
          data-testid="hold-music-file"
          disabled={busy}
          onChange={(e) => void choose(e.target.files?.[0])}
        />
      </label>
      {error && (
        <p className="error" role="alert" data-testid="hold-music-error">
          {error}
        </p>
      )}
      {name && (
        <button
          data-testid="hold-music-builtin"
          onClick={() => void restoreBuiltInHoldMusic().then(() => setName(undefined))}
        >
          {t('holdMusic.useBuiltIn')}
        </button>
      )}
    </section>
  );
}
