import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { ReportCourseDto } from './reports.dto.js';
import { matrixRows, pickRate } from './rates.queries.js';
import { assertRange, CourseReportService, type ReportRange } from './course-report.service.js';
import { inRange } from './report-sql.js';

/** One letter per status in the roster × sessions matrix (docs/reports.md has the legend). */
export const STATUS_LETTERS: Record<string, string> = {
  present: 'P',
  late: 'L',
  absent: 'A',
  excused: 'E',
  pending: 'C',
};
export const LEGEND: [string, string][] = [
  ['P', 'present'],
  ['L', 'late'],
  ['A', 'absent (or no record in a held session)'],
  ['E', 'excused'],
  ['C', 'checked in, awaiting validation (counts as attended)'],
  ['', 'session not held yet and no record, or not enrolled when it started (not counted)'],
];

export interface ExportFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

type Cell = string | number | null;

/** Spreadsheet formula injection: text starting with = + - @ TAB or CR gets a leading apostrophe. */
export function neutralise(value: Cell): Cell {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180 CSV (quoted as needed, CRLF) in UTF-8 with a BOM so spreadsheets detect the encoding. */
export function toCsv(rows: Cell[][]): Buffer {
  return Buffer.from(
    stringify(
      rows.map((row) => row.map(neutralise)),
      { bom: true, record_delimiter: 'windows', cast: { number: (n) => String(n) } },
    ),
    'utf8',
  );
}

/**
 * SQL for one CSV record of `columns` (text column references, each used more than once: pass plain columns), written
 * exactly as toCsv writes a row of strings, without the line end: null and '' empty, neutralise()'s apostrophe before
 * = + - @ TAB or CR, quoted (quotes doubled) when the text holds a quote, a comma or CRLF (csv-stringify
 * with record_delimiter 'windows' does not quote a lone CR or LF). test/exports.e2e-spec.ts
 * compares the two.
 */
export function csvLineSql(columns: string[]): string {
  const field = (c: string) => {
    const prefix = `CASE WHEN left(${c}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' ELSE '' END`;
    return `CASE WHEN ${c} IS NULL THEN ''
                 WHEN strpos(${c}, '"') > 0 OR strpos(${c}, ',') > 0 OR strpos(${c}, chr(13) || chr(10)) > 0
                 THEN '"' || ${prefix} || replace(${c}, '"', '""') || '"'
                 ELSE ${prefix} || ${c} END`;
  };
  return columns.map(field).join(` || ',' || `);
}

/** A file name that is safe in any header and file system: course code, what, local date. */
function fileName(course: ReportCourseDto, what: string, ext: string): string {
  const code = course.code.replace(/[^A-Za-z0-9_-]/g, '_') || 'course';
  const day = DateTime.now().setZone(course.timezone).toFormat('yyyyMMdd');
  return `${code}-${what}-${day}.${ext}`;
}

const percent = (rate: number | null) => (rate === null ? null : Math.round(rate * 1000) / 10);

/** CSV and XLSX exports of a course: the roster × sessions matrix and the raw records. */
@Injectable()
export class ExportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly reports: CourseReportService,
  ) {}

  /** Header row, then one row per enrolled student: identity, one status letter per session, totals. */
  private async matrix(
    courseId: string,
    range: ReportRange,
  ): Promise<{ course: ReportCourseDto; header: string[]; rows: Cell[][] }> {
    assertRange(range);
    const course = await this.reports.course(courseId);
    const zone = course.timezone;
    // Cancelled sessions are not columns: nobody was expected at them.
    const sessions = (await this.reports.sessionRows(course, range)).filter((s) => s.state !== 'cancelled');
    const matrix = await matrixRows(
      this.dataSource.manager,
      courseId,
      sessions.map((s) => s.id),
    );
    // The matrix's rows are the students expected at a session of the range (cancelled ones expect nobody).
    const students = await this.reports.studentRows(
      course,
      matrix.map((l) => l.student_id),
      null,
    );
    const byStudent = new Map(matrix.map((l) => [l.student_id, l]));
    const header = [
      'Student number',
      'Full name',
      'Email',
      ...sessions.map((s) => {
        const when = DateTime.fromJSDate(new Date(s.starts_at)).setZone(zone).toFormat('yyyy-MM-dd HH:mm');
        return s.title ? `${when} ${s.title}` : when;
      }),
      'Held',
      'Present',
      'Late',
      'Absent',
      'Excused',
      'Pending',
      'Rate (%)',
    ];
    const rows = students.map((st) => {
      const line = byStudent.get(st.id);
      // Positions are 1-based (WITH ORDINALITY); no key = not expected at that session (not enrolled then).
      const cells = sessions.map((_, i) => {
        const outcome = line?.cells[String(i + 1)];
        return outcome ? (STATUS_LETTERS[outcome] ?? outcome) : '';
      });
      const t = line ? pickRate(line) : { held: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0, rate: null };
      return [
        st.student_number,
        st.full_name,
        st.email,
        ...cells,
        t.held,
        t.present,
        t.late,
        t.absent,
        t.excused,
        t.pending,
        percent(t.rate),
      ];
    });
    return { course, header, rows };
  }

  async attendanceCsv(courseId: string, range: ReportRange): Promise<ExportFile> {
    const { course, header, rows } = await this.matrix(courseId, range);
    return {
      fileName: fileName(course, 'attendance', 'csv'),
      contentType: 'text/csv; charset=utf-8',
      body: toCsv([header, ...rows]),
    };
  }

  async attendanceXlsx(courseId: string, range: ReportRange): Promise<ExportFile> {
    const { course, header, rows } = await this.matrix(courseId, range);
    const wb = new ExcelJS.Workbook();
    wb.creator = 'SysPonto';
    wb.created = new Date();
    const ws = wb.addWorksheet('Attendance', { views: [{ state: 'frozen', xSplit: 2, ySplit: 1 }] });
    // Cells are written as values, never formulas, so text needs no neutralising here.
    ws.addRow(header).font = { bold: true };
    for (const row of rows) ws.addRow(row.map((c, i) => (i === row.length - 1 && typeof c === 'number' ? c / 100 : c)));
    ws.getColumn(header.length).numFmt = '0.0%';
    ws.getColumn(1).width = 14;
    ws.getColumn(2).width = 28;
    ws.getColumn(3).width = 30;
    const legend = wb.addWorksheet('Legend');
    legend.addRow(['Letter', 'Meaning']).font = { bold: true };
    for (const l of LEGEND) legend.addRow(l);
    legend.addRow([]);
    legend.addRow(['Rate', '(present + late + pending) ÷ (held − excused)']);
    legend.addRow(['Course', `${course.code} — ${course.name} (${course.timezone})`]);
    legend.getColumn(2).width = 60;
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    return {
      fileName: fileName(course, 'attendance', 'xlsx'),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body,
    };
  }

  /** Every record of the course's sessions in the range, one line each, with times in the course's zone. */
  async recordsCsv(courseId: string, range: ReportRange): Promise<ExportFile> {
    assertRange(range);
    const course = await this.reports.course(courseId);
    const zone = course.timezone;
    // The lines are written by PostgreSQL (csvLineSql: the quoting and neutralising of toCsv) and joined there: per-row
    // work in JS (parsing 14 columns, date maths, quoting) cost seconds at 300k records. OFFSET 0 keeps the fields
    // computed once per record (a flattened subquery would repeat each expression at every use in the line).
    const body: string = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT set_config('TimeZone', $1, true)`, [zone]);
      const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')`;
      const [{ body }]: { body: string | null }[] = await m.query(
        `SELECT string_agg(${csvLineSql(Array.from({ length: 14 }, (_, i) => `q.f${i}`))} || E'\\r\\n', ''
                           ORDER BY q.starts_at, q.session_id, q.full_name, q.student_id) AS body
           FROM (SELECT s.id::text AS f0, ${iso('s.starts_at')} AS f1, s.title::text AS f2, u.student_number::text AS f3,
                        u.full_name::text AS f4, u.email::text AS f5, r.status::text AS f6, r.source::text AS f7,
                        ${iso('r.checked_in_at')} AS f8, ${iso('r.validated_at')} AS f9, v.full_name::text AS f10,
                        r.note::text AS f11, ${iso('r.updated_at')} AS f12,
                        CASE WHEN EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = s.course_id AND e.student_id = r.student_id
                                                                     AND e.ended_at IS NULL) THEN 'yes' ELSE 'no' END AS f13,
                        s.starts_at, s.id AS session_id, u.full_name, u.id AS student_id
                   FROM attendance_records r
                   JOIN class_sessions s ON s.id = r.session_id
                   JOIN users u ON u.id = r.student_id
                   LEFT JOIN users v ON v.id = r.validated_by
                  WHERE s.course_id = $1 AND ${inRange('$4::text', '$2', '$3')}
                 OFFSET 0) q`,
        [courseId, range.from ?? null, range.to ?? null, zone],
      );
      return body ?? '';
    });
    const header = [
      'Session id',
      'Session start',
      'Session title',
      'Student number',
      'Full name',
      'Email',
      'Status',
      'Source',
      'Checked in at',
      'Validated at',
      'Validated by',
      'Note',
      'Updated at',
      'Enrolled',
    ];
    return {
      fileName: fileName(course, 'records', 'csv'),
      contentType: 'text/csv; charset=utf-8',
      body: Buffer.concat([toCsv([header]), Buffer.from(body, 'utf8')]),
    };
  }
}
