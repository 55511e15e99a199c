import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { ReportCourseDto } from './reports.dto.js';
import { matrixRows, pickRate } from './rates.queries.js';
import { assertRange, CourseReportService, type ReportRange } from './course-report.service.js';
import { pgPool, sharesOneSession } from '../../database/pg-pool.js';
import { recordLinesAtOnce, streamRecordLines } from './exports.queries.js';

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

export { csvLineSql } from './exports.queries.js';

export interface ExportFile {
  fileName: string;
  contentType: string;
  /** The bytes, or a stream of them (records.csv on PostgreSQL). */
  body: Buffer | Readable;
}

type Cell = string | number | null;

/** Spreadsheet formula injection: text starting with = + - @ TAB or CR gets a leading apostrophe. */
export function neutralise(value: Cell): Cell {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A field that holds one of these is quoted (RFC 4180; any line break, not only CRLF). */
const NEEDS_QUOTES = /[",\r\n]/;

/** One CSV field: empty for null, neutralised, quoted (quotes doubled) when needed. csvLineSql is its SQL twin. */
function csvField(value: Cell): string {
  const v = neutralise(value);
  if (v === null) return '';
  const text = typeof v === 'number' ? String(v) : v;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * RFC 4180 CSV (quoted as needed, CRLF) in UTF-8 with a BOM so spreadsheets detect the encoding. A field holding a
 * line break of any kind is quoted (csv-stringify with the windows record delimiter quoted CRLF but not a lone LF
 * or CR, which a reader splits the row on). Written here rather than by csv-stringify, which took ~0.5 s for the
 * 2,000 × 160 cells of a big attendance.csv; exports.spec.ts checks it against csv-stringify with `quoted_match`.
 */
export function toCsv(rows: Cell[][]): Buffer {
  const lines = ['\uFEFF'];
  for (const row of rows) lines.push(row.map(csvField).join(','), '\r\n');
  return Buffer.from(lines.join(''), 'utf8');
}

/** A file name that is safe in any header and file system: course code, what, local date. */
function fileName(course: ReportCourseDto, what: string, ext: string): string {
  const code = course.code.replace(/[^A-Za-z0-9_-]/g, '_') || 'course';
  const day = DateTime.now().setZone(course.timezone).toFormat('yyyyMMdd');
  return `${code}-${what}-${day}.${ext}`;
}

const RECORDS_HEADER = [
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

  /**
   * Every record of the course's sessions in the range, one line each, with times in the course's zone. The lines
   * are written by PostgreSQL (csvLineSql: the quoting and neutralising of toCsv; exports.queries.ts). On PostgreSQL
   * they are streamed from a cursor, so the first byte leaves at once and memory stays flat; on the embedded database
   * (one session for every connection) they come in one statement.
   */
  async recordsCsv(courseId: string, range: ReportRange): Promise<ExportFile> {
    assertRange(range);
    const course = await this.reports.course(courseId);
    const query = { courseId, range, zone: course.timezone };
    const head = toCsv([RECORDS_HEADER]);
    return {
      fileName: fileName(course, 'records', 'csv'),
      contentType: 'text/csv; charset=utf-8',
      body: sharesOneSession(this.dataSource)
        ? Buffer.concat([head, Buffer.from(await recordLinesAtOnce(this.dataSource, query), 'utf8')])
        : streamRecordLines(pgPool(this.dataSource), query, head),
    };
  }
}
