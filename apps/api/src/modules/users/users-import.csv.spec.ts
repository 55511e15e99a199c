import { Readable } from 'node:stream';
import { checkRows, CsvHeaderError, CsvLimitError, normalizeHeader, readUsersCsv } from './users-import.csv.js';

const stream = (text: string) => Readable.from([Buffer.from(text)]);
const none = { emails: new Set<string>(), studentNumbers: new Set<string>(), courseCodes: new Set<string>(['CS101']) };

describe('users CSV', () => {
  it('normalizes header names', () => {
    expect(['Full Name', 'full_name', 'FULLNAME', 'Student-Number'].map(normalizeHeader)).toEqual([
      'fullname',
      'fullname',
      'fullname',
      'studentnumber',
    ]);
  });

  it('reads records with their line numbers, skipping blank lines, with quotes and a BOM', async () => {
    const { rows, columnCount } = await readUsersCsv(
      stream(
        '\uFEFFemail,full name,role,student number\r\n\r\na@x.test,"Silva, Ana",student,S1\r\n,,,\r\nb@x.test,Bo,teacher,\r\n',
      ),
    );
    expect(columnCount).toBe(4);
    expect(rows).toEqual([
      { line: 3, values: { email: 'a@x.test', fullName: 'Silva, Ana', role: 'student', studentNumber: 'S1' } },
      { line: 5, values: { email: 'b@x.test', fullName: 'Bo', role: 'teacher', studentNumber: '' } },
    ]);
  });

  it('fails on a bad header, too many bytes or rows', async () => {
    await expect(readUsersCsv(stream('mail,name\n'))).rejects.toBeInstanceOf(CsvHeaderError);
    await expect(readUsersCsv(stream(''))).rejects.toBeInstanceOf(CsvHeaderError);
    const header = 'email,full name,role,student number\n';
    await expect(
      readUsersCsv(stream(header + 'a@x.test,A,student,\n'.repeat(50)), { bytes: 200, rows: 1000 }),
    ).rejects.toEqual(new CsvLimitError('bytes'));
    await expect(
      readUsersCsv(stream(header + 'a@x.test,A,student,\n'.repeat(11)), { bytes: 10_000, rows: 10 }),
    ).rejects.toEqual(new CsvLimitError('rows'));
  });

  it('reports duplicates inside the file and clashes with existing data, per row', () => {
    const rows = checkRows(
      [
        {
          line: 2,
          values: { email: 'A@x.test', fullName: 'A', role: 'Student', studentNumber: 'S1', courses: 'cs101; CS101' },
        },
        { line: 3, values: { email: 'a@x.test', fullName: 'A2', role: 'student', studentNumber: 'S1' } },
        {
          line: 4,
          values: { email: 'old@x.test', fullName: 'Old', role: 'admin', studentNumber: '', courses: 'CS101' },
        },
      ],
      { ...none, emails: new Set(['old@x.test']) },
      5,
    );
    expect(rows[0]).toMatchObject({ email: 'a@x.test', role: 'student', courses: ['CS101'], errors: [] });
    expect(rows[1].errors).toEqual([
      { field: 'email', reason: 'appears twice in the file (also on line 2)' },
      { field: 'student number', reason: 'appears twice in the file (also on line 2)' },
    ]);
    expect(rows[2].errors.map((e) => e.field)).toEqual(['email', 'courses']);
  });
});
