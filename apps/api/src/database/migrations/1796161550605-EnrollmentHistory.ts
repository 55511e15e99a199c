import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlFunction } from '../functions/sql-functions.js';

/**
 * The first definition of `attendance_expected`: per session, the students enrolled at its start plus those who attended
 * it while enrolled for part of it (a `LATERAL (… UNION …)`). Replaced by the set-wise 1796219828350 (whose `down`
 * restores this one); the e2e spec attendance-expected checks that both give the same rows.
 */
export const ATTENDANCE_EXPECTED_PER_SESSION = `
  SELECT b.*,
         b.held AND b.outcome IN ('present', 'late', 'pending') AS attended,
         b.held AND b.outcome = 'excused' AS excused
    FROM (
      SELECT s.id AS session_id, s.course_id, x.student_id, s.starts_at, s.ends_at,
             attendance_session_held(s.state, s.ends_at) AS held,
             r.status, r.source, r.checked_in_at,
             CASE WHEN r.status IS NOT NULL THEN r.status
                  WHEN attendance_session_held(s.state, s.ends_at) THEN 'absent' END AS outcome
        FROM class_sessions s
        CROSS JOIN LATERAL (
          SELECT e.student_id FROM enrollments e
           WHERE e.course_id = s.course_id AND e.enrolled_at <= s.starts_at
             AND (e.ended_at IS NULL OR e.ended_at > s.starts_at)
          UNION
          SELECT a.student_id FROM attendance_records a
           WHERE a.session_id = s.id AND a.status IN ('present', 'late', 'pending')
             AND EXISTS (SELECT 1 FROM enrollments e
                          WHERE e.course_id = s.course_id AND e.student_id = a.student_id
                            AND e.enrolled_at < s.ends_at AND (e.ended_at IS NULL OR e.ended_at > s.starts_at))
        ) x
        LEFT JOIN attendance_records r ON r.session_id = s.id AND r.student_id = x.student_id
       WHERE s.state <> 'cancelled'
    ) b`;

/**
 * Enrollment history, cancelled sessions and the one definition of "expected at a session" (issue 13).
 *
 * - `enrollments` keeps one row per enrollment period: `enrolled_at` … `ended_at` (null while enrolled). Unenrolling
 *   ends the period instead of deleting the row; re-enrolling starts a new one. At most one open period per
 *   (course, student): the partial unique index `enrollments_active_key`. Whoever asks "is enrolled now" adds
 *   `ended_at IS NULL`.
 * - `class_sessions.state` may be `cancelled` (with who, when and why): never held, never counted.
 * - `attendance_session_held(state, ends_at)` (functions/attendance_session_held.sql): closed, or ended and not
 *   cancelled.
 * - `attendance_expected`: one row per (session, student) who counts at that session — an enrollment period contains
 *   the session's start, or the student attended it (present, late or pending) while enrolled for part of it (a
 *   student enrolled during the class who checked in); cancelled sessions have none. With the record's status and the outcome that counts (`absent` for a held
 *   session without a record), and the flags every rate sums: `held`, `attended` (held and present, late or
 *   pending) and `excused` (held and excused).
 * - `attendance_rate(attended, held, excused)` (functions/attendance_rate.sql): attended ÷ (held − excused), 4
 *   decimals, null when nothing counts.
 * - The check-in window (`session_checkin_open`) is never open for a cancelled session, and `attendance_check_in`
 *   only matches the courses the student is enrolled in now.
 *
 * Every rate of the product (reports, overview, exports, the student's pages, the warning mails) aggregates
 * `attendance_expected` and divides with `attendance_rate`; docs/reports.md explains them for people.
 */
