import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AttendanceSource, AttendanceStatus } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import type {
  AttendanceRateDto,
  MyAttendanceDto,
  MyAttendanceItemDto,
  MyAttendanceQueryDto,
} from './attendance.dto.js';

/** Held = closed, or already ended. A held session without a record counts as absent. */
const HELD = `(s.state = 'closed' OR s.ends_at <= now())`;

interface RateRow {
  course_id: string;
  code: string;
  name: string;
  held: number;
  present: number;
  late: number;
  absent: number;
  excused: number;
  pending: number;
}

/** A student's own history and rates. */
@Injectable()
export class MyAttendanceService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(studentId: string, q: MyAttendanceQueryDto): Promise<MyAttendanceDto> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    const where = [`e.student_id = $1`, `(${HELD} OR r.status IS NOT NULL)`];
    const params: unknown[] = [studentId];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.courseId) add('s.course_id = ?', q.courseId);
    if (q.from) add('s.starts_at >= ?', q.from);
    if (q.to) add('s.starts_at < ?', q.to);
    if (q.status) add(`COALESCE(r.status, 'absent') = ?`, q.status);
    const from = `FROM enrollments e
      JOIN courses c ON c.id = e.course_id
      JOIN class_sessions s ON s.course_id = e.course_id
      LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = e.student_id
     WHERE ${where.join(' AND ')}`;
    const [rows, [{ total }], rates] = await Promise.all([
      this.dataSource.query(
        `SELECT s.id AS session_id, c.id AS course_id, c.code, c.name, c.timezone, s.title, s.starts_at, s.ends_at,
                r.status, r.source, r.checked_in_at, r.validated_at, r.note
           ${from}
          ORDER BY s.starts_at DESC, s.id
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, pageSize, (page - 1) * pageSize],
      ) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(`SELECT count(*)::int AS total ${from}`, params) as Promise<{ total: number }[]>,
      this.rates(studentId),
    ]);
    const items: MyAttendanceItemDto[] = rows.map((r) => ({
      sessionId: r.session_id as string,
      courseId: r.course_id as string,
      courseCode: r.code as string,
      courseName: r.name as string,
      timezone: r.timezone as string,
      sessionTitle: (r.title as string | null) ?? null,
      startsAt: new Date(r.starts_at as string).toISOString(),
      endsAt: new Date(r.ends_at as string).toISOString(),
      status: ((r.status as AttendanceStatus | null) ?? 'absent') as AttendanceStatus,
      recorded: r.status != null,
      source: (r.source as AttendanceSource | null) ?? null,
      checkedInAt: r.checked_in_at ? new Date(r.checked_in_at as string).toISOString() : null,
      validatedAt: r.validated_at ? new Date(r.validated_at as string).toISOString() : null,
      note: (r.note as string | null) ?? null,
    }));
    const overall = rate(
      rates.reduce(
        (a, r) => ({
          held: a.held + r.held,
          present: a.present + r.present,
          late: a.late + r.late,
          absent: a.absent + r.absent,
          excused: a.excused + r.excused,
          pending: a.pending + r.pending,
        }),
        {
          held: 0,
          present: 0,
          late: 0,
          absent: 0,
          excused: 0,
          pending: 0,
        },
      ),
    );
    return {
      items,
      total,
      page,
      pageSize,
      overall,
      courses: rates.map((r) => ({ courseId: r.course_id, courseCode: r.code, courseName: r.name, ...rate(r) })),
    };
  }

  private async rates(studentId: string): Promise<RateRow[]> {
    return this.dataSource.query(
      `SELECT c.id AS course_id, c.code, c.name,
              count(s.id)::int AS held,
              count(*) FILTER (WHERE r.status = 'present')::int AS present,
              count(*) FILTER (WHERE r.status = 'late')::int AS late,
              count(s.id) FILTER (WHERE r.status IS NULL OR r.status = 'absent')::int AS absent,
              count(*) FILTER (WHERE r.status = 'excused')::int AS excused,
              count(*) FILTER (WHERE r.status = 'pending')::int AS pending
         FROM enrollments e
         JOIN courses c ON c.id = e.course_id
         LEFT JOIN class_sessions s ON s.course_id = c.id AND ${HELD}
         LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = e.student_id
        WHERE e.student_id = $1
        GROUP BY c.id, c.code, c.name
        ORDER BY c.code`,
      [studentId],
    );
  }
}

/**
 * rate = (present + late + pending) ÷ (held − excused), rounded to 4 decimals; null when nothing counts yet. A pending
 * check-in in a held session counts as attended (closing validates it as present/late) — the same formula as the
 * course reports (docs/reports.md), so a student sees one rate everywhere.
 */
export function rate(c: Omit<AttendanceRateDto, 'rate'>): AttendanceRateDto {
  const denominator = c.held - c.excused;
  const value = denominator > 0 ? Math.round(((c.present + c.late + c.pending) / denominator) * 10000) / 10000 : null;
  return {
    held: c.held,
    present: c.present,
    late: c.late,
    absent: c.absent,
    excused: c.excused,
    pending: c.pending,
    rate: value,
  };
}
