import type { Redis } from 'ioredis';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { CallRecorder } from './callRecorder';
import { createRecordOutbox } from './recordOutbox';
import { createRecordsDb } from './recordsDb';

const MIGRATE_RETRY_MS = 3000;

/**
 * The team's lasting call records: events queue in Redis at once (nothing on a call's path waits for PostgreSQL) and
 * are written once the schema is up to date; a database that is down at start is waited for, not fatal.
 */
export function createTeamRecords(deps: { databaseUrl: string; redis: Redis; prefix: string; log: Logger }) {
  const { log } = deps;
  const db = createRecordsDb(deps.databaseUrl, log);
  const outbox = createRecordOutbox({ redis: deps.redis, prefix: deps.prefix, db, log });
  let migrated = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  async function migrate(): Promise<void> {
    try {
      const applied = await db.migrate();
      migrated = true;
      if (applied.length > 0) log.info('call records schema updated', { versions: applied });
      // A watched table may have just appeared, or started to announce its changes: a save before that is read now.
      if (applied.length > 0) db.changes.readAll();
      outbox.start();
    } catch (error) {
      log.warn('call records database not ready; trying again', { error: errorText(error) });
      if (!closed) retry = setTimeout(() => void migrate(), MIGRATE_RETRY_MS);
    }
  }

  const recorder: CallRecorder = {
    record(event) {
      outbox
        .push(event)
        .catch((error: unknown) =>
          log.error('call record lost: Redis did not take it', { callId: event.callId, error: errorText(error) }),
        );
    },
    customerCalls: (customer, limit) => db.customerCalls(customer, limit),
    ratingsFor: (callIds, agentId) => db.ratingsFor(callIds, agentId),
  };

  return {
    recorder,
    db,
    outbox,
    start: () => migrate(),
    ready: () => migrated,
    async healthy(): Promise<boolean> {
      return migrated && (await db.healthy());
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retry);
      await outbox.stop();
      await db.close();
    },
  };
}
export type TeamRecords = ReturnType<typeof createTeamRecords>;
