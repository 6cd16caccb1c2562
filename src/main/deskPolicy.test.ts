import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../whatsapp/logger';
import { ADMIN_FIELDS } from '../shared/settingsSchemas';
import { policyFilePath } from './deskPolicy';
import { prepareDesk } from './deskStartup';
import { plainCipher } from './settingsStore';

const POLICY = {
  connection: {
    mode: 'direct',
    accessToken: 'EAAGpolicyAccessToken0123456789',
    appSecret: 'fedcba9876543210fedcba9876543210',
    phoneNumberId: '518638374672395',
    verifyToken: 'policy-verify-token',
    webhookPort: 9443,
  },
};

/** A desk started with a policy file holding `text` (none when undefined) and these environment variables. */
function deskWith(text: string | undefined, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'desk-policy-'));
  const policyFile = join(dir, 'etc', 'policy.json');
  if (text !== undefined) {
    mkdirSync(join(dir, 'etc'));
    writeFileSync(policyFile, text);
  }
  const logger = createMemoryLogger();
  const desk = prepareDesk({
    dataDir: join(dir, 'data'),
    cipher: plainCipher,
    env: { WA_POLICY_FILE: policyFile, ...env },
    logger,
  });
  return {
    desk,
    settings: desk.storage.settings,
    logs: logger.records,
    settingsFile: join(dir, 'data', 'settings.json'),
  };
}

