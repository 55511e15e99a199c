import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Courses, enrollment, class sessions, attendance records and their event log, justifications, notifications. */
export class CoreDomain1764100000000 implements MigrationInterface {
  name = 'CoreDomain1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "courses" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "code" varchar(20) NOT NULL,
        "name" varchar(200) NOT NULL,
        "description" varchar(2000),
        "timezone" varchar(64) NOT NULL,
        "join_code" varchar(12),
        "join_code_enabled" boolean NOT NULL DEFAULT true,
        "code_validity_minutes" integer NOT NULL DEFAULT 10,
        "late_after_minutes" integer NOT NULL DEFAULT 10,
        "checkin_opens_minutes" integer NOT NULL DEFAULT 15,
        "requires_validation" boolean NOT NULL DEFAULT true,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "courses_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE UNIQUE INDEX "courses_code_key" ON "courses" ("code")`);
    await q.query(`CREATE UNIQUE INDEX "courses_join_code_key" ON "courses" ("join_code")`);

    await q.query(`
      CREATE TABLE "course_teachers" (
        "course_id" uuid NOT NULL,
        "teacher_id" uuid NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "course_teachers_pkey" PRIMARY KEY ("course_id", "teacher_id"),
        CONSTRAINT "course_teachers_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        CONSTRAINT "course_teachers_teacher_id_fkey" FOREIGN KEY ("teacher_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "course_teachers_teacher_id_idx" ON "course_teachers" ("teacher_id", "course_id")`);

    await q.query(`
      CREATE TABLE "enrollments" (
        "course_id" uuid NOT NULL,
        "student_id" uuid NOT NULL,
        "source" varchar(16) NOT NULL DEFAULT 'admin',
        "enrolled_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "enrollments_pkey" PRIMARY KEY ("course_id", "student_id"),
        CONSTRAINT "enrollments_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        CONSTRAINT "enrollments_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "enrollments_student_id_idx" ON "enrollments" ("student_id", "course_id")`);

    await q.query(`
      CREATE TABLE "class_sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "course_id" uuid NOT NULL,
        "series_id" uuid,
        "title" varchar(200),
        "room" varchar(100),
        "starts_at" timestamptz NOT NULL,
        "ends_at" timestamptz NOT NULL,
        "state" varchar(16) NOT NULL DEFAULT 'scheduled',
        "closed_at" timestamptz,
        "closed_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "class_sessions_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "class_sessions_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE,
        CONSTRAINT "class_sessions_closed_by_fkey" FOREIGN KEY ("closed_by") REFERENCES "users"("id") ON DELETE SET NULL,
        CONSTRAINT "class_sessions_state_check" CHECK ("state" IN ('scheduled', 'open', 'closed')),
        CONSTRAINT "class_sessions_time_check" CHECK ("ends_at" > "starts_at")
      )`);
    await q.query(
      `CREATE INDEX "class_sessions_course_id_starts_at_idx" ON "class_sessions" ("course_id", "starts_at")`,
    );
    await q.query(`CREATE INDEX "class_sessions_series_id_idx" ON "class_sessions" ("series_id")`);
    await q.query(`CREATE INDEX "class_sessions_state_ends_at_idx" ON "class_sessions" ("state", "ends_at")`);

    await q.query(`
      CREATE TABLE "attendance_records" (
        "session_id" uuid NOT NULL,
        "student_id" uuid NOT NULL,
        "status" varchar(16) NOT NULL,
        "source" varchar(16) NOT NULL,
        "checked_in_at" timestamptz,
        "validated_at" timestamptz,
        "validated_by" uuid,
        "note" varchar(500),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "attendance_records_pkey" PRIMARY KEY ("session_id", "student_id"),
        CONSTRAINT "attendance_records_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "class_sessions"("id") ON DELETE CASCADE,
        CONSTRAINT "attendance_records_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "attendance_records_validated_by_fkey" FOREIGN KEY ("validated_by") REFERENCES "users"("id") ON DELETE SET NULL,
        CONSTRAINT "attendance_records_status_check" CHECK ("status" IN ('pending', 'present', 'late', 'absent', 'excused')),
        CONSTRAINT "attendance_records_source_check" CHECK ("source" IN ('code', 'qr', 'teacher', 'justification', 'auto-close'))
      )`);
    await q.query(
      `CREATE INDEX "attendance_records_student_id_idx" ON "attendance_records" ("student_id", "session_id")`,
    );

    await q.query(`
      CREATE TABLE "attendance_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "session_id" uuid NOT NULL,
        "student_id" uuid NOT NULL,
        "from_status" varchar(16),
        "to_status" varchar(16) NOT NULL,
        "source" varchar(16) NOT NULL,
        "actor_id" uuid,
        "reason" varchar(500),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "attendance_events_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "attendance_events_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "class_sessions"("id") ON DELETE CASCADE,
        CONSTRAINT "attendance_events_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "attendance_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL
      )`);
    await q.query(
      `CREATE INDEX "attendance_events_session_id_idx" ON "attendance_events" ("session_id", "student_id", "created_at")`,
    );

    await q.query(`
      CREATE TABLE "justifications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "session_id" uuid NOT NULL,
        "student_id" uuid NOT NULL,
        "type" varchar(16) NOT NULL,
        "reason" varchar(1000) NOT NULL,
        "status" varchar(16) NOT NULL DEFAULT 'pending',
        "document_key" varchar(100),
        "document_name" varchar(255),
        "document_type" varchar(64),
        "document_size" integer,
        "reviewer_id" uuid,
        "review_comment" varchar(1000),
        "reviewed_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "justifications_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "justifications_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "class_sessions"("id") ON DELETE CASCADE,
        CONSTRAINT "justifications_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE,
        CONSTRAINT "justifications_reviewer_id_fkey" FOREIGN KEY ("reviewer_id") REFERENCES "users"("id") ON DELETE SET NULL,
        CONSTRAINT "justifications_type_check" CHECK ("type" IN ('absence', 'late')),
        CONSTRAINT "justifications_status_check" CHECK ("status" IN ('pending', 'approved', 'rejected', 'withdrawn'))
      )`);
    // One live justification per (student, session); a withdrawn one may be filed again.
    await q.query(
      `CREATE UNIQUE INDEX "justifications_session_student_key" ON "justifications" ("session_id", "student_id") WHERE "status" <> 'withdrawn'`,
    );
    await q.query(`CREATE INDEX "justifications_student_id_idx" ON "justifications" ("student_id", "created_at")`);
    await q.query(`CREATE INDEX "justifications_status_idx" ON "justifications" ("status", "created_at")`);

    await q.query(`
      CREATE TABLE "notifications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "type" varchar(64) NOT NULL,
        "title" varchar(200) NOT NULL,
        "body" varchar(1000) NOT NULL,
        "link" varchar(500),
        "read_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "notifications_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "notifications_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "notifications_user_id_created_at_idx" ON "notifications" ("user_id", "created_at")`);
    await q.query(`CREATE INDEX "notifications_unread_idx" ON "notifications" ("user_id") WHERE "read_at" IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'notifications',
      'justifications',
      'attendance_events',
      'attendance_records',
      'class_sessions',
      'enrollments',
      'course_teachers',
      'courses',
    ]) {
      await q.query(`DROP TABLE "${t}"`);
    }
  }
}
