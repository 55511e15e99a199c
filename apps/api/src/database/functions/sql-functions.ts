import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QueryRunner } from 'typeorm';

/** The SQL functions kept as readable files in this folder (`<name>.sql`, one `CREATE OR REPLACE FUNCTION` each). */
export type SqlFunctionName =
  | 'attendance_check_in'
  | 'attendance_distance_m'
  | 'attendance_location_flags'
  | 'attendance_location_verdict'
  | 'attendance_rate'
  | 'attendance_records_touch'
  | 'attendance_rotating_code'
  | 'attendance_session_held'
  | 'attendance_tallies_refresh'
  | 'attendance_tallies_track'
  | 'session_checkin_open'
  | 'session_checkin_opens_at';

/** This folder, in `src/` (tests) and in `dist/` (the build copies the .sql files beside the compiled loader). */
export const SQL_FUNCTIONS_DIR = import.meta.dirname;

/** Every `<name>.sql` in this folder. */
export function sqlFunctionFiles(): string[] {
  return readdirSync(SQL_FUNCTIONS_DIR)
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -'.sql'.length))
    .sort();
}

/** Line endings and trailing spaces never matter: the text that is hashed, applied and compared. */
export function normalizeSql(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/** The current source of a function, normalised. */
export function readSqlFunction(name: SqlFunctionName | string): string {
  return normalizeSql(readFileSync(join(SQL_FUNCTIONS_DIR, `${name}.sql`), 'utf8'));
}

/** The first 12 hex digits of the SHA-256 of the normalised source: what a migration pins. */
export function sqlFunctionHash(name: SqlFunctionName | string): string {
  return createHash('sha256').update(readSqlFunction(name)).digest('hex').slice(0, 12);
}

/**
 * Applies `functions/<name>.sql` from a migration, when the file is still the version that migration was written
 * for (`hash`, see README.md). An older migration finds a newer file and does nothing: a later migration, written for
 * that newer file, applies it. So a fresh database and an upgraded one end with the same body, and an edit without
 * its migration leaves the database behind the file, which test/sql-functions.e2e-spec.ts reports.
 */
export async function applySqlFunction(q: QueryRunner, name: SqlFunctionName, hash: string): Promise<boolean> {
  if (sqlFunctionHash(name) !== hash) return false;
  await q.query(readSqlFunction(name));
  return true;
}