describe('the administrator policy', () => {
  it('leaves a desk without a policy file or managed variables unlocked, and says nothing', () => {
    const { settings, desk } = deskWith(undefined);
    expect(settings.view().locked).toEqual([]);
    expect(desk.storage.notices).toEqual([]);
    expect(settings.saveConnection({ ...POLICY.connection, webhookPort: '8788', tunnel: 'none' })).toMatchObject({
      ok: true,
    });
    expect(settings.connection().webhookPort).toBe(8788);
  });

  it('puts a policy file in force and locks every administrator field, telling the window no value', () => {
    const { settings, desk, settingsFile } = deskWith(JSON.stringify(POLICY));
    expect(desk.storage.notices).toEqual([]);
    expect(settings.connection()).toMatchObject({ ...POLICY.connection });
    expect(settings.isConfigured()).toBe(true);
    const view = settings.view();
    expect(view.locked).toEqual([...ADMIN_FIELDS]);
    expect(view).toMatchObject({ configured: true, phoneNumberId: '', verifyToken: '', webhookPort: 0 });
    expect(view.accessTokenSet).toBe(false);
    expect(JSON.stringify(view)).not.toContain(POLICY.connection.accessToken);
    // Nothing of the policy is copied into the desk's own file.
    settings.saveConnection({ agentToken: '' });
    expect(() => readFileSync(settingsFile, 'utf8')).not.toThrow();
    const file = readFileSync(settingsFile, 'utf8');
    expect(file).not.toContain(POLICY.connection.accessToken);
    expect(file).not.toContain(POLICY.connection.appSecret);
    expect(file).not.toContain('9443');
  });

  it('refuses a write to any locked field and changes nothing', () => {
    const { settings } = deskWith(JSON.stringify(POLICY));
    for (const [field, value] of Object.entries({
      accessToken: 'EAAGagentTypedAnotherToken000000',
      appSecret: '00000000000000000000000000000000',
      webhookPort: 8787,
      relayUrls: 'wss://relay.elsewhere.example',
      mode: 'relay',
      phoneNumberId: '999999999',
    })) {
      expect(settings.saveConnection({ [field]: value })).toEqual({ ok: false, errors: { [field]: 'lockedField' } });
    }
    expect(settings.connection()).toMatchObject({ ...POLICY.connection, relayUrls: [] });
  });

  it('keeps the agent’s own token the agent’s on a managed relay desk', () => {
    const { settings } = deskWith(
      JSON.stringify({ connection: { mode: 'relay', relayUrls: 'wss://relay.example.com' } }),
    );
    expect(settings.isConfigured()).toBe(false);
    expect(settings.saveConnection({ agentToken: 'agent-token-of-asha' })).toMatchObject({ ok: true });
    expect(settings.connection()).toMatchObject({
      mode: 'relay',
      relayUrls: ['wss://relay.example.com'],
      agentToken: 'agent-token-of-asha',
    });
    expect(settings.isConfigured()).toBe(true);
  });

  it('keeps the administrator’s relay when a company sign-in brings the agent’s token', () => {
    const { settings, settingsFile } = deskWith(
      JSON.stringify({ connection: { mode: 'relay', relayUrls: 'wss://relay.example.com' } }),
    );
    settings.saveRelaySession(['wss://relay.elsewhere.example'], 'company-token-of-asha');
    expect(settings.connection()).toMatchObject({
      mode: 'relay',
      relayUrls: ['wss://relay.example.com'],
      agentToken: 'company-token-of-asha',
    });
    expect(readFileSync(settingsFile, 'utf8')).not.toContain('relay.elsewhere.example');
  });

  it('locks the fields with a policy file that sets nothing (the values stay the desk’s own), or one that is a folder', () => {
    const empty = deskWith(JSON.stringify({ connection: {} }));
    expect(empty.settings.view().locked).toEqual([...ADMIN_FIELDS]);
    expect(empty.desk.storage.notices).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'desk-policy-'));
    const folder = prepareDesk({
      dataDir: join(dir, 'data'),
      cipher: plainCipher,
      env: { WA_POLICY_FILE: dir },
      logger: createMemoryLogger(),
    });
    expect(folder.storage.settings.view().locked).toEqual([...ADMIN_FIELDS]);
    expect(folder.storage.notices).toEqual([{ key: 'policyUnreadable' }]);
  });

  it('locks the fields when the policy file is not JSON: one sentence for the agent, the detail in the log', () => {
    const { settings, desk, logs } = deskWith('{"connection": {"accessToken": "EAAGleakedIfQuoted0000000000", ');
    expect(settings.view().locked).toEqual([...ADMIN_FIELDS]);
    expect(desk.storage.notices).toEqual([{ key: 'policyUnreadable' }]);
    const logged = logs.find((r) => r.msg.includes('administrator settings could not be read'));
    expect(logged).toMatchObject({ level: 'error', detail: 'not valid JSON' });
    expect(JSON.stringify(logs)).not.toContain('EAAGleakedIfQuoted');
    expect(settings.saveConnection({ webhookPort: 8790 })).toEqual({
      ok: false,
      errors: { webhookPort: 'lockedField' },
    });
  });

  it('locks the fields when the policy breaks its schema, naming the wrong field in the log', () => {
    const wrong = { connection: { ...POLICY.connection, webhookPort: 80, relayUrl: 'wss://typo.example' } };
    const { settings, desk, logs } = deskWith(JSON.stringify(wrong));
    expect(settings.view().locked).toEqual([...ADMIN_FIELDS]);
    expect(desk.storage.notices).toEqual([{ key: 'policyUnreadable' }]);
    const detail = String(logs.find((r) => r.msg.includes('could not be read'))?.detail);
    expect(detail).toContain('connection.webhookPort');
    expect(detail).toContain('relayUrl');
    // Nothing of a wrong policy is put in force.
    expect(settings.connection().accessToken).toBe('');
  });

  it('locks the fields the environment hands over, and the policy file wins over the environment', () => {
    const fromEnv = deskWith(undefined, { WA_ACCESS_TOKEN: 'EAAGenvironmentToken00000000000' });
    expect(fromEnv.settings.view().locked).toEqual([...ADMIN_FIELDS]);
    expect(fromEnv.settings.connection().accessToken).toBe('EAAGenvironmentToken00000000000');
    expect(fromEnv.desk.storage.notices).toEqual([]);

    const both = deskWith(JSON.stringify(POLICY), {
      WA_ACCESS_TOKEN: 'EAAGenvironmentToken00000000000',
      WA_RELAY_URLS: 'wss://relay.example.com',
    });
    expect(both.settings.connection()).toMatchObject({
      accessToken: POLICY.connection.accessToken,
      mode: 'direct',
      relayUrls: ['wss://relay.example.com'],
    });
  });

  it('never writes what the environment hands over into the settings file, at start-up or on a later save', () => {
    const env = {
      WA_ACCESS_TOKEN: 'EAAGenvironmentToken00000000000',
      WA_APP_SECRET: '0123456789abcdef0123456789abcdef',
      WA_PHONE_NUMBER_ID: '106540352242922',
      WA_VERIFY_TOKEN: 'environment-verify',
      WA_PUBLIC_URL: 'https://desk.example.com',
      WA_WEBHOOK_PORT: '8899',
    };
    const { settings, desk, settingsFile } = deskWith(undefined, env);
    expect(existsSync(settingsFile)).toBe(false);
    expect(settings.connection()).toMatchObject({
      accessToken: env.WA_ACCESS_TOKEN,
      appSecret: env.WA_APP_SECRET,
      phoneNumberId: env.WA_PHONE_NUMBER_ID,
      verifyToken: env.WA_VERIFY_TOKEN,
      tunnel: 'public_url',
      publicUrl: env.WA_PUBLIC_URL,
    });
    expect(settings.isConfigured()).toBe(true);
    expect(desk.environment.webhookPortOverride).toBe(8899);
    settings.savePreferences({ language: 'es' });
    const file = readFileSync(settingsFile, 'utf8');
    for (const value of Object.values(env)) expect(file).not.toContain(value);
    expect(JSON.parse(file).secrets).toEqual({});
  });

  it('locks the fields when a managed variable is wrong, and says so', () => {
    const { settings, desk } = deskWith(undefined, { WA_RELAY_URLS: 'ws://relay.example.com' });
    expect(settings.view().locked).toEqual([...ADMIN_FIELDS]);
    expect(desk.storage.notices).toEqual([{ key: 'policyUnreadable' }]);
    expect(settings.connection().relayUrls).toEqual([]);
  });

  it('looks for the policy in each system’s folder for machine-wide settings, or where WA_POLICY_FILE says', () => {
    expect(policyFilePath({}, 'linux')).toBe('/etc/wa-softphone/policy.json');
    expect(policyFilePath({}, 'darwin')).toBe('/Library/Application Support/wa-softphone/policy.json');
    expect(policyFilePath({ ProgramData: 'D:\\ProgramData' }, 'win32')).toBe(
      'D:\\ProgramData\\wa-softphone\\policy.json',
    );
    expect(policyFilePath({}, 'win32')).toBe('C:\\ProgramData\\wa-softphone\\policy.json');
    expect(policyFilePath({ WA_POLICY_FILE: '/srv/desk/policy.json' }, 'linux')).toBe('/srv/desk/policy.json');
  });
});
