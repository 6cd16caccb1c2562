import { readFileSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import type { Logger } from '../whatsapp/logger';
import { ManagedConnection, managedFrom, readDeskPolicy, type ManagedSettings } from '../shared/deskPolicy';
import { sentence, type Sentence } from '../shared/sentence';

/** Where IT drops the desk's policy, per operating system; WA_POLICY_FILE points elsewhere (tests, odd installs). */
export function policyFilePath(env: Record<string, string | undefined>, platform: NodeJS.Platform): string {
  if (env.WA_POLICY_FILE) return env.WA_POLICY_FILE;
  if (platform === 'win32') return win32.join(env.ProgramData ?? 'C:\\ProgramData', 'wa-softphone', 'policy.json');
  if (platform === 'darwin') return posix.join('/Library/Application Support', 'wa-softphone', 'policy.json');
  return '/etc/wa-softphone/policy.json';
}

/** The administrator's connection values handed over in environment variables (unattended installs). */
export function connectionFromEnv(env: Record<string, string | undefined>): Record<string, string> {
  const given: Record<string, string | undefined> = {
    accessToken: env.WA_ACCESS_TOKEN,
    appSecret: env.WA_APP_SECRET,
    phoneNumberId: env.WA_PHONE_NUMBER_ID,
    verifyToken: env.WA_VERIFY_TOKEN,
    webhookPort: env.WA_SETTINGS_WEBHOOK_PORT,
    publicUrl: env.WA_PUBLIC_URL,
    tunnel: env.WA_PUBLIC_URL ? 'public_url' : undefined,
    relayUrls: env.WA_RELAY_URLS,
    mode: env.WA_RELAY_URLS ? 'relay' : undefined,
  };
  return Object.fromEntries(Object.entries(given).filter((e): e is [string, string] => Boolean(e[1])));
}

type FileReading = { found: false } | { found: true; text: string } | { found: true; error: string };

function readPolicyFile(path: string): FileReading {
  try {
    return { found: true, text: readFileSync(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { found: false };
    return { found: true, error: String(error) };
  }
}

export interface ManagedReading {
  managed: ManagedSettings;
  /** For the agent, when the administrator's settings could not be read (the detail is in the log). */
  notice?: Sentence;
  path: string;
}

/**
 * What the administrator decided for this desk: the policy file over the environment. Anything wrong in either is
 * logged with its detail and told to the agent in one sentence, and locks the administrator's fields all the same.
 */
export function readManagedSettings(
  env: Record<string, string | undefined>,
  log: Logger,
  platform: NodeJS.Platform = process.platform,
): ManagedReading {
  const path = policyFilePath(env, platform);
  const problems: Array<{ source: string; detail: string }> = [];
  const fromEnv = ManagedConnection.safeParse(connectionFromEnv(env));
  if (!fromEnv.success) {
    problems.push({ source: 'environment', detail: fromEnv.error.issues.map((i) => i.message).join('; ') });
  }
  const file = readPolicyFile(path);
  let fromFile: ManagedConnection = {};
  if (file.found && 'error' in file) problems.push({ source: path, detail: file.error });
  if (file.found && 'text' in file) {
    const reading = readDeskPolicy(file.text);
    if (reading.ok) fromFile = reading.connection;
    else problems.push({ source: path, detail: reading.detail });
  }
  const values = { ...(fromEnv.success ? fromEnv.data : {}), ...fromFile };
  const managed = managedFrom(values, { policyFound: file.found, unreadable: problems.length > 0 });
  for (const problem of problems) {
    log.error('administrator settings could not be read; the connection settings stay locked', problem);
  }
  if (managed.locked.length > 0 && problems.length === 0) {
    log.info('connection managed by the administrator', { policy: file.found ? path : undefined });
  }
  return { managed, path, notice: problems.length > 0 ? sentence('policyUnreadable') : undefined };
}
