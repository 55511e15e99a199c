import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlFunction } from '../functions/sql-functions.js';

const TRACKED = ['attendance_records', 'class_sessions', 'enrollments'];

/**
 * Tallies of closed sessions, kept by the writers (issue 15): at 100× data the course report, the admin overview and
 * attendance.csv were bound by reading every record they summarise through `attendance_expected`.
 *
 * - `attendance_closed_rows`: the view's rows for closed sessions (a closed session is held whatever now() says, so
 *   these never go stale by time alone), with the check-in bucket; `attendance_student_tallies` per (course, student)
 *   and `attendance_session_tallies` per session: held/present/late/absent/excused/pending (and the buckets).
 * - Kept by statement-level triggers with transition tables on the three tables the view reads (one per event:
 *   PostgreSQL allows transition tables only on single-event triggers), calling `attendance_tallies_track()`, which
 *   refreshes the changed scope with `attendance_tallies_refresh()` (database/functions). Every writer is caught,
 *   including imports, seeds and ones added later.
 * - Held-but-unclosed sessions (ended, never closed) and sessions not held yet are still read from the view per
 *   request, and so is every report with a date range (rates.queries.ts).
 * - The tables are filled here from the view for every closed session, so an existing database starts true.
 *
 * test/attendance-tallies.e2e-spec.ts compares the tallies with the view after every kind of write.
 */
export class AttendanceTallies1796232402462 implements MigrationInterface {
  name = 'AttendanceTallies1796232402462';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "attendance_closed_rows" ("session_id" uuid NOT NULL, "student_id" uuid NOT NULL, "course_id" uuid NOT NULL, "starts_at" TIMESTAMP WITH TIME ZONE NOT NULL, "outcome" character varying(16) NOT NULL, "bucket" smallint, CONSTRAINT "attendance_closed_rows_pkey" PRIMARY KEY ("session_id", "student_id"))`,
    );
    await q.query(
      `CREATE INDEX "attendance_closed_rows_course_idx" ON "attendance_closed_rows"  ("course_id", "student_id", "starts_at", "session_id") `,
    );
    await q.query(
      `CREATE TABLE "attendance_student_tallies" ("course_id" uuid NOT NULL, "student_id" uuid NOT NULL, "held" integer NOT NULL, "present" integer NOT NULL, "late" integer NOT NULL, "absent" integer NOT NULL, "excused" integer NOT NULL, "pending" integer NOT NULL, CONSTRAINT "attendance_student_tallies_pkey" PRIMARY KEY ("course_id", "student_id"))`,
    );
    await q.query(
      `CREATE TABLE "attendance_session_tallies" ("session_id" uuid NOT NULL, "course_id" uuid NOT NULL, "held" integer NOT NULL, "present" integer NOT NULL, "late" integer NOT NULL, "absent" integer NOT NULL, "excused" integer NOT NULL, "pending" integer NOT NULL, "buckets" integer array NOT NULL, CONSTRAINT "attendance_session_tallies_pkey" PRIMARY KEY ("session_id"))`,
    );
    await q.query(
      `CREATE INDEX "attendance_session_tallies_course_idx" ON "attendance_session_tallies"  ("course_id") `,
    );
    await applySqlFunction(q, 'attendance_tallies_refresh', '6db7f3f8e997');
    await applySqlFunction(q, 'attendance_tallies_track', '9ec576bc5195');
    for (const table of TRACKED)
      for (const [event, refs] of [
        ['INSERT', 'NEW TABLE AS new_rows'],
        ['UPDATE', 'OLD TABLE AS old_rows NEW TABLE AS new_rows'],
        ['DELETE', 'OLD TABLE AS old_rows'],
      ])
        await q.query(
          `CREATE TRIGGER "${table}_tallies_${event.toLowerCase()}" AFTER ${event} ON "${table}"
             REFERENCING ${refs} FOR EACH STATEMENT EXECUTE FUNCTION attendance_tallies_track()`,
        );
    await q.query(
      `SELECT attendance_tallies_refresh('session', (SELECT array_agg(id) FROM class_sessions WHERE state = 'closed'), NULL)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of TRACKED)
      for (const event of ['insert', 'update', 'delete'])
        await q.query(`DROP TRIGGER "${table}_tallies_${event}" ON "${table}"`);
    await q.query(`DROP FUNCTION attendance_tallies_track()`);
    await q.query(`DROP FUNCTION attendance_tallies_refresh(text, uuid[], uuid[])`);
    await q.query(`DROP INDEX "public"."attendance_session_tallies_course_idx"`);
    await q.query(`DROP TABLE "attendance_session_tallies"`);
    await q.query(`DROP TABLE "attendance_student_tallies"`);
    await q.query(`DROP INDEX "public"."attendance_closed_rows_course_idx"`);
    await q.query(`DROP TABLE "attendance_closed_rows"`);
  }
}
