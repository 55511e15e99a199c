import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { DataSource } from 'typeorm';
import type { CourseReportDto } from './reports.dto.js';
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
  ['', 'session not held yet, no record'],
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

/** A file name that is safe in any header and file system: course code, what, local date. */
function fileName(report: CourseReportDto, what: string, ext: string): string {
  const code = report.course.code.replace(/[^A-Za-z0-9_-]/g, '_') || 'course';
  const day = DateTime.now().setZone(report.course.timezone).toFormat('yyyyMMdd');
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
  ): Promise<{ report: CourseReportDto; header: string[]; rows: Cell[][] }> {
    assertRange(range);
    const report = await this.reports.report(courseId, range, null);
    const zone = report.course.timezone;
    const letters: { student_id: string; statuses: (string | null)[] | null }[] = await this.dataSource.query(
      `WITH s AS (
         SELECT s.id, s.starts_at FROM class_sessions s WHERE s.course_id = $1 AND ${inRange('$4::text', '$2', '$3')}
       )
       SELECT e.student_id, array_agg(r.status ORDER BY s.starts_at, s.id) FILTER (WHERE s.id IS NOT NULL) AS statuses
         FROM enrollments e
         LEFT JOIN s ON true
         LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = e.student_id
        WHERE e.course_id = $1
        GROUP BY e.student_id`,
      [courseId, range.from ?? null, range.to ?? null, zone],
    );
    const byStudent = new Map(letters.map((l) => [l.student_id, l.statuses ?? []]));
    const header = [
      'Student number',
      'Full name',
      'Email',
      ...report.sessions.map((s) => {
        const when = DateTime.fromISO(s.startsAt).setZone(zone).toFormat('yyyy-MM-dd HH:mm');
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
    const rows = report.students.map((st) => {
      const statuses = byStudent.get(st.studentId) ?? [];
      const cells = report.sessions.map((s, i) => {
        const status = statuses[i];
        if (status) return STATUS_LETTERS[status] ?? status;
        return s.held ? 'A' : '';
      });
      return [
        st.studentNumber,
        st.fullName,
        st.email,
        ...cells,
        st.held,
        st.present,
        st.late,
        st.absent,
        st.excused,
        st.pending,
        percent(st.rate),
      ];
    });
    return { report, header, rows };
  }

  async attendanceCsv(courseId: string, range: ReportRange): Promise<ExportFile> {
    const { report, header, rows } = await this.matrix(courseId, range);
    return {
      fileName: fileName(report, 'attendance', 'csv'),
      contentType: 'text/csv; charset=utf-8',
      body: toCsv([header, ...rows]),
    };
  }

  async attendanceXlsx(courseId: string, range: ReportRange): Promise<ExportFile> {
    const { report, header, rows } = await this.matrix(courseId, range);
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
    legend.addRow(['Course', `${report.course.code} — ${report.course.name} (${report.course.timezone})`]);
    legend.getColumn(2).width = 60;
    const body = Buffer.from(await wb.xlsx.writeBuffer());
    return {
      fileName: fileName(report, 'attendance', 'xlsx'),
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      body,
    };
  }

  /** Every record of the course's sessions in the range, one line each, with times in the course's zone. */
  async recordsCsv(courseId: string, range: ReportRange): Promise<ExportFile> {
    assertRange(range);
    const course = await this.reports.course(courseId);
    const zone = course.timezone;
    // Times are formatted by PostgreSQL in the course's zone (ISO 8601 with offset): per-row date maths in JS costs seconds at 30k rows.
    const rows: Record<string, string | boolean | null>[] = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT set_config('TimeZone', $1, true)`, [zone]);
      const iso = (col: string) => `to_char(${col}, 'YYYY-MM-DD"T"HH24:MI:SSTZH:TZM')`;
      return m.query(
        `SELECT s.id AS session_id, ${iso('s.starts_at')} AS starts_at, s.title, u.student_number, u.full_name, u.email, r.status, r.source,
                ${iso('r.checked_in_at')} AS checked_in_at, ${iso('r.validated_at')} AS validated_at, v.full_name AS validated_by, r.note,
                ${iso('r.updated_at')} AS updated_at,
                EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = s.course_id AND e.student_id = r.student_id) AS enrolled
           FROM attendance_records r
           JOIN class_sessions s ON s.id = r.session_id
           JOIN users u ON u.id = r.student_id
           LEFT JOIN users v ON v.id = r.validated_by
          WHERE s.course_id = $1 AND ${inRange('$4::text', '$2', '$3')}
          ORDER BY s.starts_at, s.id, u.full_name, u.id`,
        [courseId, range.from ?? null, range.to ?? null, zone],
      );
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
    const lines: Cell[][] = rows.map((r) => [
      r.session_id as string,
      r.starts_at as string | null,
      r.title as string | null,
      r.student_number as string | null,
      r.full_name as string,
      r.email as string,
      r.status as string,
      r.source as string,
      r.checked_in_at as string | null,
      r.validated_at as string | null,
      r.validated_by as string | null,
      r.note as string | null,
      r.updated_at as string | null,
      r.enrolled ? 'yes' : 'no',
    ]);
    return {
      fileName: fileName({ course } as CourseReportDto, 'records', 'csv'),
      contentType: 'text/csv; charset=utf-8',
      body: toCsv([header, ...lines]),
    };
  }
}
