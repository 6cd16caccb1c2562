import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../whatsapp/logger';
import { createTeamSettingsStore, type VersionedSettings } from '../admin/teamSettingsStore';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { startTestRedis, type TestRedis } from '../testRedis';
import { MIGRATIONS } from './migrations';
import { createTableChanges, LISTENER_NAME } from './tableChanges';
import { createTeamRecords } from './teamRecords';

let redis: TestRedis;
let postgres: TestPostgres;

beforeAll(async () => {
  [redis, postgres] = await Promise.all([startTestRedis(), startTestPostgres()]);
}, 60_000);
afterAll(async () => {
  await redis?.stop();
  await postgres?.stop();
});

async function until(test: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('changes announced by PostgreSQL, on a relay upgrading its schema', () => {
  it('a version saved before the tables announced their changes is applied once this instance migrates', async () => {
    // The database as the release before the triggers left it, with no version saved yet.
    const admin = new pg.Client(postgres.url);
    await admin.connect();
    await admin.query(
      'CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    for (const step of MIGRATIONS.filter((m) => m.version < 22)) {
      await admin.query(step.sql);
      await admin.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [step.version, step.name]);
    }
    const log = createMemoryLogger();
    const client = new Redis(redis.url);
    const records = createTeamRecords({ databaseUrl: postgres.url, redis: client, prefix: 'upgrade', log });
    const applied: VersionedSettings[] = [];
    const stop = createTeamSettingsStore(records.db, log).watch((current) => applied.push(current));
    try {
      // The watch has read the empty table; an instance of the release before saves (no NOTIFY without the trigger).
      const listening = async () =>
        (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = '${LISTENER_NAME}'`)).rowCount;
      const end = Date.now() + 10_000;
      while ((await listening()) !== 1) {
        if (Date.now() > end) throw new Error('the listening connection never came up');
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, 300));
      await admin.query(
        `INSERT INTO team_settings (settings, changed_by, replaces) VALUES ('{"notReadyReasons": ["lunch"], "wrapUpCodes": ["done"]}', 'old', 0)`,
      );
      await new Promise((r) => setTimeout(r, 300));
      expect(applied).toEqual([]);

      await records.start();
      await until(() => applied.length === 1, 'the version saved before the migration applied', 5000);
      expect(applied[0]).toMatchObject({ version: 1, changedBy: 'old', settings: { notReadyReasons: ['lunch'] } });
    } finally {
      stop();
      await records.close();
      client.disconnect();
      await admin.end();
    }
  }, 30_000);

  it('reads one at a time: a burst of changes costs a read in flight and one after the last change', async () => {
    const changes = createTableChanges(postgres.url, createMemoryLogger());
    let inFlight = 0;
    let most = 0;
    const reads: number[] = [];
    const stop = changes.watch('team_queues', async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 200));
      reads.push(Date.now());
      inFlight -= 1;
    });
    const admin = new pg.Client(postgres.url);
    await admin.connect();
    try {
      await until(() => reads.length === 1, 'the read at connection');
      for (let i = 0; i < 10; i += 1) await admin.query('NOTIFY team_queues_changed');
      const lastAt = Date.now();
      await new Promise((r) => setTimeout(r, 1000));
      expect(most).toBe(1);
      // The read at connection, then one for the first change and one for the nine that came while it ran.
      expect(reads.length).toBeLessThanOrEqual(3);
      expect(reads.at(-1)!).toBeGreaterThan(lastAt);
    } finally {
      stop();
      await changes.close();
      await admin.end();
    }
  });
});
