import type { DataSource } from 'typeorm';

/** Any constant works; it only has to be the same for every replica. */
export const MIGRATION_LOCK = 7_361_004_211;

/** Runs pending migrations while holding a session advisory lock: replicas starting together wait, then find nothing to do. */
export async function runMigrationsLocked(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
