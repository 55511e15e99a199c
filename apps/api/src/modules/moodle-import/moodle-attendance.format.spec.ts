import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import {
  cellAcronym,
  detectDelimiter,
  MoodleFormatError,
  parseMapping,
  parseMoodleExport,
  parseSessionHeader,
  readSheet,
} from './moodle-attendance.format.js';

const fixture = readFileSync(join(__dirname, '../../../test/fixtures/moodle-attendance-CS101.txt'));

describe("Moodle attendance's export", () => {
  it('reads session headers in the zone, across a DST change, 12 h and 24 h', () => {
    expect(parseSessionHeader('6 Oct 2025 9.00AM All students', 'Europe/Lisbon')?.startsAt.toISOString()).toBe(
      '2025-10-06T08:00:00.000Z',
    );
    // Lisbon left summer time on 26 Oct 2025: 2.30PM is 14:30 UTC.
    expect(parseSessionHeader('27 Oct 2025 2.30PM Turma A', 'Europe/Lisbon')).toEqual({
      startsAt: new Date('2025-10-27T14:30:00.000Z'),
      rest: 'Turma A',
    });
    expect(parseSessionHeader('05 out 2025 12.15AM', 'UTC')?.startsAt.toISOString()).toBe('2025-10-05T00:15:00.000Z');
    expect(parseSessionHeader('5 dez 2025 18:45 Todos os alunos', 'UTC')?.startsAt.toISOString()).toBe(
      '2025-12-05T18:45:00.000Z',
    );
    expect(parseSessionHeader('Taken sessions', 'UTC')).toBeNull();
    expect(parseSessionHeader('31 Feb 2025 9.00AM', 'UTC')).toBeNull();
    expect(parseSessionHeader('5 Foo 2025 9.00AM', 'UTC')).toBeNull();
    expect(parseSessionHeader('5 Oct 2025 13.00PM', 'UTC')).toBeNull();
  });

  it("takes a cell's acronym: with points, hidden status, not taken, enrolment notes", () => {
    expect(cellAcronym('P (2/2)')).toBe('P');
    expect(cellAcronym('l (1/2)')).toBe('L');
    expect(cellAcronym('-X')).toBe('X');
    expect(cellAcronym('E')).toBe('E');
    expect(cellAcronym('?')).toBeNull();
    expect(cellAcronym('')).toBeNull();
    expect(cellAcronym('←')).toBeNull();
    expect(cellAcronym('Enrolment start 15.10.2025')).toBeNull();
  });

  it('parses the mapping over the defaults and refuses other statuses', () => {
    expect(parseMapping(undefined)).toEqual({ P: 'present', L: 'late', E: 'excused', A: 'absent' });
    expect(parseMapping('T=late, fj=excused,A=present')).toEqual({
      P: 'present',
      L: 'late',
      E: 'excused',
      A: 'present',
      T: 'late',
      FJ: 'excused',
    });
    expect(parseMapping('P=pending')).toBeNull();
    expect(parseMapping('P')).toBeNull();
  });

  it('finds the table of the text export: course, group, sessions with remarks, identity columns, rows', async () => {
    const parsed = parseMoodleExport(await readSheet(fixture, 100), 'Europe/Lisbon');
    expect(parsed.course).toBe('CS101 Introduction to Programming');
    expect(parsed.group).toBe('All participants');
    expect(parsed.headerLine).toBe(4);
    expect(parsed.problems).toEqual([]);
    expect(parsed.sessions.map((s) => [s.header, s.startsAt.toISOString(), s.title])).toEqual([
      ['6 Oct 2025 9.00AM All students', '2025-10-06T08:00:00.000Z', null],
      ['13 Oct 2025 9.00AM All students', '2025-10-13T08:00:00.000Z', null],
      ['20 Oct 2025 9.00AM All students Recursion and stacks', '2025-10-20T08:00:00.000Z', 'Recursion and stacks'],
      ['27 Oct 2025 2.30PM Turma A', '2025-10-27T14:30:00.000Z', 'Turma A'],
      ['15 Dec 2031 9.00AM All students', '2031-12-15T09:00:00.000Z', null],
    ]);
    expect(parsed.rows.map((r) => [r.line, r.lastName, r.email, r.idNumber, r.cells.map((c) => c.acronym)])).toEqual([
      [5, 'Silva', 'ana.silva@school.test', 'A2025001', ['P', 'P', 'L', 'P']],
      [6, 'Costa', 'BRUNO.COSTA@School.test', 'A2025002', ['P', 'A', 'E', 'A']],
      [7, 'Ferreira', null, 'A2025003', ['P', 'P', 'P']],
      [8, 'Gomes', 'duarte.gomes@school.test', 'A2025004', ['P']],
    ]);
  });

  it('reads a CSV copy (quoted, semicolons, Latin-1) and remarks columns', async () => {
    const csv = [
      'Course;"CS101; Intro"',
      '',
      'Last name;First name;ID number;5 Oct 2025 9.00AM All students;;P;Taken sessions',
      'Simões;João;A1;"P (2/2)";Chegou com atestado;1;1',
    ].join('\r\n');
    expect(detectDelimiter(csv)).toBe(';');
    const parsed = parseMoodleExport(await readSheet(Buffer.from(csv, 'latin1'), 100), 'UTC');
    expect(parsed.course).toBe('CS101; Intro');
    expect(parsed.sessions).toHaveLength(1);
    expect(parsed.sessions[0].remarksColumn).toBe(4);
    expect(parsed.rows[0]).toMatchObject({ lastName: 'Simões', firstName: 'João', idNumber: 'A1' });
    expect(parsed.rows[0].cells).toEqual([
      { session: 0, value: 'P (2/2)', acronym: 'P', remark: 'Chegou com atestado' },
    ]);
  });

  it('reads the Excel export (.xlsx): the same table from row 4', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Attendances');
    ws.addRow(['Course', 'CS101 Introduction to Programming']);
    ws.addRow(['Group', 'All participants']);
    ws.addRow([]);
    ws.addRow(['Last name', 'First name', 'Email address', '6 Oct 2025 9.00AM All students', 'P', 'Percentage']);
    ws.addRow(['Silva', 'Ana', 'ana.silva@school.test', 'L (1/2)', 0, 50]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const parsed = parseMoodleExport(await readSheet(file, 100), 'Europe/Lisbon');
    expect(parsed.course).toBe('CS101 Introduction to Programming');
    expect(parsed.headerLine).toBe(4);
    expect(parsed.rows).toEqual([
      {
        line: 5,
        lastName: 'Silva',
        firstName: 'Ana',
        email: 'ana.silva@school.test',
        idNumber: null,
        cells: [{ session: 0, value: 'L (1/2)', acronym: 'L', remark: null }],
      },
    ]);
  });

  it('names what is missing: no table, no sessions, no email or ID number, unreadable session dates', async () => {
    const read = async (text: string) => parseMoodleExport(await readSheet(Buffer.from(text), 100), 'UTC');
    const kind = async (text: string) => {
      try {
        await read(text);
        return null;
      } catch (err) {
        return (err as MoodleFormatError).kind;
      }
    };
    await expect(kind('email,full name\na@b.c,A')).resolves.toBe('no-header');
    await expect(kind('Last name\tFirst name\tEmail address\tP\nA\tB\ta@b.c\t1')).resolves.toBe('no-sessions');
    await expect(kind('Last name\tFirst name\t5 Oct 2025 9.00AM\nA\tB\tP')).resolves.toBe('no-identity');
    await expect(kind('\u0000\u0001binary')).resolves.toBe('not-text');
    const odd = await read('Last name\tEmail address\t5 Oct 2025 9.00AM\t31 Oct 2025 25.00\nA\ta@b.c\tP\tP');
    expect(odd.problems).toEqual([
      { line: 1, field: '31 Oct 2025 25.00', reason: 'looks like a session but its date and time cannot be read' },
    ]);
  });
});
