import { useEffect, useState } from 'react';
import type { ConnectionForm, ConnectionTest, SettingsView } from '../../../shared/settingsSchemas';
import { loadSettings, saveSettings, testConnection } from '../actions';
import { FindingsList } from './FindingsList';

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
  return (
    <label className="field">
      <span>{label}</span>
      <input
        data-testid={`setting-${id}`}
        type={props.secret ? 'password' : 'text'}
        autoComplete="off"
        spellCheck={false}
        placeholder={props.stored ? 'Stored. Leave empty to keep it.' : props.hint}
        value={form[id]}
        aria-invalid={Boolean(errors[id])}
        onChange={(e) => set({ ...form, [id]: e.target.value })}
      />
      {errors[id] && (
        <small className="error" data-testid={`error-${id}`}>
          {errors[id]}
        </small>
      )}
    </label>
  );
}

export function ConnectionSettings({ firstRun }: { firstRun: boolean }) {
  const [view, setView] = useState<SettingsView>();
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const [test, setTest] = useState<ConnectionTest | 'running'>();

  useEffect(() => {
    void loadSettings().then((v) => {
      setView(v);
      setForm(formFrom(v));
    });
  }, []);

  async function save(): Promise<void> {
    setSaved(false);
    setTest(undefined);
    const result = await saveSettings(form);
    if (!result.ok) return setErrors(result.errors);
    setErrors({});
    setView(result.settings);
    setForm(formFrom(result.settings));
    setSaved(true);
    if (result.check) {
      setTest(result.check);
      if (!result.check.ok && result.check.field) setErrors({ [result.check.field]: result.check.error });
    }
  }

  async function runTest(): Promise<void> {
    setTest('running');
    const result = await testConnection();
    setTest(result);
    if (!result.ok && result.field) setErrors({ [result.field]: result.error });
  }

  const common = { form, errors, set: setForm };
  return (
    <section className="card settings" data-testid="connection-settings">
      <h2>{firstRun ? 'Welcome: connect your WhatsApp number' : 'WhatsApp connection'}</h2>
      {firstRun && (
        <p>Paste the details from your Meta app. The token and secrets stay on this computer, outside this window.</p>
      )}
      {view && !view.secretsEncrypted && (
        <p className="warning" data-testid="secrets-unencrypted">
          This system has no key store: secrets are saved unencrypted in the settings file.
        </p>
      )}
      <fieldset className="field">
        <legend>How calls reach this desk</legend>
        <label className="radio">
          <input
            type="radio"
            name="mode"
            data-testid="mode-direct"
            checked={form.mode === 'direct'}
            onChange={() => setForm({ ...form, mode: 'direct' })}
          />
          Directly from Meta (this computer receives the webhooks)
        </label>
        <label className="radio">
          <input
            type="radio"
            name="mode"
            data-testid="mode-relay"
            checked={form.mode === 'relay'}
            onChange={() => setForm({ ...form, mode: 'relay' })}
          />
          Through my team&apos;s relay
        </label>
      </fieldset>
      {form.mode === 'relay' && (
        <>
          <Field
            id="relayUrls"
            label="Relay address"
            hint="wss://relay.example.com, several separated by commas"
            stored={view?.relayUrlsSet}
            {...common}
          />
          <Field id="agentToken" label="Agent token" secret stored={view?.agentTokenSet} {...common} />
        </>
      )}
      {form.mode === 'direct' && (
        <>
          <Field id="accessToken" label="Access token" secret stored={view?.accessTokenSet} {...common} />
          <Field id="phoneNumberId" label="Phone number ID" hint="e.g. 518638374672395" {...common} />
          <Field id="appSecret" label="App secret" secret stored={view?.appSecretSet} {...common} />
          <Field id="verifyToken" label="Webhook verify token" hint="any phrase of 8+ characters" {...common} />
          <Field id="webhookPort" label="Webhook port" {...common} />
          <fieldset className="field">
            <legend>How Meta reaches this computer</legend>
            {(
              [
                ['none', 'My own tunnel or proxy (set up separately)'],
                ['public_url', 'A public https address I give'],
                ['ngrok', 'Built-in ngrok tunnel'],
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
            <Field id="publicUrl" label="Public URL" hint="https://phone.example.com" {...common} />
          )}
          {form.tunnel === 'ngrok' && (
            <Field id="ngrokAuthtoken" label="ngrok authtoken" secret stored={view?.ngrokAuthtokenSet} {...common} />
          )}
          <Field
            id="permissionTemplate"
            label="Call-permission template (outside the 24-hour window)"
            hint="name of an approved template, e.g. call_permission_request"
            {...common}
          />
          <Field id="permissionTemplateLanguage" label="Template language" hint="en, en_US, pt_BR" {...common} />
        </>
      )}
      <div className="actions">
        <button className="answer" data-testid="settings-save" onClick={() => void save()}>
          Save
        </button>
        <button
          data-testid="settings-test"
          disabled={!view?.configured || test === 'running'}
          onClick={() => void runTest()}
        >
          {test === 'running' ? 'Testing…' : 'Test connection'}
        </button>
      </div>
      {saved &&
        (test && test !== 'running' && !test.ok ? (
          <p className="warning" data-testid="settings-saved">
            Saved, but WhatsApp did not accept these settings: see below.
          </p>
        ) : (
          <p className="ok" data-testid="settings-saved">
            {test && test !== 'running' && test.ok ? 'Saved and checked with WhatsApp.' : 'Saved.'}
          </p>
        ))}
      {test && test !== 'running' && (
        <p className={test.ok ? 'ok' : 'error'} data-testid="test-result" role="status">
          {test.ok ? `Connected to ${test.verifiedName ?? 'your business'} (${test.displayPhoneNumber}).` : test.error}
        </p>
      )}
      {test && test !== 'running' && test.ok && test.findings && (
        <FindingsList findings={test.findings} testId="test-findings" />
      )}
    </section>
  );
}
