import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlFunction } from '../functions/sql-functions.js';

/**
 * The attendance changes feed (GET /api/attendance-records): every record gets a stable `id` and a `change_seq`, the
 * 64-bit id of the transaction that last wrote it, set by a trigger on every insert and update (the check-in
 * function, status changes, imports, seeds: no writer can forget it; functions/attendance_records_touch.sql) together with `updated_at`. The feed serves
 * only rows whose change_seq is below the oldest transaction still running (pg_snapshot_xmin), so a transaction
 * that commits after a reader passed is never skipped: see docs/integrations.md, "Changes feed".
 */
export class AttendanceRecordChanges1796157917304 implements MigrationInterface {
  name = 'AttendanceRecordChanges1796157917304';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "attendance_records" ADD "id" uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE "attendance_records" ADD "change_seq" bigint NOT NULL DEFAULT 0`);
    await q.query(`CREATE UNIQUE INDEX "attendance_records_id_key" ON "attendance_records" ("id")`);
    await q.query(`CREATE INDEX "attendance_records_change_seq_idx" ON "attendance_records" ("change_seq", "id")`);
    if (!(await applySqlFunction(q, 'attendance_records_touch', 'ba8c3f3e099f'))) {
      // The file has moved on (a later migration applies it): the trigger still needs a function to point at now.
      await q.query(
        `CREATE OR REPLACE FUNCTION attendance_records_touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      );
    }
    await q.query(`
      CREATE TRIGGER "attendance_records_touch" BEFORE INSERT OR UPDATE ON "attendance_records"
        FOR EACH ROW EXECUTE FUNCTION "attendance_records_touch"()`);
    await q.query(`UPDATE "attendance_records" SET "change_seq" = pg_current_xact_id()::text::bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER "attendance_records_touch" ON "attendance_records"`);
    await q.query(`DROP FUNCTION "attendance_records_touch"()`);
    await q.query(`DROP INDEX "attendance_records_change_seq_idx"`);
    await q.query(`DROP INDEX "attendance_records_id_key"`);
    await q.query(`ALTER TABLE "attendance_records" DROP COLUMN "change_seq"`);
    await q.query(`ALTER TABLE "attendance_records" DROP COLUMN "id"`);
  }
}
