import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_WRAP_UP_CODES } from '../../../shared/historySchemas';
import { savePreferences } from '../actions';
import { usePhone } from '../store';
import { PanelError, useSectionSaver } from './SectionSave';
import { outcomeCode, outcomeLabel } from './format';

/** The operator's outcome codes and the automatic return to Available after a call. */
export function WrapUpSettings() {
  const { t } = useTranslation();
  const prefs = usePhone((s) => s.status?.preferences);
  const [initial] = useState(() => ({
    codes: (prefs?.wrapUpCodes ?? DEFAULT_WRAP_UP_CODES).map((code) => outcomeLabel(code, t)).join('\n'),
    autoReturn: String(prefs?.wrapUpAutoReturnSec ?? 0),
  }));
  const [codes, setCodes] = useState(initial.codes);
  const [autoReturn, setAutoReturn] = useState(initial.autoReturn);
  const [error, setError] = useState<string>();

  async function save(): Promise<boolean> {
    const list = [...new Set(codes.split('\n').map((c) => outcomeCode(c.trim(), t)))].filter(Boolean);
    const seconds = Number(autoReturn);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 3600) {
      setError(t('wrapUp.autoReturnSetting'));
      return false;
    }
    if (list.some((c) => c.length > 60) || list.length > 30) {
      setError(t('wrapUp.codes'));
      return false;
    }
    setError(undefined);
    await savePreferences({ wrapUpCodes: list, wrapUpAutoReturnSec: seconds });
    return true;
  }
  useSectionSaver('wrapUp', codes !== initial.codes || autoReturn !== initial.autoReturn, save);

  return (
    <section className="card" data-testid="wrap-up-settings">
      <h2>{t('wrapUp.title')}</h2>
      <label className="field">
        <span>{t('wrapUp.codes')}</span>
        <textarea data-testid="wrap-up-codes" rows={5} value={codes} onChange={(e) => setCodes(e.target.value)} />
      </label>
      <label className="field">
        <span>{t('wrapUp.autoReturnSetting')}</span>
        <input
          data-testid="wrap-up-auto-return"
          inputMode="numeric"
          value={autoReturn}
          onChange={(e) => setAutoReturn(e.target.value)}
        />
      </label>
      <PanelError error={error} />
    </section>
  );
}
