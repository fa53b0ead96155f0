import { latestSchemaVersion, migrations, type Migration } from './schema';
import type { SqliteDatabase } from './sqlite';
import { StoreError } from './types';

/**
 * Brings the database to the latest schema, in one transaction. Returns the versions applied.
 * A database from a newer Continuum is refused: opening it would risk losing what it knows.
 */
export function migrate(
  db: SqliteDatabase,
  all: readonly Migration[] = migrations,
  record?: (sql: string) => void,
): number[] {
  const from = db.userVersion;
  const latest = all.length ? all[all.length - 1].version : 0;
  if (from > latest) {
    throw new StoreError(
      `This store was written by a newer version of Continuum (schema ${from}; this version knows up to ${latest}). Update the Continuum extension to open it; nothing was changed.`,
    );
  }
  const pending = all.filter(m => m.version > from);
  if (!pending.length) return [];
  db.exec('BEGIN');
  try {
    for (const m of pending) {
      const setVersion = `PRAGMA user_version = ${m.version}`;
      db.exec(m.sql);
      db.exec(setVersion);
      record?.(m.sql);
      record?.(setVersion);
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw new StoreError(
      `Upgrading the store to schema ${pending[pending.length - 1].version} failed: ${(err as Error).message}`,
    );
  }
  return pending.map(m => m.version);
}

export { latestSchemaVersion };
