import { QueuesLayout } from '../../shared/queueSettings';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from '../records/recordsDb';
import { createVersionedStore, type Versioned } from './versionedStore';

export type VersionedQueues = Versioned<'layout', QueuesLayout>;

/**
 * The queues' layout an admin saved on the board, in PostgreSQL, one row per version; the newest is in force. With
 * no version yet the queues file's layout is (the file is the seed).
 */
export function createTeamQueuesStore(db: Pick<RecordsDb, 'query' | 'changes'>, log: Logger) {
  const store = createVersionedStore(db, log, {
    table: 'team_queues',
    column: 'queues',
    schema: QueuesLayout,
    field: 'layout',
    what: 'queues',
  });
  return {
    ...store,
    /** Saves a new version if `basedOn` is still the newest (0: none saved yet); undefined when someone saved since. */
    save: (layout: QueuesLayout, by: string, basedOn: number): Promise<number | undefined> =>
      store.save(layout, by, basedOn),
  };
}
export type TeamQueuesStore = ReturnType<typeof createTeamQueuesStore>;
