import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ATTENDANCE_EXPECTED_PER_SESSION } from './1796161550605-EnrollmentHistory.js';

/**
 * `attendance_expected` computed set-wise (issue 15): the same rows as the definition of migration
 * 1796161550605-EnrollmentHistory, without a per-session `LATERAL (… UNION …)` and an `EXISTS` per record, so the
 * planner can join sessions, enrollment periods and records once (hash or index joins) whatever the filter (a course,
 * a session, a student or the whole school).
 *
 * Who counts at a session is unchanged: a student whose enrollment period contains the session's start, or who
 * attended it (present, late or pending) while enrolled for part of it. Every such student has a period that overlaps
 * the session (`enrolled_at < ends_at` and not ended by its start), so the view joins the overlapping periods and keeps
 * - the period that contains the start: at most one does, since a student's periods in a course never overlap (a new
 *   period starts at or after the end of the previous ones: insertEnrollments in courses/enrollments.queries, backdateEnrollments in moodle-import.queries);
 * - otherwise (the period began during the session) only with an attended record, and only the first such period
 *   when no period contains the start, so each (session, student) is one row, as the old `UNION` made it.
 * The record is joined once. Same columns, same order (CREATE OR REPLACE VIEW).
 */
export class AttendanceExpectedSetWise1796219828350 implements MigrationInterface {
  name = 'AttendanceExpectedSetWise1796219828350';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE VIEW "attendance_expected" AS
      SELECT b.*,
             b.held AND b.outcome IN ('present', 'late', 'pending') AS attended,
             b.held AND b.outcome = 'excused' AS excused
        FROM (
          SELECT s.id AS session_id, s.course_id, e.student_id, s.starts_at, s.ends_at,
                 attendance_session_held(s.state, s.ends_at) AS held,
                 r.status, r.source, r.checked_in_at,
                 CASE WHEN r.status IS NOT NULL THEN r.status
                      WHEN attendance_session_held(s.state, s.ends_at) THEN 'absent' END AS outcome
            FROM class_sessions s
            JOIN enrollments e ON e.course_id = s.course_id AND e.enrolled_at < s.ends_at
                              AND (e.ended_at IS NULL OR e.ended_at > s.starts_at)
            LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = e.student_id
           WHERE s.state <> 'cancelled'
             AND (e.enrolled_at <= s.starts_at
                  OR r.status IN ('present', 'late', 'pending')
                     AND NOT EXISTS (SELECT 1 FROM enrollments o
                                      WHERE o.course_id = e.course_id AND o.student_id = e.student_id AND o.id <> e.id
                                        AND o.enrolled_at < s.ends_at AND (o.ended_at IS NULL OR o.ended_at > s.starts_at)
                                        AND (o.enrolled_at <= s.starts_at OR o.enrolled_at < e.enrolled_at
                                             OR (o.enrolled_at = e.enrolled_at AND o.id < e.id))))
        ) b`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE OR REPLACE VIEW "attendance_expected" AS ${ATTENDANCE_EXPECTED_PER_SESSION}`);
  }
}
