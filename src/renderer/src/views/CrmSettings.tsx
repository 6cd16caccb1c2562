import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { savePreferences } from '../actions';
import { usePhone } from '../store';
import { PanelError, useSectionSaver } from './SectionSave';

/** The CRM page for a customer, opened from the ringing card and the call, or by itself on answer. */
export function CrmSettings() {
  const { t } = useTranslation();
  const prefs = usePhone((s) => s.status?.preferences);
  const [initial] = useState(prefs?.crmUrlTemplate ?? '');
  const [template, setTemplate] = useState(initial);
  const [error, setError] = useState<string>();
  async function save(): Promise<boolean> {
    const value = template.trim();
    if (value !== '' && !/^https:\/\/\S+$/.test(value)) {
      setError(t('customer.crmTemplate'));
      return false;
    }
    setError(undefined);
    await savePreferences({ crmUrlTemplate: value });
    return true;
  }
  useSectionSaver('crm', template !== initial, save);
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
      <PanelError error={error} />
    </section>
  );
}
