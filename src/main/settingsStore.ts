import { mkdirSync, readFileSync, renameSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { UNMANAGED, type ManagedSettings } from '../shared/deskPolicy';
import {
  AgentPreferences,
  ConnectionSettingsInput,
  DEFAULT_PREFERENCES,
  SECRET_FIELDS,
  StoredConnectionFields,
  type AdminField,
  type ConnectionSettings,
  type SecretField,
  type SaveResult,
  type SettingsView,
} from '../shared/settingsSchemas';
import { DEFAULT_TURN_LIFETIME_SECONDS, type SavedTurn } from '../shared/turnSettings';

/** Encrypts secrets at rest: Electron's safeStorage where the OS has a key store, nothing elsewhere. */
export interface SecretCipher {
  readonly encrypted: boolean;
  encrypt(plain: string): string;
  decrypt(stored: string): string;
}

/** The fallback where no OS key store exists; the settings screen says the secrets are unencrypted. */
export const plainCipher: SecretCipher = {
  encrypted: false,
  encrypt: (plain) => plain,
  decrypt: (stored) => stored,
};

const StoredSecret = z.object({ encrypted: z.boolean(), value: z.string() });

/** The desk's own TURN servers (Settings > Connection > Network); their shared secret is kept with the secrets. */
const StoredTurn = z.object({
  urls: z.array(z.string()).default([]),
  lifetimeSeconds: z.number().int().default(DEFAULT_TURN_LIFETIME_SECONDS),
  relayOnly: z.boolean().default(false),
});

const StoredSettings = StoredConnectionFields.extend({
  version: z.literal(1),
  secrets: z.partialRecord(z.enum([...SECRET_FIELDS, 'turnSecret']), StoredSecret).default({}),
  turn: StoredTurn.default(StoredTurn.parse({})),
  preferences: AgentPreferences.default(DEFAULT_PREFERENCES),
  /** The callback URL through which Meta has been seen to reach this desk. */
  reachedCallbackUrl: z.string().default(''),
});
type StoredSettings = z.infer<typeof StoredSettings>;
type SecretName = SecretField | 'turnSecret';
export type { ConnectionSettings };

function emptySettings(): StoredSettings {
  return StoredSettings.parse({ version: 1 });
}

const splitRelayUrls = (text: string): string[] =>
  text
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);

