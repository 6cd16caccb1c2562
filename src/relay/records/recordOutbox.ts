import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { RecordEvent } from '../../shared/callRecords';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from './recordsDb';
import { createDueWake } from '../dueWake';

/** How long after an event an instance writes what waits (the events of a moment go together), and how many. */
const FLUSH_AFTER_MS = 250;
const BATCH = 500;
const LOCK_MS = 15_000;
/** While PostgreSQL refuses, the next try; events another instance left (it died before writing) are seen this often. */
const RETRY_MS = 1000;
const SAFETY_LOOK_MS = 5000;

const RELEASE_IF_MINE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Call-record events wait in a Redis list until PostgreSQL has them: one instance at a time (a lock in Redis) writes
 * the oldest batch in one transaction and only then removes it, so a database that is down loses nothing; the events
 * are written when it returns. An instance writes shortly after it adds events, not on a tick; it looks at the list
 * once per SAFETY_LOOK_MS for events an instance left behind.
 */
export function createRecordOutbox(deps: { redis: Redis; prefix: string; db: RecordsDb; log: Logger }) {
  const { redis, db, log } = deps;
  const listKey = `${deps.prefix}:records:outbox`;
  const lockKey = `${deps.prefix}:records:writer`;
  const me = randomBytes(8).toString('hex');
  let dbDown = false;

  /** Writes the oldest batch; 'locked' when another instance is writing. */
  async function flushOnce(): Promise<number | 'locked'> {
    if ((await redis.set(lockKey, me, 'PX', LOCK_MS, 'NX')) !== 'OK') return 'locked';
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

  let flushing: Promise<number | 'locked'> | undefined;
  function flushNow(): Promise<number | 'locked'> {
    flushing ??= flushOnce().finally(() => (flushing = undefined));
    return flushing;
  }
  async function flush(): Promise<number> {
    const written = await flushNow();
    return written === 'locked' ? 0 : written;
  }

  /**
   * One look of the write timer: writes what waits and returns when to look next. Nothing waits: one command, and the
   * next look after SAFETY_LOOK_MS unless an event comes first. Another instance writing now (what this one added may
   * come after its batch) or a full batch: soon again. PostgreSQL or Redis refusing: after RETRY_MS.
   */
  async function write(): Promise<number | undefined> {
    try {
      const written = (await redis.llen(listKey)) === 0 ? 0 : await flushNow();
      if (written === 'locked') return Date.now() + FLUSH_AFTER_MS;
      return written === BATCH ? Date.now() : undefined;
    } catch {
      return Date.now() + RETRY_MS;
    }
  }
  const wake = createDueWake({ look: write, safetyMs: SAFETY_LOOK_MS, log, what: 'call records' });

  return {
    /** Queues an event; resolves once Redis holds it. */
    async push(event: RecordEvent): Promise<void> {
      await redis.rpush(listKey, JSON.stringify(event));
      wake.at(Date.now() + FLUSH_AFTER_MS);
    },
    /** Writes what waits now (one batch); how many events were written. */
    flush,
    pending: (): Promise<number> => redis.llen(listKey),
    databaseDown: () => dbDown,
    start: wake.start,
    async stop(): Promise<void> {
      wake.stop();
      await flushing?.catch(() => undefined);
    },
  };
}
export type RecordOutbox = ReturnType<typeof createRecordOutbox>;
