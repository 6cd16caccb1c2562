import { TeamSettings } from '../../shared/teamSettings';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from '../records/recordsDb';
import { createVersionedStore, VERSION_POLL_MS, type Versioned } from './versionedStore';

/** How often each instance looks for a newer version: a change applies everywhere within this, without restart. */
export const SETTINGS_POLL_MS = VERSION_POLL_MS;

export type VersionedSettings = Versioned<'settings', TeamSettings>;

/** The team's settings in PostgreSQL, one row per version; the newest is in force. */
export function createTeamSettingsStore(db: Pick<RecordsDb, 'query'>, log: Logger) {
  return createVersionedStore(db, log, {
    table: 'team_settings',
    column: 'settings',
    schema: TeamSettings,
    field: 'settings',
    what: 'team settings',
  });
}
export type TeamSettingsStore = ReturnType<typeof createTeamSettingsStore>;
