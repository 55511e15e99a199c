import { createTestApp, type TestApp } from './support/test-app.js';

describe('database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('has a schema that matches the entities (no pending migration)', async () => {
    const sql = await t.dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((q) => q.query)).toEqual([]);
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
