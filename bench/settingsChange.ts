import pg from 'pg';
import { createTeamQueuesStore } from '../src/relay/admin/teamQueuesStore';
import { createTeamSettingsStore } from '../src/relay/admin/teamSettingsStore';
import { createRecordsDb, type RecordsDb } from '../src/relay/records/recordsDb';
import { startTestPostgres } from '../src/relay/testPostgres';
import { createLogger } from '../src/whatsapp/logger';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** What HEAD's watch did before issue 28: the newest version read every 2 s. */
const POLL_MS = 2000;

type Watch = (db: RecordsDb, onSettings: (version: number) => void) => () => void;

/** The relay's way: settings and queues watched through PostgreSQL's NOTIFY on one listening connection. */
const listened: Watch = (db, onSettings) => {
  const log = createLogger({ level: 'error' });
  const stops = [
    createTeamSettingsStore(db, log).watch(({ version }) => onSettings(version)),
    createTeamQueuesStore(db, log).watch(() => undefined),
  ];
  return () => stops.forEach((stop) => stop());
};

/** The baseline: the same two stores' newest versions read every 2 s, as each instance did. */
const polled: Watch = (db, onSettings) => {
  const log = createLogger({ level: 'error' });
  const settings = createTeamSettingsStore(db, log);
  const queues = createTeamQueuesStore(db, log);
  let seen = 0;
  const look = () => {
    void settings.latest().then((v) => {
      if (v && v.version > seen) onSettings((seen = v.version));
    });
    void queues.latest();
  };
  look();
  const timer = setInterval(look, POLL_MS);
  return () => clearInterval(timer);
};

/**
 * A team setting saved on instance A until it is in force on instance B (two records pools on one PostgreSQL), by
 * NOTIFY and by the 2 s poll it replaced, in one run; and what an idle instance asks PostgreSQL per second each way.
 */
export async function benchSettingsChange(saves = 10, idleSeconds = 10) {
  const postgres = await startTestPostgres();
  const log = createLogger({ level: 'error' });
  const stats = new pg.Client(postgres.url);
  await stats.connect();
  /** Scans of the two tables and the database's committed transactions so far. */
  const counters = async () => {
    const { rows } = await stats.query<{ reads: string; commits: string }>(
      `SELECT (SELECT sum(seq_scan + coalesce(idx_scan, 0)) FROM pg_stat_user_tables
                WHERE relname IN ('team_settings', 'team_queues')) AS reads,
              (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS commits`,
    );
    return { reads: Number(rows[0]!.reads), commits: Number(rows[0]!.commits) };
  };
  const result: Record<'polled' | 'listened', { medianMs: number; worstMs: number; reads: number; commits: number }> =
    {} as never;
  try {
    for (const [name, watch] of [
      ['polled', polled],
      ['listened', listened],
    ] as const) {
      const a = createRecordsDb(postgres.url, log);
      const b = createRecordsDb(postgres.url, log);
      await a.migrate();
      const store = createTeamSettingsStore(a, log);
      let applied = 0;
      const stop = watch(b, (version) => (applied = version));
      await pause(1000);
      const took: number[] = [];
      for (let i = 0; i < saves; i += 1) {
        const version = (await store.save({ notReadyReasons: [`r${name}${i}`], wrapUpCodes: ['done'] }, 'bench'))!;
        const savedAt = performance.now();
        while (applied < version) await pause(2);
        took.push(performance.now() - savedAt);
        // Saved at any moment of the poll's period, as an admin would.
        await pause(Math.random() * POLL_MS);
      }
      // Idle: B watching, nothing saved (A's pool stays open, as another instance would). A backend that read less
      // than 1 s after its last report sends its counts up to 10 s later: they land before the window.
      await pause(11_000);
      const before = await counters();
      await pause(idleSeconds * 1000);
      const after = await counters();
      stop();
      await Promise.all([a.close(), b.close()]);
      result[name] = {
        medianMs: median(took),
        worstMs: Math.max(...took),
        reads: (after.reads - before.reads) / idleSeconds,
        // The counters' own query is one of the commits.
        commits: (after.commits - before.commits - 1) / idleSeconds,
      };
      await stats.query('TRUNCATE team_settings, team_queues');
    }
  } finally {
    await stats.end();
    await postgres.stop();
  }
  return { saves, idleSeconds, ...result };
}
