import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AttendanceSource, AttendanceStatus } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import { pickRate, studentCourseRates } from '../reports/rates.queries.js';
import type { MyAttendanceDto, MyAttendanceItemDto, MyAttendanceQueryDto } from './attendance.dto.js';

/** A student's own history and rates. */
@Injectable()
export class MyAttendanceService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async get(studentId: string, q: MyAttendanceQueryDto): Promise<MyAttendanceDto> {
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 20;
    // The sessions where I was expected (attendance_expected: enrolled when it started, or attended anyway) that
    // were held or where I have a record; cancelled sessions are never in it.
    const where = [`x.student_id = $1`, `(x.held OR x.status IS NOT NULL)`];
    const params: unknown[] = [studentId];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.courseId) add('x.course_id = ?', q.courseId);
    if (q.from) add('x.starts_at >= ?', q.from);
    if (q.to) add('x.starts_at < ?', q.to);
    if (q.status) add(`x.outcome = ?`, q.status);
    const from = `FROM attendance_expected x
      JOIN courses c ON c.id = x.course_id
      JOIN class_sessions s ON s.id = x.session_id
      LEFT JOIN attendance_records r ON r.session_id = x.session_id AND r.student_id = x.student_id
     WHERE ${where.join(' AND ')}`;
    const [rows, [{ total }], rates] = await Promise.all([
      this.dataSource.query(
        `SELECT s.id AS session_id, c.id AS course_id, c.code, c.name, c.timezone, s.title, s.starts_at, s.ends_at,
                x.outcome AS status, r.status IS NOT NULL AS recorded, r.source, r.checked_in_at, r.validated_at, r.note
           ${from}
          ORDER BY s.starts_at DESC, s.id
          LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
        [...params, pageSize, (page - 1) * pageSize],
      ) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(`SELECT count(*)::int AS total ${from}`, params) as Promise<{ total: number }[]>,
      studentCourseRates(this.dataSource.manager, studentId, {}),
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
      status: r.status as AttendanceStatus,
      recorded: r.recorded as boolean,
      source: (r.source as AttendanceSource | null) ?? null,
      checkedInAt: r.checked_in_at ? new Date(r.checked_in_at as string).toISOString() : null,
      validatedAt: r.validated_at ? new Date(r.validated_at as string).toISOString() : null,
      note: (r.note as string | null) ?? null,
    }));
    const overall = rates.find((r) => r.course_id === null);
    return {
      items,
      total,
      page,
      pageSize,
      overall: overall ? pickRate(overall) : pickRate({ ...ZERO, rate: null }),
      courses: rates
        .filter((r) => r.course_id !== null)
        .map((r) => ({ courseId: r.course_id!, courseCode: r.code!, courseName: r.name!, ...pickRate(r) })),
    };
  }
}

const ZERO = { held: 0, present: 0, late: 0, absent: 0, excused: 0, pending: 0 };
