import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Integrity of attendance (issue 16): per-course rotating interval/grace and in-room check policy, the teacher's
 * location anchor per session (deleted when the session closes), integrity flags and the location verdict on records
 * (never a student's coordinates), and the per-session keyed hash of a student's device (deleted 30 days after the
 * session). See docs/privacy.md.
 */
export class AttendanceIntegrity1796156703729 implements MigrationInterface {
  name = 'AttendanceIntegrity1796156703729';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE "courses"
        ADD "rotating_interval_seconds" integer NOT NULL DEFAULT 15,
        ADD "rotating_grace_seconds" integer NOT NULL DEFAULT 3,
        ADD "location_mode" varchar(8) NOT NULL DEFAULT 'off',
        ADD "location_radius_meters" integer NOT NULL DEFAULT 80,
        ADD CONSTRAINT "courses_rotating_interval_check" CHECK ("rotating_interval_seconds" BETWEEN 5 AND 60),
        ADD CONSTRAINT "courses_rotating_grace_check" CHECK ("rotating_grace_seconds" BETWEEN 0 AND 10),
        ADD CONSTRAINT "courses_location_mode_check" CHECK ("location_mode" IN ('off', 'flag', 'require')),
        ADD CONSTRAINT "courses_location_radius_check" CHECK ("location_radius_meters" BETWEEN 20 AND 500)`);

    // A rotating code keeps the interval (slot_seconds) and grace of its course as they were when it was generated.
    await q.query(`ALTER TABLE "attendance_codes" ADD "grace_seconds" integer`);
    await q.query(`UPDATE "attendance_codes" SET "grace_seconds" = 5 WHERE "mode" = 'rotating'`);

    await q.query(`
      ALTER TABLE "attendance_records"
        ADD "flags" text[] NOT NULL DEFAULT '{}',
        ADD "cleared_flags" text[] NOT NULL DEFAULT '{}',
        ADD "location_verdict" varchar(16),
        ADD CONSTRAINT "attendance_records_location_verdict_check" CHECK ("location_verdict" IN ('in-range', 'out-of-range', 'unknown'))`);

    await q.query(`
      CREATE TABLE "session_location_anchors" (
        "session_id" uuid NOT NULL,
        "latitude" double precision NOT NULL,
        "longitude" double precision NOT NULL,
        "accuracy_meters" double precision NOT NULL,
        "set_by" uuid,
        "set_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "session_location_anchors_pkey" PRIMARY KEY ("session_id"),
        CONSTRAINT "session_location_anchors_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "class_sessions"("id") ON DELETE CASCADE,
        CONSTRAINT "session_location_anchors_set_by_fkey" FOREIGN KEY ("set_by") REFERENCES "users"("id") ON DELETE SET NULL,
        CONSTRAINT "session_location_anchors_latitude_check" CHECK ("latitude" BETWEEN -90 AND 90),
        CONSTRAINT "session_location_anchors_longitude_check" CHECK ("longitude" BETWEEN -180 AND 180),
        CONSTRAINT "session_location_anchors_accuracy_check" CHECK ("accuracy_meters" >= 0)
      )`);

    await q.query(`
      CREATE TABLE "attendance_device_hashes" (
        "session_id" uuid NOT NULL,
        "student_id" uuid NOT NULL,
        "device_hash" bytea NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "attendance_device_hashes_pkey" PRIMARY KEY ("session_id", "student_id"),
        CONSTRAINT "attendance_device_hashes_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "class_sessions"("id") ON DELETE CASCADE,
        CONSTRAINT "attendance_device_hashes_student_id_fkey" FOREIGN KEY ("student_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(
      `CREATE INDEX "attendance_device_hashes_session_id_device_hash_idx" ON "attendance_device_hashes" ("session_id", "device_hash")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "attendance_device_hashes"`);
    await q.query(`DROP TABLE "session_location_anchors"`);
    await q.query(
      `ALTER TABLE "attendance_records" DROP CONSTRAINT "attendance_records_location_verdict_check", DROP COLUMN "location_verdict", DROP COLUMN "cleared_flags", DROP COLUMN "flags"`,
    );
    await q.query(`ALTER TABLE "attendance_codes" DROP COLUMN "grace_seconds"`);
    await q.query(`
      ALTER TABLE "courses"
        DROP CONSTRAINT "courses_location_radius_check", DROP CONSTRAINT "courses_location_mode_check",
        DROP CONSTRAINT "courses_rotating_grace_check", DROP CONSTRAINT "courses_rotating_interval_check",
        DROP COLUMN "location_radius_meters", DROP COLUMN "location_mode",
        DROP COLUMN "rotating_grace_seconds", DROP COLUMN "rotating_interval_seconds"`);
  }
}
