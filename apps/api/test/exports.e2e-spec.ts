import { pgPool } from '../src/database/pg-pool.js';
import { recordLinesAtOnce, streamRecordLines } from '../src/modules/reports/exports.queries.js';
import { csvLineSql, toCsv } from '../src/modules/reports/exports.service.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/** records.csv is written by PostgreSQL (csvLineSql, issue 15): byte for byte what toCsv writes for the same row. */
describe('CSV lines written in SQL', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('quotes and neutralises every field as toCsv does', async () => {
    const values: (string | null)[] = [
      null,
      '',
      'plain',
      'Zé "Zeca" Silva',
      'a,b',
      'line\nbreak',
      'carriage\rreturn',
      'crlf\r\nend',
      '=HYPERLINK("http://evil.example","x")',
      '+1',
      '-1',
      '@SUM(A1)',
      '\tx',
      '\rx',
      "'already",
      ' leading space',
      'trailing space ',
      '"',
      ',',
      '2026-10-05T09:00:00+01:00',
      'emoji 😀 and ç',
      'x=1',
      '\\back\\slash',
    ];
    const columns = values.map((_, i) => `v.c${i}`);
    const [{ line }]: { line: string }[] = await t.dataSource.query(
      `SELECT ${csvLineSql(columns)} AS line
         FROM (SELECT ${values.map((_, i) => `$${i + 1}::text AS c${i}`).join(', ')}) v`,
      values,
    );
    // toCsv adds the BOM and the line end; the SQL line is the record between them.
    expect('\uFEFF' + line + '\r\n').toBe(toCsv([values]).toString('utf8'));
    // and each field on its own, so a failure names the value
    for (const value of values) {
      const [{ line: one }]: { line: string }[] = await t.dataSource.query(
        `SELECT ${csvLineSql(['v.c'])} AS line FROM (SELECT $1::text AS c) v`,
        [value],
      );
      expect({ value, csv: '\uFEFF' + one + '\r\n' }).toEqual({ value, csv: toCsv([[value]]).toString('utf8') });
    }
  });

  it('streams records.csv from a cursor with the same bytes as the one-statement form', async () => {
    const q = (sql: string, params?: unknown[]) => t.dataSource.query(sql, params);
    const [{ id: course }] = await q(
      `INSERT INTO courses (code, name, timezone) VALUES ('CSVS1', 'Stream', 'Europe/Lisbon') RETURNING id`,
    );
    const students: string[] = (
      await q(
        `INSERT INTO users (email, full_name, role, password_hash, student_number)
         SELECT 'csvs' || g || '@example.com', (ARRAY['=cmd', 'Zé "Z"', 'a,b', 'line' || chr(10) || 'x', 'plain'])[1 + g % 5],
                'student', 'x', 'N' || g
           FROM generate_series(1, 25) g RETURNING id`,
      )
    ).map((r: { id: string }) => r.id);
    await q(`INSERT INTO enrollments (course_id, student_id) SELECT $1, unnest($2::uuid[])`, [
      course,
      students.slice(0, 20),
    ]);
    await q(
      `INSERT INTO class_sessions (course_id, title, starts_at, ends_at, state)
       SELECT $1, CASE WHEN g % 2 = 0 THEN 'T' || chr(13) || g END, now() - g * interval '1 day',
              now() - g * interval '1 day' + interval '1 hour', 'closed'
         FROM generate_series(1, 9) g`,
      [course],
    );
    await q(
      `INSERT INTO attendance_records (session_id, student_id, status, source, checked_in_at, note)
       SELECT s.id, u, 'present', 'code', s.starts_at, CASE WHEN abs(hashtext(u::text)) % 3 = 0 THEN 'n' || chr(10) || 'o' END
         FROM class_sessions s, unnest($2::uuid[]) u WHERE s.course_id = $1`,
      [course, students],
    );
    const query = { courseId: course, range: {}, zone: 'Europe/Lisbon' };
    const head = toCsv([['h']]);
    const atOnce = Buffer.concat([head, Buffer.from(await recordLinesAtOnce(t.dataSource, query), 'utf8')]);
    const chunks: Buffer[] = [];
    // 7 rows per FETCH: many batches, and a last one that is short
    for await (const chunk of streamRecordLines(pgPool(t.dataSource), query, head, 7))
      chunks.push(Buffer.from(chunk as Buffer));
    expect(chunks.length).toBeGreaterThan(10);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(atOnce.toString('utf8'));
    expect(atOnce.toString('utf8').split('\r\n')).toHaveLength(1 + 9 * 25 + 1);
    // the connection went back to the pool outside a transaction
    const [{ n }] = await q(
      `SELECT count(*)::int AS n FROM attendance_records r JOIN class_sessions s ON s.id = r.session_id WHERE s.course_id = $1`,
      [course],
    );
    expect(n).toBe(9 * 25);
  });
});
