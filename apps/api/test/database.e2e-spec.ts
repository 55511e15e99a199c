import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Column, DataSource, type DataSourceOptions, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ENTITIES } from '../src/database/entities.js';
import {
  addToMigrationIndex,
  pendingSchemaChanges,
  renderMigration,
  tablesWithoutEntity,
} from '../src/database/schema-drift.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  // The one drift check (CI runs it with every pnpm test). A failure here means: pnpm --filter api migration:generate <Name>.
  it('has a schema that matches the entities (no pending migration)', async () => {
    expect((await pendingSchemaChanges(t.dataSource)).up).toEqual([]);
  });

  it('has an entity for every table (the schema diff cannot see a table without one)', async () => {
    expect(await tablesWithoutEntity(t.dataSource)).toEqual([]);
  });

  it('catches an entity the migrations do not create, and migration:generate writes it', async () => {
    @Entity({ name: 'schema_drift_probe' })
    @Index('schema_drift_probe_label_idx', ['label'])
    class SchemaDriftProbe {
      @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'schema_drift_probe_pkey' })
      id: string;

      @Column({ type: 'varchar', length: 20 })
      label: string;
    }
    const probe = new DataSource({
      ...t.dataSource.options,
      entities: [...ENTITIES, SchemaDriftProbe],
      migrations: [],
    } as DataSourceOptions);
    await probe.initialize();
    try {
      const changes = await pendingSchemaChanges(probe);
      expect(changes.up.map((q) => q.query)).toEqual([
        expect.stringContaining('CREATE TABLE "schema_drift_probe"'),
        expect.stringContaining('CREATE INDEX "schema_drift_probe_label_idx"'),
      ]);
      // down undoes in reverse order: the index first, then the table
      expect(changes.down.map((q) => q.query)).toEqual([
        expect.stringContaining('DROP INDEX'),
        'DROP TABLE "schema_drift_probe"',
      ]);
      const source = renderMigration('AddDriftProbe', 1800000000000, changes);
      expect(source).toContain('export class AddDriftProbe1800000000000 implements MigrationInterface');
      expect(source).toContain('await q.query(`CREATE TABLE "schema_drift_probe"');
      const index = readFileSync(join(import.meta.dirname, '../src/database/migrations/index.ts'), 'utf8');
      const updated = addToMigrationIndex(index, 'AddDriftProbe1800000000000', '1800000000000-AddDriftProbe');
      expect(updated).toContain(
        "import { AddDriftProbe1800000000000 } from './1800000000000-AddDriftProbe.js';\n\n/**",
      );
      expect(updated).toMatch(/ {2}AddDriftProbe1800000000000,\n\];\n$/);
    } finally {
      await probe.destroy();
    }
  });

  it('isolates concurrent transactions: a rollback does not touch the other commit', async () => {
    let releaseA!: () => void;
    const aMayFinish = new Promise<void>((r) => (releaseA = r));
    const a = t.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO users (email, full_name, role, password_hash) VALUES ('tx-a@test.local', 'A', 'student', 'x')`,
      );
      await aMayFinish;
      throw new Error('roll back A');
    });
    const b = t.dataSource.transaction(async (m) => {
      const seen = await m.query(`SELECT count(*)::int AS n FROM users WHERE email = 'tx-a@test.local'`);
      expect(seen[0].n).toBe(0); // never sees A's uncommitted row
      await m.query(
        `INSERT INTO users (email, full_name, role, password_hash) VALUES ('tx-b@test.local', 'B', 'student', 'x')`,
      );
    });
    setTimeout(() => releaseA(), 50);
    await expect(a).rejects.toThrow('roll back A');
    await expect(b).resolves.toBeUndefined();
    const rows = await t.dataSource.query(`SELECT email FROM users WHERE email LIKE 'tx-%' ORDER BY email`);
    expect(rows.map((r: { email: string }) => r.email)).toEqual(['tx-b@test.local']);
  });

  it('stays usable after a unique violation, inside and outside a transaction', async () => {
    await t.dataSource.query(
      `INSERT INTO users (email, full_name, role, password_hash) VALUES ('dup@test.local', 'D', 'student', 'x')`,
    );
    await expect(
      t.dataSource.query(
        `INSERT INTO users (email, full_name, role, password_hash) VALUES ('DUP@test.local', 'D', 'student', 'x')`,
      ),
    ).rejects.toMatchObject({
      driverError: expect.objectContaining({ code: '23505' }),
    });
    await expect(
      t.dataSource.transaction(async (m) => {
        await m.query(
          `INSERT INTO users (email, full_name, role, password_hash) VALUES ('dup@test.local', 'D', 'student', 'x')`,
        );
      }),
    ).rejects.toBeDefined();
    const after = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM users WHERE lower(email) = 'dup@test.local'`,
    );
    expect(after[0].n).toBe(1);
    await expect(t.dataSource.query('SELECT 1 AS ok')).resolves.toEqual([{ ok: 1 }]);
  });

  it('keeps concurrent extended-protocol queries apart while transactions run (embedded socket fix)', async () => {
    const wrong: string[] = [];
    const jobs: Promise<unknown>[] = [];
    for (let i = 0; i < 15; i++) {
      jobs.push(
        t.dataSource.transaction(async (m) => {
          for (let k = 0; k < 4; k++) {
            const [r] = await m.query('SELECT $1::int AS i, $2::text AS k', [i, `t${k}`]);
            if (r.i !== i || r.k !== `t${k}`) wrong.push(`tx ${i}/${k}`);
          }
        }),
      );
    }
    for (let i = 0; i < 300; i++) {
      jobs.push(
        i % 2
          ? t.dataSource.query('SELECT $1::int AS a', [i]).then(([r]) => r.a !== i && wrong.push(`a ${i}`))
          : t.dataSource
              .query('SELECT $1::text AS b, $2::int AS c', [`x${i}`, i])
              .then(([r]) => (r.b !== `x${i}` || r.c !== i) && wrong.push(`bc ${i}`)),
      );
    }
    const results = await Promise.allSettled(jobs);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(wrong).toEqual([]);
  });

  it('generates uuids without the uuid-ossp extension', async () => {
    const ext = await t.dataSource.query(`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'uuid-ossp'`);
    expect(ext[0].n).toBe(0);
    const [row] = await t.dataSource.query(
      `INSERT INTO users (email, full_name, role, password_hash) VALUES ('uuid@test.local', 'U', 'student', 'x') RETURNING id`,
    );
    expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('the embedded database', () => {
  it('runs with 32 MB of shared buffers, not 128 MB (its resident memory: docs/performance.md)', async () => {
    const { EmbeddedPostgres } = await import('../src/database/embedded-postgres.js');
    const pg = await EmbeddedPostgres.start(':memory:');
    try {
      const { rows } = await pg.db.query<{ sb: string }>(`SELECT current_setting('shared_buffers') AS sb`);
      expect(rows[0]!.sb).toBe('32MB');
    } finally {
      await pg.stop();
    }
  });
});
