import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  FIELD_RULES,
  type ConnectionForm,
  type ConnectionTest,
  type SettingsView,
} from '../../../shared/settingsSchemas';
import { companySignIn, loadSettings, saveSettings, testConnection } from '../actions';
import { usePhone } from '../store';
import { FindingsList } from './FindingsList';
import { TemplateLanguageSelect } from './TemplateLanguageSelect';
import { Say } from './Say';
import { Said, saidText } from './Said';

/** Every field of the connection form, as typed. */
type Form = Required<Omit<ConnectionForm, 'webhookPort'>> & { webhookPort: string };

const EMPTY: Form = {
  accessToken: '',
  phoneNumberId: '',
  appSecret: '',
  verifyToken: '',
  webhookPort: '8787',
  tunnel: 'none',
  publicUrl: '',
  ngrokAuthtoken: '',
  mode: 'direct',
  relayUrls: '',
  agentToken: '',
  permissionTemplate: '',
  permissionTemplateLanguage: 'en',
};

function formFrom(view: SettingsView): Form {
  return {
    ...EMPTY,
    phoneNumberId: view.phoneNumberId,
    verifyToken: view.verifyToken,
    webhookPort: String(view.webhookPort),
    tunnel: view.tunnel,
    publicUrl: view.publicUrl,
    permissionTemplate: view.permissionTemplate,
    permissionTemplateLanguage: view.permissionTemplateLanguage,
    mode: view.mode,
  };
}

function Field(props: {
  id: keyof Form;
  label: string;
  form: Form;
  errors: Record<string, string>;
  set: (f: Form) => void;
  secret?: boolean;
  stored?: boolean;
  hint?: string;
}) {
  const { id, label, form, errors, set } = props;
  const { t } = useTranslation();
  return (
    <label className="field">
      <span>{label}</span>
      <input
        data-testid={`setting-${id}`}
        type={props.secret ? 'password' : 'text'}
        // Ids, addresses, tokens and codes read left to right, also in Arabic; the hint follows the page.
        dir={form[id] ? 'ltr' : undefined}
        autoComplete="off"
        spellCheck={false}
        placeholder={props.stored ? t('connection.stored') : props.hint}
        value={form[id]}
        aria-invalid={Boolean(errors[id])}
        onChange={(e) => set({ ...form, [id]: e.target.value })}
      />
      {errors[id] && (
        <small className="error" data-testid={`error-${id}`}>
          {errors[id] in FIELD_RULES ? t(`fieldRules.${errors[id]}`) : errors[id]}
        </small>
      )}
    </label>
  );
}

/** What only an administrator sets: how calls reach the desk, Meta's account details, the webhook, the relay. */
function AdministratorFields(props: {
  form: Form;
  setForm: (f: Form) => void;
  view: SettingsView;
  errors: Record<string, string>;
}) {
  const { form, setForm, view, errors } = props;
  const { t, i18n } = useTranslation();
  const common = { form, errors, set: setForm };
  return (
    <>
      <fieldset className="field">
        <legend>{t('connection.mode')}</legend>
        <label className="radio">
          <input
            type="radio"
            name="mode"
            data-testid="mode-direct"
            checked={form.mode === 'direct'}
            onChange={() => setForm({ ...form, mode: 'direct' })}
          />
          {t('connection.modeDirect')}
        </label>
        <label className="radio">
          <input
            type="radio"
            name="mode"
            data-testid="mode-relay"
            checked={form.mode === 'relay'}
            onChange={() => setForm({ ...form, mode: 'relay' })}
          />
          {t('connection.modeRelay')}
        </label>
      </fieldset>
      {form.mode === 'relay' && (
        <Field
          id="relayUrls"
          label={t('connection.relayUrls')}
          hint={t('connection.relayUrlsHint')}
          stored={view?.relayUrlsSet}
          {...common}
        />
      )}
      {form.mode === 'direct' && (
        <>
          <Field
            id="accessToken"
            label={t('connection.accessToken')}
            secret
            stored={view?.accessTokenSet}
            {...common}
          />
          <Field
            id="phoneNumberId"
            label={t('connection.phoneNumberId')}
            hint={t('connection.phoneNumberIdHint', { example: '518638374672395' })}
            {...common}
          />
          <Field id="appSecret" label={t('connection.appSecret')} secret stored={view?.appSecretSet} {...common} />
          <Field
            id="verifyToken"
            label={t('connection.verifyToken')}
            hint={t('connection.verifyTokenHint')}
            {...common}
          />
          <Field id="webhookPort" label={t('connection.webhookPort')} {...common} />
          <fieldset className="field">
            <legend>{t('connection.tunnel')}</legend>
            {(
              [
                ['none', t('connection.tunnelNone')],
                ['public_url', t('connection.tunnelPublicUrl')],
                ['ngrok', t('connection.tunnelNgrok')],
              ] as const
            ).map(([mode, text]) => (
              <label key={mode} className="radio">
                <input
                  type="radio"
                  name="tunnel"
                  data-testid={`tunnel-${mode}`}
                  checked={form.tunnel === mode}
                  onChange={() => setForm({ ...form, tunnel: mode })}
                />
                {text}
              </label>
            ))}
          </fieldset>
          {form.tunnel === 'public_url' && (
            <Field id="publicUrl" label={t('connection.publicUrl')} hint="https://phone.example.com" {...common} />
          )}
          {form.tunnel === 'ngrok' && (
            <Field
              id="ngrokAuthtoken"
              label={t('connection.ngrokAuthtoken')}
              secret
              stored={view?.ngrokAuthtokenSet}
              {...common}
            />
          )}
          <Field
            id="permissionTemplate"
            label={t('connection.permissionTemplate')}
            hint={t('connection.permissionTemplateHint', { example: 'call_permission_request' })}
            {...common}
          />
          <label className="field">
            <span>{t('connection.permissionTemplateLanguage')}</span>
            <TemplateLanguageSelect
              testId="setting-permissionTemplateLanguage"
              value={form.permissionTemplateLanguage}
              onChange={(code) => setForm({ ...form, permissionTemplateLanguage: code })}
              uiLanguage={i18n.language}
            />
          </label>
        </>
      )}
    </>
  );
}