/** Writes through a temporary file and fsync, so a crash leaves the old file or the new one, never half of one. */
export function writeAtomically(path: string, text: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.tmp`;
  writeFileSync(temp, text, { mode: 0o600 });
  const fd = openSync(temp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(temp, path);
}

/** Settings on disk: connection settings with encrypted secrets, and the agent's preferences. */
export function createSettingsStore(path: string, cipher: SecretCipher) {
  let stored = load();
  let managed: ManagedSettings = UNMANAGED;

  function load(): StoredSettings {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      return emptySettings();
    }
    const parsed = StoredSettings.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`Settings file ${path} is damaged: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  function save(next: StoredSettings): void {
    writeAtomically(path, `${JSON.stringify(next, null, 2)}\n`);
    stored = next;
  }

  function secret(name: SecretName): string {
    const entry = stored.secrets[name];
    if (!entry) return '';
    // A secret written encrypted can only be read back with the key store that wrote it.
    return entry.encrypted ? cipher.decrypt(entry.value) : entry.value;
  }

  /** The settings in force: what the administrator manages over what this desk stored. */
  function connection(): ConnectionSettings {
    const own = storedConnection();
    const m = managed.values;
    return {
      ...own,
      ...Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)),
      relayUrls: m.relayUrls === undefined ? own.relayUrls : splitRelayUrls(m.relayUrls),
    };
  }

  function storedConnection(): ConnectionSettings {
    const { phoneNumberId, verifyToken, webhookPort, tunnel, publicUrl, mode } = stored;
    return {
      permissionTemplate: stored.permissionTemplate,
      permissionTemplateLanguage: stored.permissionTemplateLanguage,
      phoneNumberId,
      verifyToken,
      webhookPort,
      tunnel,
      publicUrl,
      mode,
      relayUrls: splitRelayUrls(stored.relayUrls),
      accessToken: secret('accessToken'),
      appSecret: secret('appSecret'),
      ngrokAuthtoken: secret('ngrokAuthtoken'),
      agentToken: secret('agentToken'),
    };
  }

  function isConfigured(c: ConnectionSettings = connection()): boolean {
    if (c.mode === 'relay') return c.relayUrls.length > 0 && c.agentToken !== '';
    return Boolean(c.accessToken && c.phoneNumberId && c.appSecret && c.verifyToken.length >= 8);
  }

  function view(): SettingsView {
    const c = hideLocked(connection());
    return {
      phoneNumberId: c.phoneNumberId,
      verifyToken: c.verifyToken,
      webhookPort: c.webhookPort,
      tunnel: c.tunnel,
      publicUrl: c.publicUrl,
      permissionTemplate: c.permissionTemplate,
      permissionTemplateLanguage: c.permissionTemplateLanguage,
      accessTokenSet: c.accessToken !== '',
      appSecretSet: c.appSecret !== '',
      ngrokAuthtokenSet: c.ngrokAuthtoken !== '',
      mode: c.mode,
      relayUrlsSet: c.relayUrls.length > 0,
      agentTokenSet: c.agentToken !== '',
      secretsEncrypted: cipher.encrypted,
      configured: isConfigured(),
      locked: [...managed.locked],
    };
  }

  /** The window learns which fields are locked, not what they hold (the mode excepted: the page is laid out by it). */
  function hideLocked(c: ConnectionSettings): ConnectionSettings {
    const blank: Partial<Record<AdminField, unknown>> = {
      accessToken: '',
      phoneNumberId: '',
      appSecret: '',
      verifyToken: '',
      webhookPort: 0,
      tunnel: 'none',
      publicUrl: '',
      ngrokAuthtoken: '',
      relayUrls: [],
      permissionTemplate: '',
      permissionTemplateLanguage: '',
    };
    const hidden = Object.fromEntries(managed.locked.filter((f) => f in blank).map((f) => [f, blank[f]]));
    return { ...c, ...hidden };
  }

  /** A locked field the request would change: a secret or the relay address given at all, another field changed. */
  function writesLocked(raw: Record<string, unknown>): AdminField[] {
    const current: Record<string, unknown> = { ...connection(), relayUrls: '' };
    return managed.locked.filter((field) => {
      const value = raw[field];
      if (value === undefined) return false;
      const text = String(value).trim();
      if ((SECRET_FIELDS as readonly string[]).includes(field) || field === 'relayUrls') return text !== '';
      return text !== String(current[field]);
    });
  }

  /** Checks and stores what the agent typed; returns a message per wrong field and stores nothing then. */
  function saveConnection(request: unknown): SaveResult {
    const asked = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
    const refused = writesLocked(asked);
    if (refused.length > 0) return { ok: false, errors: Object.fromEntries(refused.map((f) => [f, 'lockedField'])) };
    // Locked fields take the values in force (secrets: kept as stored), so the checks below see the whole form.
    const inForce = connection();
    const input: Record<string, unknown> = { ...asked };
    for (const field of managed.locked) {
      const isSecret = (SECRET_FIELDS as readonly string[]).includes(field) || field === 'relayUrls';
      input[field] = isSecret ? '' : inForce[field as Exclude<AdminField, 'relayUrls' | SecretField>];
    }
    const parsed = ConnectionSettingsInput.safeParse(input);
    const errors: Record<string, string> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
    }
    // Secrets may be left empty to keep the stored ones, so "required" depends on what is stored.
    const raw = input;
    const given = (name: string) => typeof raw[name] === 'string' && (raw[name] as string).trim() !== '';
    const current = connection();
    if (raw.mode === 'relay') {
      if (!given('relayUrls') && current.relayUrls.length === 0) errors.relayUrls ??= 'relayUrlsRequired';
      if (!given('agentToken') && !current.agentToken) errors.agentToken ??= 'agentTokenRequired';
    } else {
      if (!given('accessToken') && !current.accessToken) errors.accessToken ??= 'accessTokenRequired';
      if (!given('appSecret') && !current.appSecret) errors.appSecret ??= 'appSecretRequired';
    }
    if (raw.tunnel === 'ngrok' && !given('ngrokAuthtoken') && !current.ngrokAuthtoken) {
      errors.ngrokAuthtoken ??= 'ngrokAuthtokenRequired';
    }
    if (!parsed.success || Object.keys(errors).length > 0) return { ok: false, errors };
    const v = parsed.data;
    const secrets = { ...stored.secrets };
    const put = (name: SecretName, value: string) => {
      if (value) secrets[name] = { encrypted: cipher.encrypted, value: cipher.encrypt(value) };
    };
    for (const name of SECRET_FIELDS) put(name, v[name]);
    const next = {
      ...stored,
      phoneNumberId: v.phoneNumberId,
      verifyToken: v.verifyToken,
      webhookPort: v.webhookPort,
      tunnel: v.tunnel,
      publicUrl: v.publicUrl.replace(/\/+$/, ''),
      mode: v.mode,
      relayUrls: v.relayUrls || stored.relayUrls,
      permissionTemplate: v.permissionTemplate,
      permissionTemplateLanguage: v.permissionTemplateLanguage,
      secrets,
    };
    // What the administrator manages stays theirs: never copied into this desk's file.
    for (const field of managed.locked) {
      if (field in next && !(SECRET_FIELDS as readonly string[]).includes(field)) {
        (next as Record<string, unknown>)[field] = stored[field as keyof StoredSettings];
      }
    }
    save(next);
    return { ok: true, settings: view() };
  }

  /** A company sign-in's relay token (and renewals of it): the desk joins these relays with it. */
  function saveRelaySession(relayUrls: string[], token: string): void {
    const secrets = { ...stored.secrets, agentToken: { encrypted: cipher.encrypted, value: cipher.encrypt(token) } };
    // On a managed desk the token is the agent's; the relay and the mode stay the administrator's.
    const isLocked = (field: AdminField) => managed.locked.includes(field);
    save({
      ...stored,
      mode: isLocked('mode') ? stored.mode : 'relay',
      relayUrls: isLocked('relayUrls') ? stored.relayUrls : relayUrls.join(', '),
      secrets,
    });
  }

  return {
    connection,
    view,
    saveRelaySession,
    isConfigured: () => isConfigured(),
    saveConnection,
    /** Applies the administrator's policy: its values are in force and its fields locked from here on. */
    manage(next: ManagedSettings): void {
      managed = next;
    },
    preferences: (): AgentPreferences => stored.preferences,
    reachedCallbackUrl: (): string => stored.reachedCallbackUrl,
    markCallbackReached(url: string): void {
      if (stored.reachedCallbackUrl !== url) save({ ...stored, reachedCallbackUrl: url });
    },
    /** The desk's own TURN settings as saved, secret included: main process only. */
    turn: (): SavedTurn => ({ ...stored.turn, secret: secret('turnSecret') }),
    /** Saves checked TURN settings; the secret encrypted where the OS has a key store, removed when empty. */
    saveTurn(next: SavedTurn): void {
      const { turnSecret: _old, ...others } = stored.secrets;
      const secrets = next.secret
        ? { ...others, turnSecret: { encrypted: cipher.encrypted, value: cipher.encrypt(next.secret) } }
        : others;
      const turn = { urls: next.urls, lifetimeSeconds: next.lifetimeSeconds, relayOnly: next.relayOnly };
      save({ ...stored, turn, secrets });
    },
    savePreferences(patch: Partial<AgentPreferences>): AgentPreferences {
      const next = AgentPreferences.parse({ ...stored.preferences, ...patch });
      save({ ...stored, preferences: next });
      return next;
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
