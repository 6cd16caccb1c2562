import { TeamSettings } from '../../shared/teamSettings';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from '../records/recordsDb';
import { createVersionedStore, type Versioned } from './versionedStore';

export type VersionedSettings = Versioned<'settings', TeamSettings>;

/** The team's settings in PostgreSQL, one row per version; the newest is in force. */
export function createTeamSettingsStore(db: Pick<RecordsDb, 'query' | 'changes'>, log: Logger) {
  return createVersionedStore(db, log, {
    table: 'team_settings',
    column: 'settings',
    schema: TeamSettings,
    field: 'settings',
    what: 'team settings',
  });
}
export type TeamSettingsStore = ReturnType<typeof createTeamSettingsStore>;
