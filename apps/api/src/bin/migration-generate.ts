import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config.js';
import { dataSourceOptions } from '../database/data-source.js';
import { EmbeddedPostgres } from '../database/embedded-postgres.js';
import {
  addToMigrationIndex,
  migrationClassName,
  pendingSchemaChanges,
  renderMigration,
} from '../database/schema-drift.js';

/**
 * `pnpm --filter api migration:generate <PascalName>`: migrates a fresh in-memory database, compares it with the
 * entities and writes what differs as src/database/migrations/<Date.now()>-<PascalName>.ts, listed in index.ts.
 * Nothing differs: nothing is written.
 */
async function main() {
  const name = process.argv[2];
  if (!name) {
    console.error('usage: pnpm --filter api migration:generate <PascalName>   (e.g. AddRoomCapacity)');
    process.exit(2);
  }
  const timestamp = Date.now();
  const cls = migrationClassName(name, timestamp);
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: ':memory:', LOG_LEVEL: 'silent' });
  const embedded = await EmbeddedPostgres.start(':memory:');
  const dataSource = new DataSource(dataSourceOptions(config, embedded));
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const changes = await pendingSchemaChanges(dataSource);
    if (changes.up.length === 0) {
      console.log('No changes: the migrations already create what the entities declare.');
      return;
    }
    const dir = resolve(import.meta.dirname, '../../src/database/migrations');
    const fileBase = `${timestamp}-${name}`;
    writeFileSync(resolve(dir, `${fileBase}.ts`), renderMigration(name, timestamp, changes));
    const indexPath = resolve(dir, 'index.ts');
    writeFileSync(indexPath, addToMigrationIndex(readFileSync(indexPath, 'utf8'), cls, fileBase));
    console.log(
      `Wrote src/database/migrations/${fileBase}.ts (${changes.up.length} statement(s)) and listed it in index.ts.\n` +
        'Review it, describe it in its comment, then run pnpm format.',
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