export class EnrollmentHistory1796161550605 implements MigrationInterface {
  name = 'EnrollmentHistory1796161550605';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "enrollments" ADD "id" uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE "enrollments" ADD "ended_at" timestamptz`);
    await q.query(`ALTER TABLE "enrollments" DROP CONSTRAINT "enrollments_pkey"`);
    await q.query(`ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_pkey" PRIMARY KEY ("id")`);
    await q.query(
      `ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_period_check" CHECK ("ended_at" IS NULL OR "ended_at" >= "enrolled_at")`,
    );
    await q.query(
      `CREATE UNIQUE INDEX "enrollments_active_key" ON "enrollments" ("course_id", "student_id") WHERE "ended_at" IS NULL`,
    );
    await q.query(
      `CREATE INDEX "enrollments_course_id_idx" ON "enrollments" ("course_id", "student_id", "enrolled_at")`,
    );

    await q.query(`ALTER TABLE "class_sessions" DROP CONSTRAINT "class_sessions_state_check"`);
    await q.query(
      `ALTER TABLE "class_sessions" ADD CONSTRAINT "class_sessions_state_check" CHECK ("state" IN ('scheduled', 'open', 'closed', 'cancelled'))`,
    );
    await q.query(`ALTER TABLE "class_sessions" ADD "cancelled_at" timestamptz`);
    await q.query(`ALTER TABLE "class_sessions" ADD "cancelled_by" uuid`);
    await q.query(`ALTER TABLE "class_sessions" ADD "cancel_reason" varchar(500)`);
    await q.query(
      `ALTER TABLE "class_sessions" ADD CONSTRAINT "class_sessions_cancelled_by_fkey" FOREIGN KEY ("cancelled_by") REFERENCES "users"("id") ON DELETE SET NULL`,
    );

    await applySqlFunction(q, 'attendance_session_held', '6323e8b18329');
    await applySqlFunction(q, 'attendance_rate', 'ed15ae297cee');
    // Cancelled sessions are never open for check-in; check-in only for students enrolled now.
    await applySqlFunction(q, 'session_checkin_open', 'd6ade65466b9');
    await applySqlFunction(q, 'attendance_check_in', 'e123359d2719');
    await q.query(`CREATE VIEW "attendance_expected" AS ${ATTENDANCE_EXPECTED_PER_SESSION}`);
  }

  async down(q: QueryRunner): Promise<void> {
    // session_checkin_open and attendance_check_in keep their new bodies: they only read columns that stay.
    await q.query(`DROP VIEW "attendance_expected"`);
    await q.query(`DROP FUNCTION "attendance_rate"(bigint, bigint, bigint)`);
    await q.query(`DROP FUNCTION "attendance_session_held"(varchar, timestamptz)`);
    await q.query(`ALTER TABLE "class_sessions" DROP CONSTRAINT "class_sessions_cancelled_by_fkey"`);
    await q.query(`ALTER TABLE "class_sessions" DROP COLUMN "cancel_reason"`);
    await q.query(`ALTER TABLE "class_sessions" DROP COLUMN "cancelled_by"`);
    await q.query(`ALTER TABLE "class_sessions" DROP COLUMN "cancelled_at"`);
    await q.query(`DELETE FROM "class_sessions" WHERE "state" = 'cancelled'`);
    await q.query(`ALTER TABLE "class_sessions" DROP CONSTRAINT "class_sessions_state_check"`);
    await q.query(
      `ALTER TABLE "class_sessions" ADD CONSTRAINT "class_sessions_state_check" CHECK ("state" IN ('scheduled', 'open', 'closed'))`,
    );
    await q.query(`DROP INDEX "enrollments_course_id_idx"`);
    await q.query(`DROP INDEX "enrollments_active_key"`);
    await q.query(`DELETE FROM "enrollments" WHERE "ended_at" IS NOT NULL`);
    await q.query(`ALTER TABLE "enrollments" DROP CONSTRAINT "enrollments_period_check"`);
    await q.query(`ALTER TABLE "enrollments" DROP CONSTRAINT "enrollments_pkey"`);
    await q.query(
      `ALTER TABLE "enrollments" ADD CONSTRAINT "enrollments_pkey" PRIMARY KEY ("course_id", "student_id")`,
    );
    await q.query(`ALTER TABLE "enrollments" DROP COLUMN "ended_at"`);
    await q.query(`ALTER TABLE "enrollments" DROP COLUMN "id"`);
  }
}
