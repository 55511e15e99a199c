import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source.js';
import { EmbeddedPostgres } from '../database/embedded-postgres.js';
import { MIGRATION_LOCK, runMigrationsLocked } from '../database/migrate.js';

const USAGE = 'usage: node dist/bin/migrate.js run | revert | show';

/**
 * The one-shot migration job (docker compose `migrate`, `pnpm --filter api migration:run`): same config and data
 * source as the app. `run` applies pending migrations under the same advisory lock the replicas take at boot, so it
 * is safe beside running replicas; `revert` undoes the last one; `show` lists pending ones (exit 1 when any).
 * Without DATABASE_URL it works on the embedded PGlite under DATA_DIR.
 */
async function main() {
  const command = process.argv[2];
  if (!['run', 'revert', 'show'].includes(command ?? '')) {
    console.error(USAGE);
    process.exit(2);
  }
  const config = loadConfig(undefined, { signsTokens: false }); // the process environment; this job signs no tokens
  const embedded = config.databaseUrl ? null : await EmbeddedPostgres.start(config.dataDir);
  const dataSource = new DataSource(dataSourceOptions(config, embedded));
  await dataSource.initialize();
  try {
    if (command === 'run') {
      const before = await pending(dataSource);
      await runMigrationsLocked(dataSource);
      console.log(
        before.length ? `Applied ${before.length} migration(s): ${before.join(', ')}` : 'No pending migrations.',
      );
    } else if (command === 'revert') {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      try {
        await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await dataSource.undoLastMigration({ transaction: 'each' });
        await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      } finally {
        await runner.release();
      }
      console.log('Reverted the last migration.');
    } else {
      const list = await pending(dataSource);
      console.log(list.length ? `Pending: ${list.join(', ')}` : 'No pending migrations.');
      process.exitCode = list.length ? 1 : 0;
    }
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

/** Names of the migrations not yet applied. */
async function pending(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const exists: { t: string | null }[] = await dataSource.query(`SELECT to_regclass($1) AS t`, [table]);
  const done = new Set<string>(
    exists[0]?.t ? (await dataSource.query(`SELECT name FROM "${table}"`)).map((r: { name: string }) => r.name) : [],
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !done.has(n));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 78 : 1);
});
