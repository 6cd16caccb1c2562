import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openCallHistory } from './callHistory';
import { createSettingsStore, type SecretCipher } from './settingsStore';

/** The app's files in its data folder: settings (secrets encrypted where possible) and the call history. */
export function openAppStorage(dataDir: string, cipher: SecretCipher) {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return {
    settings: createSettingsStore(join(dataDir, 'settings.json'), cipher),
    history: openCallHistory(join(dataDir, 'history.sqlite')),
  };
}
