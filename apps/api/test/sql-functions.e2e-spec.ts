import { SessionState } from '@sysponto/contracts';
import {
  normalizeSql,
  readSqlFunction,
  sqlFunctionFiles,
  sqlFunctionHash,
} from '../src/database/functions/sql-functions.js';
import { checkinOpensAt, isCheckinOpen } from '../src/modules/sessions/session-state.js';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('SQL functions (database/functions/*.sql)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** pg_get_functiondef of every overload of `name` in a schema. */
  async function definitions(q: { query(sql: string, p?: unknown[]): Promise<unknown> }, schema: string, name: string) {
    const rows = (await q.query(
      `SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = $1 AND p.proname = $2 ORDER BY p.oid`,
      [schema, name],
    )) as { def: string }[];
    return rows.map((r) => normalizeSql(r.def));
  }

  /** The file's function as PostgreSQL reads it: created in a scratch schema inside a transaction rolled back. */
  async function fileDefinition(name: string): Promise<string[]> {
    const runner = t.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('CREATE SCHEMA sql_probe');
      await runner.query('SET LOCAL search_path = sql_probe, public');
      await runner.query(readSqlFunction(name));
      const defs = await definitions(runner, 'sql_probe', name);
      const others = (await runner.query(
        `SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'sql_probe'`,
      )) as { proname: string }[];
      expect(others.map((o) => o.proname)).toEqual([name]); // one function per file, named as the file
      return defs.map((d) =>
        d.replace(/^CREATE OR REPLACE FUNCTION sql_probe\./, 'CREATE OR REPLACE FUNCTION public.'),
      );
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  const files = sqlFunctionFiles();

  it('lists the function files', () => {
    expect(files).toEqual([
      'attendance_check_in',
      'attendance_distance_m',
      'attendance_location_flags',
      'attendance_location_verdict',
      'attendance_rate',
      'attendance_records_touch',
      'attendance_rotating_code',
      'attendance_session_held',
      'attendance_tallies_refresh',
      'attendance_tallies_track',
      'session_checkin_open',
      'session_checkin_opens_at',
    ]);
  });

  it.each(files)('%s: the migrated database holds exactly the file', async (name) => {
    const hint =
      `database/functions/${name}.sql differs from the migrated database: add a migration with\n` +
      `  await applySqlFunction(q, '${name}', '${sqlFunctionHash(name)}');\n` +
      `(see database/functions/README.md)\n`;
    const inDatabase = await definitions(t.dataSource, 'public', name);
    const inFile = await fileDefinition(name);
    expect(inFile).toHaveLength(1);
    expect([hint, ...inDatabase]).toEqual([hint, ...inFile]);
  });

  describe('the check-in window: session_checkin_open / session_checkin_opens_at agree with session-state.ts', () => {
    const startsAt = new Date('2026-03-30T08:00:00.000Z');
    const endsAt = new Date('2026-03-30T09:30:00.000Z');
    const ms = (d: Date, delta: number) => new Date(d.getTime() + delta);
    const min = 60_000;
    const cases: { state: SessionState; opens: number; at: Date }[] = [];
    for (const state of [SessionState.Scheduled, SessionState.Open, SessionState.Closed, SessionState.Cancelled]) {
      for (const opens of [0, 1, 15, 120]) {
        const opensAt = ms(startsAt, -opens * min);
        for (const at of [
          ms(opensAt, -60 * min),
          ms(opensAt, -1),
          opensAt,
          ms(opensAt, 1),
          startsAt,
          ms(startsAt, 1),
          ms(endsAt, -1),
          endsAt,
          ms(endsAt, 1),
          ms(endsAt, 24 * 60 * min),
        ]) {
          cases.push({ state, opens, at });
        }
      }
    }

    it(`over ${cases.length} cases`, async () => {
      const sqlRows = (await t.dataSource.query(
        `SELECT session_checkin_open(c.state, $1, $2, c.opens, c.at) AS open,
                session_checkin_opens_at($1, c.opens) AS opens_at
           FROM jsonb_to_recordset($3::jsonb) AS c(i int, state varchar, opens int, at timestamptz)
          ORDER BY c.i`,
        [startsAt, endsAt, JSON.stringify(cases.map((c, i) => ({ i, state: c.state, opens: c.opens, at: c.at })))],
      )) as { open: boolean; opens_at: Date }[];
      const fromSql = sqlRows.map((r) => ({ open: r.open, opensAt: new Date(r.opens_at).toISOString() }));
      const fromTs = cases.map((c) => ({
        open: isCheckinOpen({ state: c.state, startsAt, endsAt }, c.opens, c.at),
        opensAt: checkinOpensAt(startsAt, c.opens).toISOString(),
      }));
      expect(fromSql).toEqual(fromTs);
      // Both sides really vary: some open, some not.
      expect(new Set(fromTs.map((c) => c.open))).toEqual(new Set([true, false]));
    });
  });
});
