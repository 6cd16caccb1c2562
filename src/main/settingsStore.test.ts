import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSettingsStore, plainCipher, type SecretCipher } from './settingsStore';

const valid = {
  accessToken: 'EAAGvalidAccessToken1234567890',
  phoneNumberId: '518638374672395',
  appSecret: '0123456789abcdef0123456789abcdef',
  verifyToken: 'verify-token',
  webhookPort: '8787',
  tunnel: 'none' as const,
  publicUrl: '',
  ngrokAuthtoken: '',
};

// Reversible but unreadable: enough to prove the store never writes a secret in clear through an encrypting cipher.
const rot13Cipher: SecretCipher = {
  encrypted: true,
  encrypt: (s) => Buffer.from(s).toString('base64').split('').reverse().join(''),
  decrypt: (s) => Buffer.from(s.split('').reverse().join(''), 'base64').toString(),
};

const file = () => join(mkdtempSync(join(tmpdir(), 'settings-')), 'settings.json');

describe('settings store', () => {
  it('starts unconfigured with default preferences', () => {
    const store = createSettingsStore(file(), plainCipher);
    expect(store.isConfigured()).toBe(false);
    expect(store.view()).toMatchObject({
      configured: false,
      accessTokenSet: false,
      webhookPort: 8787,
      secretsEncrypted: false,
    });
    expect(store.preferences()).toEqual({ status: 'available', awayAction: 'ring_out', autoAnswer: false });
  });

  it('saves a valid connection and reads it back after a restart', () => {
    const path = file();
    expect(createSettingsStore(path, rot13Cipher).saveConnection(valid)).toMatchObject({
      ok: true,
      settings: { configured: true },
    });
    const reopened = createSettingsStore(path, rot13Cipher);
    expect(reopened.connection()).toMatchObject({
      accessToken: valid.accessToken,
      appSecret: valid.appSecret,
      webhookPort: 8787,
    });
  });

  it('never writes secrets in clear when the cipher encrypts, and never shows them in the view', () => {
    const path = file();
    const store = createSettingsStore(path, rot13Cipher);
    store.saveConnection(valid);
    const onDisk = readFileSync(path, 'utf8');
    expect(onDisk).not.toContain(valid.accessToken);
    expect(onDisk).not.toContain(valid.appSecret);
    expect(JSON.stringify(store.view())).not.toContain(valid.accessToken);
    expect(store.view()).toMatchObject({ accessTokenSet: true, appSecretSet: true, secretsEncrypted: true });
  });

  it('says which field is wrong and stores nothing then', () => {
    const store = createSettingsStore(file(), plainCipher);
    const result = store.saveConnection({
      ...valid,
      phoneNumberId: '+1 555 0100',
      webhookPort: '80',
      appSecret: 'short',
    });
    expect(result).toEqual({
      ok: false,
      errors: {
        phoneNumberId: 'phoneNumberIdFormat',
        webhookPort: 'webhookPortMin',
        appSecret: 'appSecretFormat',
      },
    });
    expect(store.isConfigured()).toBe(false);
  });

  it('requires the secrets on first save and keeps stored ones when left empty later', () => {
    const store = createSettingsStore(file(), plainCipher);
    expect(store.saveConnection({ ...valid, accessToken: '', appSecret: '' })).toMatchObject({
      ok: false,
      errors: { accessToken: 'accessTokenRequired', appSecret: 'appSecretRequired' },
    });
    store.saveConnection(valid);
    expect(store.saveConnection({ ...valid, accessToken: '', appSecret: '', verifyToken: 'another-token' }).ok).toBe(
      true,
    );
    expect(store.connection()).toMatchObject({ accessToken: valid.accessToken, verifyToken: 'another-token' });
  });

  it('asks for a public URL or an ngrok authtoken when the chosen tunnel needs one', () => {
    const store = createSettingsStore(file(), plainCipher);
    expect(store.saveConnection({ ...valid, tunnel: 'public_url' })).toMatchObject({
      ok: false,
      errors: { publicUrl: 'publicUrlRequired' },
    });
    expect(store.saveConnection({ ...valid, tunnel: 'public_url', publicUrl: 'http://x.example' })).toMatchObject({
      ok: false,
      errors: { publicUrl: 'publicUrlFormat' },
    });
    expect(store.saveConnection({ ...valid, tunnel: 'ngrok' })).toMatchObject({
      ok: false,
      errors: { ngrokAuthtoken: 'ngrokAuthtokenRequired' },
    });
    expect(store.saveConnection({ ...valid, tunnel: 'public_url', publicUrl: 'https://phone.example.com/' }).ok).toBe(
      true,
    );
    expect(store.connection().publicUrl).toBe('https://phone.example.com');
  });

  it('keeps preferences across restarts and refuses invalid ones', () => {
    const path = file();
    createSettingsStore(path, plainCipher).savePreferences({ status: 'away', autoAnswer: true, micDeviceId: 'abc' });
    expect(createSettingsStore(path, plainCipher).preferences()).toMatchObject({
      status: 'away',
      autoAnswer: true,
      micDeviceId: 'abc',
    });
    expect(() => createSettingsStore(path, plainCipher).savePreferences({ status: 'sleeping' as never })).toThrow();
  });
});
