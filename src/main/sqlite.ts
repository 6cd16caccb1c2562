import { createRequire } from 'node:module';

/** The part of a synchronous SQLite binding the app uses; node:sqlite and better-sqlite3 both provide it. */
export interface SqlStatement {
  /** Both bindings report how many rows a write changed. */
  run(...params: unknown[]): { changes: number | bigint };
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
}

export interface SqlDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqlStatement;
  close(): void;
}

const load = createRequire(__filename);

/**
 * Opens a database with the runtime's own SQLite where it has one (node:sqlite in Electron's Node),
 * else with better-sqlite3 (plain Node 20), so no native module has to be rebuilt for Electron.
 */
export function openSqlite(path: string): SqlDatabase {
  try {
    const { DatabaseSync } = load('node:sqlite') as { DatabaseSync: new (path: string) => SqlDatabase };
    return new DatabaseSync(path);
  } catch {
    const BetterSqlite = load('better-sqlite3') as new (path: string) => SqlDatabase;
    return new BetterSqlite(path);
  }
}
