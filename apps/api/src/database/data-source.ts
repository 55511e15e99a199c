import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import type { EmbeddedPostgres } from './embedded-postgres.js';

/** One set of options for both modes: PostgreSQL from DATABASE_URL, or the embedded PGlite socket. */
export function dataSourceOptions(config: AppConfig, embedded: EmbeddedPostgres | null): DataSourceOptions {
  const pool = {
    // Never wait forever for a connection (database down, pool exhausted): fail with a 503 instead. PGlite runs one
    // query at a time anyway, so on the embedded default a burst may queue longer.
    connectionTimeoutMillis: embedded ? 30000 : 10000,
    idleTimeoutMillis: 30000,
    max: embedded ? embedded.connections : config.databasePoolSize,
  };
  const common = {
    type: 'postgres' as const,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
    extra: pool,
    poolErrorHandler: () => undefined,
    // Migrations own the schema; gen_random_uuid() is built into PostgreSQL ≥ 13 and PGlite (no uuid-ossp).
    installExtensions: false,
    uuidExtension: 'pgcrypto' as const,
  };
  if (embedded) {
    return {
      ...common,
      host: embedded.socketDir,
      port: 5432,
      username: 'postgres',
      password: 'postgres',
      database: 'postgres',
    };
  }
  return { ...common, url: config.databaseUrl ?? undefined };
}
