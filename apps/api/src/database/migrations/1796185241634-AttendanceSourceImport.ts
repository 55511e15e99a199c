import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Attendance records brought in from Moodle (POST /api/courses/:id/import/moodle-attendance) have source `import`. */
export class AttendanceSourceImport1796185241634 implements MigrationInterface {
  name = 'AttendanceSourceImport1796185241634';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attendance_records" DROP CONSTRAINT "attendance_records_source_check"`);
    await q.query(
      `ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_source_check" CHECK ("source" IN ('code', 'qr', 'teacher', 'justification', 'auto-close', 'import'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attendance_records" DROP CONSTRAINT "attendance_records_source_check"`);
    await q.query(
      `ALTER TABLE "attendance_records" ADD CONSTRAINT "attendance_records_source_check" CHECK ("source" IN ('code', 'qr', 'teacher', 'justification', 'auto-close'))`,
    );
  }
}
