import { isDeepStrictEqual } from 'node:util';
import type { z } from 'zod';
import { errorText } from '../../shared/errorText';
import type { Logger } from '../../whatsapp/logger';
import type { RecordsDb } from '../records/recordsDb';

/** Whether a save would store what is in force already, as JSON holds it (PostgreSQL keeps no order of keys). */
export const sameValue = (a: unknown, b: unknown): boolean =>
  isDeepStrictEqual(JSON.parse(JSON.stringify(a ?? null)), JSON.parse(JSON.stringify(b ?? null)));

/** One saved version; the value is under `field` (`settings`, `layout`), as the API and the board name it. */
export type Versioned<F extends string, T> = {
  version: number;
  changedBy: string;
  changedAt: string;
} & { [K in F]: T };

export interface VersionedStoreShape<F extends string, T> {
  /** The table: one row per version, with `version`, `changed_by`, `changed_at` and a unique `replaces`. */
  table: string;
  /** The table's JSON column holding a version's value. */
  column: string;
  schema: z.ZodType<T>;
  /** Where the value is in a version read back. */
  field: F;
  /** What the log calls it ("team settings", "queues"). */
  what: string;
}

/**
 * Values an admin saves, in PostgreSQL, one row per version; the newest readable one is in force. The table and
 * column names are the caller's constants, never a request's.
 */
export function createVersionedStore<F extends string, T>(
  db: Pick<RecordsDb, 'query' | 'changes'>,
  log: Logger,
  { table, column, schema, field, what }: VersionedStoreShape<F, T>,
) {
  async function latest(): Promise<Versioned<F, T> | undefined> {
    const { rows } = await db.query<{ version: number; value: unknown; changed_by: string; changed_at: Date }>(
      `SELECT version, ${column} AS value, changed_by, changed_at FROM ${table} ORDER BY version DESC LIMIT 1`,
    );
    const row = rows[0];
    if (!row) return undefined;
    const value = schema.safeParse(row.value);
    if (!value.success) {
      log.error(`${what} version unreadable; the one before stays in force`, { version: row.version });
      return undefined;
    }
    const saved = { version: row.version, changedBy: row.changed_by, changedAt: row.changed_at.toISOString() };
    return { ...saved, [field]: value.data } as Versioned<F, T>;
  }

  return {
    latest,
    /**
     * Saves a new version; with `basedOn` (0: none saved yet), only if it is still the newest (undefined otherwise:
     * someone saved since). Two saves at once on the same version: the unique `replaces` lets one in; the other,
     * based on a version, is refused, and without one it is made again on the newer version.
     */
    async save(value: T, by: string, basedOn?: number): Promise<number | undefined> {
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const { rows } = await db.query<{ version: number }>(
          `INSERT INTO ${table} (${column}, changed_by, replaces)
           SELECT $1, $2, newest FROM (SELECT COALESCE(max(version), 0) AS newest FROM ${table}) n
           WHERE $3::int IS NULL OR newest = $3::int
           ON CONFLICT (replaces) DO NOTHING
           RETURNING version`,
          [JSON.stringify(value), by, basedOn ?? null],
        );
        if (rows[0] || basedOn !== undefined) return rows[0]?.version;
      }
      throw new Error(`${what} not saved: other saves kept landing first`);
    },
    /**
     * Calls `apply` with the version in force and each newer one as it is saved (on any instance: PostgreSQL announces
     * it, migration 22); returns a stop.
     */
    watch(apply: (current: Versioned<F, T>) => void): () => void {
      let seen = 0;
      return db.changes.watch(table, () =>
        latest().then(
          (current) => {
            if (current && current.version > seen) {
              seen = current.version;
              apply(current);
            }
          },
          // The table appears with the migration; until then (or while PostgreSQL is down) the one in force stays.
          (error: unknown) => {
            log.debug(`${what} not read`, { error: errorText(error) });
            throw error;
          },
        ),
      );
    },
  };
}
