import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TurnField, TurnFieldError, TurnSettingsForm, TurnSettingsView } from '../../../shared/turnSettings';
import { loadTurnSettings, saveTurnSettings } from '../actions';

interface Form {
  turnUrls: string;
  turnSecret: string;
  clearTurnSecret: boolean;
  turnLifetimeSeconds: string;
  turnRelayOnly: boolean;
}

function formFrom(view: TurnSettingsView): Form {
  return {
    turnUrls: view.turnUrls.join('\n'),
    turnSecret: '',
    clearTurnSecret: false,
    turnLifetimeSeconds: String(view.turnLifetimeSeconds),
    turnRelayOnly: view.turnRelayOnly,
  };
}

/** What the page sends: the fields the environment sets are left out (main refuses them all the same). */
function request(form: Form, fromEnvironment: readonly TurnField[]): TurnSettingsForm {
  const mine = (field: TurnField) => !fromEnvironment.includes(field);
  return {
    ...(mine('turnUrls') && { turnUrls: form.turnUrls }),
    ...(mine('turnSecret') && { turnSecret: form.turnSecret, clearTurnSecret: form.clearTurnSecret }),
    ...(mine('turnLifetimeSeconds') && { turnLifetimeSeconds: form.turnLifetimeSeconds }),
    ...(mine('turnRelayOnly') && { turnRelayOnly: form.turnRelayOnly }),
  };
}

/** One field's error or, for a field the environment sets, that it is set there; tied to the field by its id. */
function FieldNote(props: { field: TurnField; error?: TurnFieldError; fromEnvironment: boolean }) {
  const { t } = useTranslation();
  if (props.error)
    return (
      <small className="error" id={`${props.field}-note`} data-testid={`error-${props.field}`}>
        {t(`turnSettings.rules.${props.error.rule}`, { url: props.error.value ?? '' })}
      </small>
    );
  if (!props.fromEnvironment) return null;
  return (
    <small className="hint" id={`${props.field}-note`} data-testid={`env-${props.field}`}>
      {t('turnSettings.setByEnvironment', { variable: ENV_VARIABLES[props.field] })}
    </small>
  );
}

const ENV_VARIABLES: Record<TurnField, string> = {
  turnUrls: 'WA_TURN_URLS',
  turnSecret: 'WA_TURN_SECRET',
  turnLifetimeSeconds: 'WA_TURN_LIFETIME_SECONDS',
  turnRelayOnly: 'WA_ICE_TRANSPORT_POLICY',
};

/** Settings > Connection > Network (TURN): a desk on its own behind a firewall that lets no call audio out directly. */
export function TurnSettings() {
  const { t } = useTranslation();
  const [view, setView] = useState<TurnSettingsView>();
  const [form, setForm] = useState<Form>();
  const [errors, setErrors] = useState<Partial<Record<TurnField, TurnFieldError>>>({});
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    void loadTurnSettings().then((v) => {
      setView(v);
      setForm(formFrom(v));
    });
  }, []);

  if (!view || !form) return null;
  const env = (field: TurnField) => view.fromEnvironment.includes(field);
  const noteProps = (field: TurnField) => {
    const described = Boolean(errors[field]) || env(field);
    return { 'aria-invalid': Boolean(errors[field]), 'aria-describedby': described ? `${field}-note` : undefined };
  };

  async function save(current: Form, shown: TurnSettingsView): Promise<void> {
    setSaved(false);
    const result = await saveTurnSettings(request(current, shown.fromEnvironment));
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    setView(result.settings);
    setForm(formFrom(result.settings));
    setSaved(true);
  }

  return (
    <section className="card settings" data-testid="turn-settings" aria-labelledby="turn-settings-title">
      <h2 id="turn-settings-title">{t('turnSettings.title')}</h2>
      <p className="hint" id="turn-settings-hint">
        {t('turnSettings.hint')}
      </p>
      <label className="field">
        <span>{t('turnSettings.urls')}</span>
        <textarea
          data-testid="setting-turnUrls"
          dir="ltr"
          rows={3}
          spellCheck={false}
          autoComplete="off"
          placeholder="turns:turn.example.com:443?transport=tcp"
          value={form.turnUrls}
          disabled={env('turnUrls')}
          onChange={(e) => setForm({ ...form, turnUrls: e.target.value })}
          {...noteProps('turnUrls')}
        />
        <FieldNote field="turnUrls" error={errors.turnUrls} fromEnvironment={env('turnUrls')} />
      </label>
      <label className="field">
        <span>{t('turnSettings.secret')}</span>
        <input
          data-testid="setting-turnSecret"
          type="password"
          autoComplete="off"
          spellCheck={false}
          dir={form.turnSecret ? 'ltr' : undefined}
          placeholder={view.turnSecretSet ? t('turnSettings.secretSet') : t('turnSettings.secretNotSet')}
          value={form.turnSecret}
          disabled={env('turnSecret') || form.clearTurnSecret}
          onChange={(e) => setForm({ ...form, turnSecret: e.target.value })}
          {...noteProps('turnSecret')}
        />
        <FieldNote field="turnSecret" error={errors.turnSecret} fromEnvironment={env('turnSecret')} />
      </label>
      {view.turnSecretSet && !env('turnSecret') && (
        <label className="radio">
          <input
            type="checkbox"
            data-testid="setting-clearTurnSecret"
            checked={form.clearTurnSecret}
            onChange={(e) => setForm({ ...form, clearTurnSecret: e.target.checked, turnSecret: '' })}
          />
          {t('turnSettings.clearSecret')}
        </label>
      )}
      <label className="field">
        <span>{t('turnSettings.lifetime')}</span>
        <input
          data-testid="setting-turnLifetimeSeconds"
          type="text"
          inputMode="numeric"
          dir="ltr"
          autoComplete="off"
          value={form.turnLifetimeSeconds}
          disabled={env('turnLifetimeSeconds')}
          onChange={(e) => setForm({ ...form, turnLifetimeSeconds: e.target.value })}
          {...noteProps('turnLifetimeSeconds')}
        />
        <FieldNote
          field="turnLifetimeSeconds"
          error={errors.turnLifetimeSeconds}
          fromEnvironment={env('turnLifetimeSeconds')}
        />
      </label>
      <label className="radio">
        <input
          type="checkbox"
          data-testid="setting-turnRelayOnly"
          checked={form.turnRelayOnly}
          disabled={env('turnRelayOnly')}
          onChange={(e) => setForm({ ...form, turnRelayOnly: e.target.checked })}
          {...noteProps('turnRelayOnly')}
        />
        {t('turnSettings.relayOnly')}
      </label>
      <FieldNote field="turnRelayOnly" error={errors.turnRelayOnly} fromEnvironment={env('turnRelayOnly')} />
      <div className="actions">
        <button
          className="answer"
          data-testid="turn-save"
          aria-describedby="turn-settings-hint"
          onClick={() => void save(form, view)}
        >
          {t('turnSettings.save')}
        </button>
      </div>
      {saved && (
        <p className="ok" data-testid="turn-saved" role="status">
          {t('turnSettings.saved')}
        </p>
      )}
    </section>
  );
}
