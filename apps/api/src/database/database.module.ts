import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source.js';
import { EmbeddedPostgres } from './embedded-postgres.js';
import { runMigrationsLocked } from './migrate.js';
import { markSharedSession } from './pg-pool.js';

type OptionsWithEmbedded = DataSourceOptions & { embedded?: EmbeddedPostgres | null };

/**
 * PostgreSQL from DATABASE_URL, or the embedded PGlite. Migrations run at boot under an advisory lock, so any
 * number of replicas starting together apply them once. Closing the data source also stops the embedded server.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig): Promise<OptionsWithEmbedded> => {
        const embedded = config.databaseUrl ? null : await EmbeddedPostgres.start(config.dataDir);
        return { ...dataSourceOptions(config, embedded), embedded } as OptionsWithEmbedded;
      },
      dataSourceFactory: async (options) => {
        const { embedded, ...rest } = options as OptionsWithEmbedded;
        const dataSource = new DataSource(rest as DataSourceOptions);
        try {
          await dataSource.initialize();
          if (embedded) markSharedSession(dataSource);
          await runMigrationsLocked(dataSource);
        } catch (err) {
          if (dataSource.isInitialized) await dataSource.destroy().catch(() => undefined);
          await embedded?.stop().catch(() => undefined);
          throw err;
        }
        const destroy = dataSource.destroy.bind(dataSource);
        dataSource.destroy = async () => {
          try {
            await destroy();
          } finally {
            await embedded?.stop();
          }
        };
        return dataSource;
      },
    }),
  ],
})
export class DatabaseModule {}
