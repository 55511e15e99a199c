import type { DataSource } from 'typeorm';

/**
 * The one check that the entities and the migrations agree. `pnpm --filter api migration:generate <Name>` uses it to
 * write a migration, and `test/database.e2e-spec.ts` fails while it finds anything, so CI fails on a missing migration.
 */

export interface SchemaChange {
  query: string;
  parameters?: unknown[];
}

/**
 * What TypeORM would run to bring a migrated database to the entities (up) and back (down, in the order to run it:
 * the reverse of TypeORM's log, as its own migration:generate does). Empty: no drift.
 */
export async function pendingSchemaChanges(
  dataSource: DataSource,
): Promise<{ up: SchemaChange[]; down: SchemaChange[] }> {
  const log = await dataSource.driver.createSchemaBuilder().log();
  const strip = (q: { query: string; parameters?: unknown[] }): SchemaChange =>
    q.parameters?.length ? { query: q.query, parameters: q.parameters } : { query: q.query };
  return { up: log.upQueries.map(strip), down: log.downQueries.map(strip).reverse() };
}

/** Tables of the public schema that no entity declares (TypeORM's schema diff never reports those). */
export async function tablesWithoutEntity(dataSource: DataSource): Promise<string[]> {
  const declared = new Set(dataSource.entityMetadatas.map((m) => m.tablePath));
  const migrationsTable = dataSource.options.migrationsTableName ?? 'migrations';
  const rows: { name: string }[] = await dataSource.query(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  return rows.map((r) => r.name).filter((n) => n !== migrationsTable && n !== 'typeorm_metadata' && !declared.has(n));
}

/** A migration class name: PascalCase followed by the timestamp, like the existing ones. */
export function migrationClassName(name: string, timestamp: number): string {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`migration name must be PascalCase (e.g. AddRoomCapacity)`);
  return `${name}${timestamp}`;
}

function statement(q: SchemaChange): string {
  const sql = q.query.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
  return `    await q.query(\`${sql}\`${q.parameters ? `, ${JSON.stringify(q.parameters)}` : ''});`;
}

/** The source of a migration file for these changes (run `pnpm format` after writing it). */
export function renderMigration(
  name: string,
  timestamp: number,
  changes: { up: SchemaChange[]; down: SchemaChange[] },
): string {
  const cls = migrationClassName(name, timestamp);
  return [
    `import type { MigrationInterface, QueryRunner } from 'typeorm';`,
    ``,
    `/** Generated from the entities by migration:generate. Review it and say here what it changes and why. */`,
    `export class ${cls} implements MigrationInterface {`,
    `  name = '${cls}';`,
    ``,
    `  async up(q: QueryRunner): Promise<void> {`,
    ...changes.up.map(statement),
    `  }`,
    ``,
    `  async down(q: QueryRunner): Promise<void> {`,
    ...changes.down.map(statement),
    `  }`,
    `}`,
    ``,
  ].join('\n');
}

/** migrations/index.ts with the new migration imported and appended to MIGRATIONS. */
export function addToMigrationIndex(index: string, cls: string, fileBase: string): string {
  const importLine = `import { ${cls} } from './${fileBase}.js';\n`;
  const at = index.indexOf('\n/**');
  const listEnd = index.lastIndexOf('];');
  if (at < 0 || listEnd < 0) throw new Error('migrations/index.ts: cannot find the imports and the MIGRATIONS list');
  const withEntry = `${index.slice(0, listEnd)}  ${cls},\n${index.slice(listEnd)}`;
  return `${withEntry.slice(0, at + 1).trimEnd()}\n${importLine}${withEntry.slice(at)}`;
}
