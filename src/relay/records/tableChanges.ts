import pg from 'pg';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';

/** The channel a table's triggers NOTIFY on (migration 22): a save is heard when it commits. */
export const changeChannel = (table: string) => `${table}_changed`;

/**
 * How often the listening connection is asked `SELECT 1`, and how long an answer may take: a connection that died
 * without a word (a failover, a NAT forgetting an idle flow) would otherwise leave the instance deaf for good.
 */
export const LISTEN_CHECK_MS = 30_000;
const CHECK_TIMEOUT_MS = 5000;
const RECONNECT_MS = [1000, 2000, 5000, 10_000];
/** The listening connection's `application_name` in pg_stat_activity. */
export const LISTENER_NAME = 'relay-listen';

/** Reads what a table holds now; a rejection leaves it to be read again at the next check. */
export type TableLook = () => Promise<void>;

/**
 * One listening connection per instance for every table watched: each look runs when its table's channel is
 * notified, once at every (re)connect (a change made while away is not missed), and again at the next check after
 * it failed. Connects with the first watch; PostgreSQL down is tried again, logged at debug.
 */
export function createTableChanges(url: string, log: Logger) {
  const looks = new Map<string, Set<TableLook>>();
  const failed = new Set<TableLook>();
  let client: pg.Client | undefined;
  const listening = new Set<string>();
  let connected = false;
  let closed = false;
  let attempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let check: ReturnType<typeof setInterval> | undefined;

  /** Looks running, each with whether it was asked for again meanwhile. */
  const running = new Map<TableLook, boolean>();

  /**
   * One read at a time per look, so an older read never lands after a newer one; asked for while it runs, it runs
   * once more after it (a burst of saves costs two reads, the last one after the last save).
   */
  function run(look: TableLook): void {
    if (running.has(look)) {
      running.set(look, true);
      return;
    }
    running.set(look, false);
    void look()
      .then(
        () => failed.delete(look),
        () => failed.add(look),
      )
      .finally(() => {
        const again = running.get(look);
        running.delete(look);
        if (again) run(look);
      });
  }
  const runTable = (table: string) => looks.get(table)?.forEach(run);

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url, application_name: LISTENER_NAME, keepAlive: true });
    client = next;
    listening.clear();
    next.on('notification', ({ channel }) => {
      for (const table of looks.keys()) if (changeChannel(table) === channel) runTable(table);
    });
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('connection ended')));
    try {
      await next.connect();
      await listenAll(next);
    } catch (error) {
      lost(next, error);
      return;
    }
    if (client !== next) return;
    connected = true;
    attempts = 0;
    for (const table of looks.keys()) runTable(table);
  }

  /** LISTENs on every watched table's channel not listened to yet on this connection. */
  async function listenAll(on: pg.Client): Promise<void> {
    for (const table of looks.keys()) {
      if (listening.has(table)) continue;
      listening.add(table);
      await on.query(`LISTEN ${changeChannel(table)}`);
    }
  }

  function lost(which: pg.Client, error: unknown): void {
    if (client !== which) return;
    client = undefined;
    connected = false;
    which.end().catch(() => undefined);
    if (closed) return;
    log.debug('PostgreSQL listening connection lost; connecting again', { error: errorText(error) });
    const wait = RECONNECT_MS[Math.min(attempts, RECONNECT_MS.length - 1)]!;
    attempts += 1;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, wait);
    retry.unref();
  }

  async function checkConnection(): Promise<void> {
    const now = client;
    if (!now || !connected) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer to SELECT 1')), CHECK_TIMEOUT_MS);
    });
    try {
      await Promise.race([now.query('SELECT 1'), late]);
    } catch (error) {
      lost(now, error);
      return;
    } finally {
      clearTimeout(timer);
    }
    failed.forEach(run);
  }

  return {
    /**
     * Runs `look` once the connection listens (at once if it does already) and whenever `table` changes; returns a
     * stop. `table` is a caller's constant.
     */
    watch(table: string, look: TableLook): () => void {
      if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
      const stop = () => {
        looks.get(table)?.delete(look);
        failed.delete(look);
      };
      looks.set(table, (looks.get(table) ?? new Set()).add(look));
      if (!client && !retry && !closed) {
        check ??= setInterval(() => void checkConnection(), LISTEN_CHECK_MS);
        check.unref();
        void connect();
        return stop;
      }
      if (!connected) return stop;
      // On a live connection: LISTEN first, then read, so that no save falls between the two.
      const now = client!;
      void listenAll(now).then(
        () => run(look),
        (error: unknown) => lost(now, error),
      );
      return stop;
    },
    /** Runs every look once more (the schema changed: a table or its NOTIFY trigger may be new). */
    readAll(): void {
      for (const table of looks.keys()) runTable(table);
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retry);
      clearInterval(check);
      const last = client;
      client = undefined;
      connected = false;
      await last?.end().catch(() => undefined);
    },
  };
}
export type TableChanges = ReturnType<typeof createTableChanges>;
