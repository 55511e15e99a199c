import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A closed session can be reopened (POST /api/sessions/:id/reopen, issue 13): who reopened it last, and when. */
export class SessionReopen1796202226895 implements MigrationInterface {
  name = 'SessionReopen1796202226895';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "class_sessions" ADD "reopened_at" timestamptz, ADD "reopened_by" uuid`);
    await q.query(
      `ALTER TABLE "class_sessions" ADD CONSTRAINT "class_sessions_reopened_by_fkey" FOREIGN KEY ("reopened_by") REFERENCES "users"("id") ON DELETE SET NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "class_sessions" DROP CONSTRAINT "class_sessions_reopened_by_fkey"`);
    await q.query(`ALTER TABLE "class_sessions" DROP COLUMN "reopened_by", DROP COLUMN "reopened_at"`);
  }
}
