import { QueuesLayout } from '../../shared/queueSettings';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from '../records/recordsDb';
import { SETTINGS_POLL_MS } from './teamSettingsStore';

export interface VersionedQueues {
  version: number;
  layout: QueuesLayout;
  changedBy: string;
  changedAt: string;
}

/**
 * The queues' layout an admin saved on the board, in PostgreSQL, one row per version; the newest is in force. With
 * no version yet the queues file's layout is (the file is the seed).
 */
export function createTeamQueuesStore(db: Pick<RecordsDb, 'query'>, log: Logger) {
  async function latest(): Promise<VersionedQueues | undefined> {
    const { rows } = await db.query<{ version: number; queues: unknown; changed_by: string; changed_at: Date }>(
      'SELECT version, queues, changed_by, changed_at FROM team_queues ORDER BY version DESC LIMIT 1',
    );
    const row = rows[0];
    if (!row) return undefined;
    const layout = QueuesLayout.safeParse(row.queues);
    if (!layout.success) {
      log.error('queues version unreadable; the one before stays in force', { version: row.version });
      return undefined;
    }
    return {
      version: row.version,
      layout: layout.data,
      changedBy: row.changed_by,
      changedAt: row.changed_at.toISOString(),
    };
  }

  return {
    latest,
    /**
     * Saves a new version if `basedOn` is still the newest (0: none saved yet); undefined when someone saved since.
     * Two saves at once on the same version: the unique `replaces` lets one in and the other is refused.
     */
    async save(layout: QueuesLayout, by: string, basedOn: number): Promise<number | undefined> {
      const { rows } = await db.query<{ version: number }>(
        `INSERT INTO team_queues (queues, changed_by, replaces)
         SELECT $1, $2, newest FROM (SELECT COALESCE(max(version), 0) AS newest FROM team_queues) n
         WHERE newest = $3::int
         ON CONFLICT (replaces) DO NOTHING
         RETURNING version`,
        [JSON.stringify(layout), by, basedOn],
      );
      return rows[0]?.version;
    },
    /** Calls `apply` with each newer version as it appears (and the one in force at start); returns a stop. */
    watch(apply: (current: VersionedQueues) => void): () => void {
      let seen = 0;
      const look = () =>
        latest()
          .then((current) => {
            if (current && current.version > seen) {
              seen = current.version;
              apply(current);
            }
          })
          // The table appears with the migration; until then (or while PostgreSQL is down) the queues stay.
          .catch((error: unknown) => log.debug('queues not read', { error: errorText(error) }));
      void look();
      const timer = setInterval(() => void look(), SETTINGS_POLL_MS);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}
export type TeamQueuesStore = ReturnType<typeof createTeamQueuesStore>;
