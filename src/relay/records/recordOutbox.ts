import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RecordEvent } from '../../shared/callRecords';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from './recordsDb';

/** How often an instance tries to write what waits, and how many events go in one transaction. */
export const FLUSH_EVERY_MS = 250;
const BATCH = 500;
const LOCK_MS = 15_000;

const RELEASE_IF_MINE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Call-record events wait in a Redis list until PostgreSQL has them: one instance at a time (a lock in Redis) writes
 * the oldest batch in one transaction and only then removes it, so a database that is down loses nothing; the events
 * are written when it returns.
 */
export function createRecordOutbox(deps: { redis: Redis; prefix: string; db: RecordsDb; log: Logger }) {
  const { redis, db, log } = deps;
  const listKey = `${deps.prefix}:records:outbox`;
  const lockKey = `${deps.prefix}:records:writer`;
  const me = randomBytes(8).toString('hex');
  let dbDown = false;
  let flushing: Promise<number> | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;

  async function flushOnce(): Promise<number> {
    if ((await redis.set(lockKey, me, 'PX', LOCK_MS, 'NX')) !== 'OK') return 0;
    try {
      const raw = await redis.lrange(listKey, 0, BATCH - 1);
      if (raw.length === 0) return 0;
      const events: RecordEvent[] = [];
      for (const text of raw) {
        try {
          const parsed = RecordEvent.safeParse(JSON.parse(text));
          if (parsed.success) events.push(parsed.data);
          else log.error('call record dropped: not a record event', { issues: parsed.error.issues.length });
        } catch {
          log.error('call record dropped: not JSON');
        }
      }
      try {
        await db.write(events);
      } catch (error) {
        if (!dbDown) log.warn('call records wait in Redis: PostgreSQL refused them', { error: errorText(error) });
        dbDown = true;
        throw error;
      }
      if (dbDown) log.info('PostgreSQL is back: waiting call records written');
      dbDown = false;
      await redis.ltrim(listKey, raw.length, -1);
      return raw.length;
    } finally {
      await redis.eval(RELEASE_IF_MINE, 1, lockKey, me).catch(() => undefined);
    }
  }

  function flush(): Promise<number> {
    flushing ??= flushOnce().finally(() => (flushing = undefined));
    return flushing;
  }

  return {
    /** Queues an event; resolves once Redis holds it. */
    async push(event: RecordEvent): Promise<void> {
      await redis.rpush(listKey, JSON.stringify(event));
    },
    /** Writes what waits now (one batch); how many events were written. */
    flush,
    pending: (): Promise<number> => redis.llen(listKey),
    databaseDown: () => dbDown,
    start(): void {
      timer ??= setInterval(() => {
        flush().catch(() => undefined);
      }, FLUSH_EVERY_MS);
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = undefined;
      await flushing?.catch(() => undefined);
    },
  };
}
export type RecordOutbox = ReturnType<typeof createRecordOutbox>;
