import type { AttendanceStatus } from '@sysponto/contracts';
import type { EntityManager } from 'typeorm';
import type { CourseEntity } from '../courses/course.entity.js';
import type { ClassSessionEntity } from '../sessions/class-session.entity.js';
import type { AttendanceRecordEntity } from './attendance-record.entity.js';

/** One session of a student's own history: the session, its course, the outcome and the record if any. */
export type MyAttendanceRow = Pick<ClassSessionEntity, 'title' | 'startsAt' | 'endsAt'> &
  Pick<CourseEntity, 'code' | 'name' | 'timezone'> &
  /** The record's columns (null without a record). */
  { [K in 'source' | 'checkedInAt' | 'validatedAt' | 'note']: AttendanceRecordEntity[K] | null } & {
  sessionId: string;
  courseId: string;
  /** attendance_expected.outcome: the record's status, or `absent` for a held session without one. */
  status: AttendanceStatus;
  recorded: boolean;
};

export interface MyAttendanceFilter {
  courseId?: string;
  from?: string;
  to?: string;
  status?: AttendanceStatus;
}

/**
 * A page of the sessions where the student was expected (attendance_expected: enrolled when it started, or attended
 * anyway) that were held or where they have a record, newest first, and how many there are (two statements, run
 * side by side). Cancelled sessions are never in the view.
 */
export async function readMyAttendance(
  m: EntityManager,
  studentId: string,
  f: MyAttendanceFilter,
  page: { limit: number; offset: number },
): Promise<{ rows: MyAttendanceRow[]; total: number }> {
  const where = [`x.student_id = $1`, `(x.held OR x.status IS NOT NULL)`];
  const params: unknown[] = [studentId];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.courseId) add('x.course_id = ?', f.courseId);
  if (f.from) add('x.starts_at >= ?', f.from);
  if (f.to) add('x.starts_at < ?', f.to);
  if (f.status) add(`x.outcome = ?`, f.status);
  const from = `FROM attendance_expected x
      JOIN courses c ON c.id = x.course_id
      JOIN class_sessions s ON s.id = x.session_id
      LEFT JOIN attendance_records r ON r.session_id = x.session_id AND r.student_id = x.student_id
     WHERE ${where.join(' AND ')}`;
  const [rows, [{ total }]] = await Promise.all([
    m.query(
      `SELECT s.id AS "sessionId", c.id AS "courseId", c.code, c.name, c.timezone, s.title, s.starts_at AS "startsAt",
              s.ends_at AS "endsAt", x.outcome AS status, r.status IS NOT NULL AS recorded, r.source,
              r.checked_in_at AS "checkedInAt", r.validated_at AS "validatedAt", r.note
         ${from}
        ORDER BY s.starts_at DESC, s.id
        LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, page.limit, page.offset],
    ) as Promise<MyAttendanceRow[]>,
    m.query(`SELECT count(*)::int AS total ${from}`, params) as Promise<{ total: number }[]>,
  ]);
  return { rows, total };
}
