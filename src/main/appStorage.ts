import { openHoldMusicStore, type HoldMusicStore } from './holdMusicStore';
import { mkdirSync, renameSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createLogger, type Logger } from '../whatsapp/logger';
import { openCallHistory, type CallHistory } from './callHistory';
import { createSettingsStore, type SecretCipher, type SettingsStore } from './settingsStore';
import { sentence, type Sentence } from '../shared/sentence';

/** Moves a damaged file (and SQLite's side files) out of the way under a dated name; returns that name. */
function setAside(path: string, now: Date): string {
  const aside = `${path}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  }
  return aside;
}

/** Opens a data file; a damaged one is set aside and a fresh one started, with a sentence saying so. */
function openOrStartFresh<T>(
  path: string,
  open: (path: string) => T,
  explain: (aside: string) => Sentence,
  report: { notices: Sentence[]; log: Logger },
): T {
  try {
    return open(path);
  } catch (error) {
    const aside = setAside(path, new Date());
    report.notices.push(explain(basename(aside)));
    report.log.error('data file damaged; set aside and started fresh', { path, aside, error: String(error) });
    return open(path);
  }
}

export interface AppStorage {
  settings: SettingsStore;
  history: CallHistory;
  /** What the agent should know about the data folder (a damaged file set aside), for the page to word. */
  notices: Sentence[];
  holdMusic: HoldMusicStore;
  /** WhatsApp's recordings and transcripts of calls. */
  mediaFolder: string;
}

/** The app's files in its data folder: settings (secrets encrypted where possible) and the call history. */
export function openAppStorage(dataDir: string, cipher: SecretCipher, log: Logger = createLogger()): AppStorage {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const notices: Sentence[] = [];
  const report = { notices, log };
  const settings = openOrStartFresh(
    join(dataDir, 'settings.json'),
    (path) => createSettingsStore(path, cipher),
    (aside) => sentence('settingsDamaged', { file: aside }),
    report,
  );
  const history = openOrStartFresh(
    join(dataDir, 'history.sqlite'),
    openCallHistory,
    (aside) => sentence('historyDamaged', { file: aside }),
    report,
  );
  return {
    settings,
    history,
    notices,
    holdMusic: openHoldMusicStore(join(dataDir, 'hold-music')),
    mediaFolder: join(dataDir, 'call-media'),
  };
}
