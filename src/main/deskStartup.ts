import { createLogger, type Logger } from '../whatsapp/logger';
import { openAppStorage } from './appStorage';
import { defaultEnvironment, environmentFromEnv } from './config';
import { readManagedSettings } from './deskPolicy';
import type { SecretCipher, SettingsStore } from './settingsStore';

export interface DeskStartupOptions {
  dataDir: string;
  /** safeStorage in Electron; plain text in the browser host, which Settings then says. */
  cipher: SecretCipher;
  env: Record<string, string | undefined>;
  /** Tests and the simulator bring their own; otherwise JSON logs on standard output. */
  logger?: Logger;
  /** Where the administrator's policy file is looked for (tests); this computer's otherwise. */
  platform?: NodeJS.Platform;
}

/** The secrets in force now, so a token pasted after start-up is kept out of the logs too. */
export function currentSecrets(settings: SettingsStore): string[] {
  const c = settings.connection();
  return [c.accessToken, c.appSecret, c.ngrokAuthtoken, c.agentToken, settings.turn().secret];
}

/**
 * What every desk does before its services start, in the Electron shell and the browser host alike:
 * read the environment, open the data folder, log without secrets, and put the administrator's settings (policy
 * file, environment variables) in force.
 */
export function prepareDesk(options: DeskStartupOptions) {
  // The logger exists before the settings it redacts, so a damaged file can be reported; it reads them at log time.
  const opened: { settings?: SettingsStore } = {};
  const logger =
    options.logger ?? createLogger({ secrets: () => (opened.settings ? currentSecrets(opened.settings) : []) });
  const storage = openAppStorage(options.dataDir, options.cipher, logger);
  opened.settings = storage.settings;
  const parsed = environmentFromEnv(options.env);
  const environmentErrors = parsed.ok ? [] : parsed.errors;
  if (!parsed.ok) logger.error('environment settings are wrong', { errors: parsed.errors });
  const environment = parsed.ok ? parsed.environment : defaultEnvironment();
  // Values from the environment are in force and locked, never copied into the agent's settings file.
  const policy = readManagedSettings(options.env, logger, options.platform);
  storage.settings.manage(policy.managed);
  if (policy.notice) storage.notices.push(policy.notice);
  return { storage, logger, environment, environmentErrors };
}

export type PreparedDesk = ReturnType<typeof prepareDesk>;
