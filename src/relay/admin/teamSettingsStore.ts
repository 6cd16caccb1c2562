import { TeamSettings } from '../../shared/teamSettings';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from '../records/recordsDb';

/** How often each instance looks for a newer version: a change applies everywhere within this, without restart. */
export const SETTINGS_POLL_MS = 2000;

export interface VersionedSettings {
  version: number;
  settings: TeamSettings;
  changedBy: string;
  changedAt: string;
}

/** The team's settings in PostgreSQL, one row per version; the newest is in force. */
export function createTeamSettingsStore(db: Pick<RecordsDb, 'query'>, log: Logger) {
  async function latest(): Promise<VersionedSettings | undefined> {
    const { rows } = await db.query<{ version: number; settings: unknown; changed_by: string; changed_at: Date }>(
      'SELECT version, settings, changed_by, changed_at FROM team_settings ORDER BY version DESC LIMIT 1',
    );
    const row = rows[0];
    if (!row) return undefined;
    const settings = TeamSettings.safeParse(row.settings);
    if (!settings.success) {
      log.error('team settings version unreadable; the one before stays in force', { version: row.version });
      return undefined;
    }
    return {
      version: row.version,
      settings: settings.data,
      changedBy: row.changed_by,
      changedAt: row.changed_at.toISOString(),
    };
  }

  return {
    latest,
    /**
     * Saves a new version; with `basedOn`, only if it is still the newest (undefined otherwise: someone saved since).
     * Two saves at once on the same version: the unique `replaces` lets one in; the other, based on a version,
     * is refused, and without one it is made again on the newer version.
     */
    async save(settings: TeamSettings, by: string, basedOn?: number): Promise<number | undefined> {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const { rows } = await db.query<{ version: number }>(
          `INSERT INTO team_settings (settings, changed_by, replaces)
           SELECT $1, $2, newest FROM (SELECT COALESCE(max(version), 0) AS newest FROM team_settings) n
           WHERE $3::int IS NULL OR newest = $3::int
           ON CONFLICT (replaces) DO NOTHING
           RETURNING version`,
          [JSON.stringify(settings), by, basedOn ?? null],
        );
        if (rows[0] || basedOn !== undefined) return rows[0]?.version;
      }
      throw new Error('team settings not saved: other saves kept landing first');
    },
    /** Calls `apply` with each newer version as it appears (and the one in force at start); returns a stop. */
    watch(apply: (current: VersionedSettings) => void): () => void {
      let seen = 0;
      const look = () =>
        latest()
          .then((current) => {
            if (current && current.version > seen) {
              seen = current.version;
              apply(current);
            }
          })
          // The table appears with the migration; until then (or while PostgreSQL is down) the settings stay.
          .catch((error: unknown) => log.debug('team settings not read', { error: errorText(error) }));
      void look();
      const timer = setInterval(() => void look(), SETTINGS_POLL_MS);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
export type TeamSettingsStore = ReturnType<typeof createTeamSettingsStore>;
