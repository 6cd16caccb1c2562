import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { testConnection } from '../actions';
import { startMicMeter } from '../rtc/micMeter';
import { playTestSound } from '../rtc/testSound';
import { usePhone } from '../store';

type Step = 'mic' | 'speaker' | 'whatsapp';
type Outcome = { ok: boolean; text: string };

/** Listens to the microphone for up to three seconds; a live one hears at least the room. */
async function micHearsSound(deviceId: string | undefined): Promise<boolean> {
  let loudest = 0;
  const meter = await startMicMeter(deviceId, (level) => (loudest = Math.max(loudest, level)));
  for (let waited = 0; waited < 3000 && loudest <= 0.02; waited += 100) await new Promise((r) => setTimeout(r, 100));
  meter.stop();
  return loudest > 0.02;
}

/** Before a shift: does the microphone hear, does the speaker play, does WhatsApp (or the relay) answer? */
export function ShiftCheck() {
  const { t } = useTranslation();
  const prefs = usePhone((s) => s.status?.preferences);
  const [running, setRunning] = useState(false);
  const [results, setResults] = useState<Partial<Record<Step, Outcome>>>({});

  async function run(): Promise<void> {
    setRunning(true);
    setResults({});
    const mic = await micHearsSound(prefs?.micDeviceId).then(
      (heard): Outcome => ({ ok: heard, text: heard ? t('shiftCheck.micOk') : t('shiftCheck.micSilent') }),
      (): Outcome => ({ ok: false, text: t('shiftCheck.micBlocked') }),
    );
    setResults((r) => ({ ...r, mic }));
    const speaker = await playTestSound(prefs?.speakerDeviceId).then(
      (): Outcome => ({ ok: true, text: t('shiftCheck.speakerOk') }),
      (): Outcome => ({ ok: false, text: t('shiftCheck.speakerFailed') }),
    );
    setResults((r) => ({ ...r, speaker }));
    const link = await testConnection().catch(() => ({ ok: false as const, error: t('shiftCheck.whatsappFailed') }));
    const whatsapp: Outcome = link.ok
      ? { ok: true, text: t('shiftCheck.whatsappOk') }
      : { ok: false, text: link.error };
    setResults((r) => ({ ...r, whatsapp }));
    setRunning(false);
  }

  return (
    <section className="card" data-testid="shift-check">
      <h2>{t('shiftCheck.title')}</h2>
      <button data-testid="shift-check-run" disabled={running} onClick={() => void run()}>
        {running ? t('shiftCheck.running') : t('shiftCheck.run')}
      </button>
      <ul className="findings" aria-live="polite">
        {(['mic', 'speaker', 'whatsapp'] as const).map((step) => {
          const result = results[step];
          if (!result) return null;
          return (
            <li
              key={step}
              className={result.ok ? 'ok' : 'error'}
              data-testid={`shift-check-${step}`}
              data-ok={result.ok}
            >
              {result.text}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
