import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { savePreferences } from '../actions';
import { usePhone } from '../store';

/** The CRM page for a customer, opened from the ringing card and the call, or by itself on answer. */
export function CrmSettings() {
  const { t } = useTranslation();
  const prefs = usePhone((s) => s.status?.preferences);
  const [template, setTemplate] = useState(prefs?.crmUrlTemplate ?? '');
  const [error, setError] = useState<string>();
  async function save(): Promise<void> {
    const value = template.trim();
    if (value !== '' && !/^https:\/\/\S+$/.test(value)) return setError(t('customer.crmTemplate'));
    setError(undefined);
    await savePreferences({ crmUrlTemplate: value });
  }
  return (
    <section className="card" data-testid="crm-settings">
      <label className="field">
        <span>{t('customer.crmTemplate')}</span>
        <input
          data-testid="crm-template"
          value={template}
          placeholder="https://crm.example.com/search?phone={phone}&user={user_id}"
          onChange={(e) => setTemplate(e.target.value)}
        />
      </label>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="crm-screen-pop"
          checked={prefs?.crmScreenPop ?? false}
          onChange={(e) => void savePreferences({ crmScreenPop: e.target.checked })}
        />
        {t('customer.screenPop')}
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button data-testid="crm-save" onClick={() => void save()}>
        {t('customer.saveCrm')}
      </button>
    </section>
  );
}