export function ConnectionSettings() {
  const { t } = useTranslation();
  const [view, setView] = useState<SettingsView>();
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<ConnectionTest | 'running'>();
  const signIn = usePhone((s) => s.status?.companySignIn);

  useEffect(() => {
    void loadSettings().then((v) => {
      setView(v);
      setForm(formFrom(v));
    });
  }, []);

  async function save(): Promise<void> {
    setSaved(false);
    setTest(undefined);
    // A managed desk sends only what stays the agent's: main refuses a locked field all the same.
    const result = await saveSettings(managed ? { agentToken: form.agentToken } : form);
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    setView(result.settings);
    setForm(formFrom(result.settings));
    setSaved(true);
    if (result.check) {
      setTest(result.check);
      if (!result.check.ok && result.check.field)
        setErrors({ [result.check.field]: result.check.said ? saidText(result.check.said, t) : result.check.error });
    }
  }

  async function runTest(): Promise<void> {
    setTest('running');
    const result = await testConnection();
    setTest(result);
    if (!result.ok && result.field)
      setErrors({ [result.field]: result.said ? saidText(result.said, t) : result.error });
  }

  // Signed in: the stored token and addresses changed in main, so the form shows them as stored.
  useEffect(() => {
    if (signIn?.state === 'signed_in') void loadSettings().then(setView);
  }, [signIn?.state]);

  async function signInWithCompany(): Promise<void> {
    const result = await companySignIn(form.relayUrls);
    setErrors(result.ok ? {} : { [result.field]: result.error });
  }

  const common = { form, errors, set: setForm };
  const managed = (view?.locked.length ?? 0) > 0;
  const mode = managed ? (view?.mode ?? 'direct') : form.mode;
  return (
    <section className="card settings" data-testid="connection-settings" aria-labelledby="connection-title">
      <h2 id="connection-title">{t('connection.title')}</h2>
      {/* Each card on this page has its own save, and says what it saves and where it goes. */}
      <p className="hint" id="connection-saves" data-testid="connection-saves">
        {t('connection.saves')}
      </p>
      {view && !view.secretsEncrypted && (
        <p className="warning" data-testid="secrets-unencrypted">
          {t('connection.unencrypted')}
        </p>
      )}
      {managed && (
        <p className="notice" data-testid="connection-managed">
          {t('connection.managed')}
        </p>
      )}
      {view && !managed && (
        <fieldset className="administrator" data-testid="administrator-section">
          <legend>{t('connection.administrator')}</legend>
          <p className="hint">{t('connection.administratorHint')}</p>
          <AdministratorFields form={form} setForm={setForm} view={view} errors={errors} />
        </fieldset>
      )}
      {mode === 'relay' && (
        <>
          <div className="actions">
            <button data-testid="company-sign-in" onClick={() => void signInWithCompany()}>
              {t('connection.companySignIn')}
            </button>
          </div>
          {signIn && (
            <p
              className={signIn.state === 'failed' ? 'error' : signIn.state === 'signed_in' ? 'ok' : undefined}
              data-testid="company-sign-in-state"
              role="status"
            >
              {signIn.state === 'waiting'
                ? t('connection.companySignInWaiting')
                : signIn.state === 'signed_in'
                  ? t('connection.companySignInDone')
                  : signIn.said && <Said s={signIn.said} />}
            </p>
          )}
          <Field id="agentToken" label={t('connection.agentToken')} secret stored={view?.agentTokenSet} {...common} />
        </>
      )}
      <div className="actions">
        <button
          className="answer"
          data-testid="settings-save"
          aria-describedby="connection-saves"
          onClick={() => void save()}
        >
          {t('connection.save')}
        </button>
        <button
          data-testid="settings-test"
          disabled={!view?.configured || test === 'running'}
          onClick={() => void runTest()}
        >
          {test === 'running' ? t('connection.testing') : t('connection.test')}
        </button>
      </div>
      {saved &&
        (test && test !== 'running' && !test.ok ? (
          <p className="warning" data-testid="settings-saved">
            {t('connection.savedRefused')}
          </p>
        ) : (
          <p className="ok" data-testid="settings-saved">
            {test && test !== 'running' && test.ok ? t('connection.savedChecked') : t('connection.saved')}
          </p>
        ))}
      {test && test !== 'running' && (
        <p className={test.ok ? 'ok' : 'error'} data-testid="test-result" role="status">
          {test.ok ? (
            <Say
              k="connection.connected"
              values={{ name: test.verifiedName ?? t('connection.yourBusiness'), number: test.displayPhoneNumber }}
              ltr={['number']}
            />
          ) : test.said ? (
            <Said s={test.said} />
          ) : (
            test.error
          )}
        </p>
      )}
      {test && test !== 'running' && test.ok && test.findings && (
        <FindingsList findings={test.findings} testId="test-findings" />
      )}
    </section>
  );
}
