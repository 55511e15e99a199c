import type { Pool, QueryResult, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/** Data sources on the embedded PGlite: every pool connection there is the same backend session. */
const sharedSession = new WeakSet<DataSource>();

/** Called by the database module for the embedded database. */
export function markSharedSession(dataSource: DataSource): void {
  sharedSession.add(dataSource);
}

/** The `pg` pool under TypeORM's PostgreSQL driver (PostgreSQL and the embedded PGlite socket alike). */
export function pgPool(dataSource: DataSource): Pool {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) throw new Error('pgPool: the data source is not a connected PostgreSQL data source');
  return pool;
}

/**
 * For the few hot reads and writes: a named prepared statement on the pg pool, parsed and planned once per
 * connection, with none of TypeORM's per-query runner, builder and hydration work. On the embedded database all
 * connections share one session, where a name prepared by one connection collides with the next: there the
 * statement goes unnamed (also when such a server is reached through a URL: the first collision tells).
 */
export async function preparedQuery<R extends QueryResultRow>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  const pool = pgPool(dataSource);
  if (sharedSession.has(dataSource)) return pool.query<R>(text, values);
  try {
    return await pool.query<R>({ name, text, values });
  } catch (err) {
    // 42P05 at Parse (nothing ran): the name exists in a session this connection never prepared it in — a server
    // that shares one session between connections (the embedded PGlite served over its socket to several
    // instances). Unnamed from now on.
    if ((err as { code?: string }).code !== '42P05') throw err;
    sharedSession.add(dataSource);
    return pool.query<R>(text, values);
  }
}

/**
 * True on the embedded PGlite (one backend session for every connection, where an open transaction has the whole
 * database to itself): there a long-lived cursor would hold every other request back.
 */
export function sharesOneSession(dataSource: DataSource): boolean {
  return sharedSession.has(dataSource);
}
