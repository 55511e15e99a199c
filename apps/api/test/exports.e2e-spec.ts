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
});
