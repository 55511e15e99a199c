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
 * statement goes unnamed.
 */
export function preparedQuery<R extends QueryResultRow>(
  dataSource: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  const pool = pgPool(dataSource);
  return sharedSession.has(dataSource) ? pool.query<R>(text, values) : pool.query<R>({ name, text, values });
}
