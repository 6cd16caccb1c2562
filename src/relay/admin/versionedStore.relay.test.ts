import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueuesLayout } from '../../shared/queueSettings';
import type { TeamSettings } from '../../shared/teamSettings';
import { createMemoryLogger } from '../../whatsapp/logger';
import { createRecordsDb, type RecordsDb } from '../records/recordsDb';
import { startTestPostgres, type TestPostgres } from '../testPostgres';
import { createTeamQueuesStore } from './teamQueuesStore';
import { createTeamSettingsStore, type VersionedSettings } from './teamSettingsStore';

let postgres: TestPostgres;
let db: RecordsDb;
const log = createMemoryLogger();

beforeAll(async () => {
  postgres = await startTestPostgres();
  db = createRecordsDb(postgres.url, log);
  await db.migrate();
}, 60_000);
afterAll(async () => {
  await db.close();
  await postgres.stop();
});

async function until(test: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > end) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const settings = (reason: string): TeamSettings => ({ notReadyReasons: [reason], wrapUpCodes: ['sale'] });

describe('versioned store (team settings, queues) on PostgreSQL', () => {
  it('an unreadable newest version is logged and a watcher keeps the one before until a readable one lands', async () => {
    const store = createTeamSettingsStore(db, log);
    expect(await store.save(settings('lunch'), 'ada', 0)).toBe(1);
    const applied: VersionedSettings[] = [];
    const stop = store.watch((current) => applied.push(current));
    try {
      await until(() => applied.length === 1, 'the version in force applied');
      expect(applied[0]).toMatchObject({ version: 1, settings: settings('lunch'), changedBy: 'ada' });

      await db.query(
        `INSERT INTO team_settings (settings, changed_by, replaces) VALUES ('{"notReadyReasons": 5}', 'x', 1)`,
      );
      expect(await store.latest()).toBeUndefined();
      const unreadable = (r: { msg: string; version?: unknown }) =>
        r.msg === 'team settings version unreadable; the one before stays in force' && r.version === 2;
      await until(() => log.records.some(unreadable), 'the unreadable version logged');

      // Based on the unreadable version (the newest row): it lands on top of it, and the watcher takes it.
      expect(await store.save(settings('training'), 'bea', 2)).toBe(3);
      await until(() => applied.length === 2, 'the newer version applied');
      expect(applied.map((v) => [v.version, v.settings.notReadyReasons])).toEqual([
        [1, ['lunch']],
        [3, ['training']],
      ]);
    } finally {
      stop();
    }
  }, 30_000);

  it('a save on a version someone replaced is refused; one without a version lands on the newest', async () => {
    const store = createTeamSettingsStore(db, log);
    const newest = (await store.latest())!.version;
    expect(await store.save(settings('coaching'), 'ada', newest - 1)).toBeUndefined();
    const saved = await Promise.all(['one', 'two', 'three'].map((r) => store.save(settings(r), 'ada')));
    // Each lands once, on top of the one before (a save that lost the race tries again on the newest; the serial
    // number it drew is skipped, so the versions need not be consecutive).
    const versions = saved.map(Number).sort((a, b) => a - b);
    expect(new Set(versions).size).toBe(3);
    expect(versions[0]).toBeGreaterThan(newest);
    const chain = await db.query<{ version: number; replaces: number }>(
      'SELECT version, replaces FROM team_settings WHERE version = ANY($1) ORDER BY version',
      [versions],
    );
    expect(chain.rows.map((r) => r.replaces)).toEqual([newest, versions[0], versions[1]]);
    expect((await store.latest())!.version).toBe(versions[2]);
  });

  it('queues are kept in their own table and read back as a layout', async () => {
    const store = createTeamQueuesStore(db, log);
    const layout = QueuesLayout.parse({ queues: [{ id: 'support', name: 'Support', agents: { ben: 1 } }] });
    expect(await store.latest()).toBeUndefined();
    expect(await store.save(layout, 'ada', 0)).toBe(1);
    expect(await store.save(layout, 'bea', 0)).toBeUndefined();
    expect(await store.latest()).toMatchObject({ version: 1, layout, changedBy: 'ada' });
    const rows = await db.query<{ queues: unknown }>('SELECT queues FROM team_queues');
    expect(rows.rows.map((r) => r.queues)).toEqual([layout]);
  });

  it('with PostgreSQL down the version in force stays; one saved when it is back is applied (last: it stops the server)', async () => {
    const store = createTeamSettingsStore(db, log);
    const applied: VersionedSettings[] = [];
    const stop = store.watch((current) => applied.push(current));
    try {
      await until(() => applied.length === 1, 'the version in force applied');
      await postgres.kill();
      const lost = (r: { msg: string }) => r.msg === 'PostgreSQL listening connection lost; connecting again';
      await until(() => log.records.some(lost), 'the lost listening connection logged at debug');
      await new Promise((r) => setTimeout(r, 1500));
      expect(applied).toHaveLength(1);

      await postgres.start();
      const version = await store.save(settings('back'), 'ada');
      await until(() => applied.at(-1)?.version === version, 'the version saved after the restart applied');
      expect(applied.at(-1)!.settings).toEqual(settings('back'));
    } finally {
      stop();
    }
  }, 40_000);
});
