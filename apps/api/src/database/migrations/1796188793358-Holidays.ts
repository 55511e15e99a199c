import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The school calendar's holidays (issue 13): new weekly series skip them. */
export class Holidays1796188793358 implements MigrationInterface {
  name = 'Holidays1796188793358';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "holidays" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "date" date NOT NULL,
        "name" varchar(100) NOT NULL,
        "created_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "holidays_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "holidays_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX "holidays_date_key" ON "holidays" ("date")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "holidays"`);
  }
}
