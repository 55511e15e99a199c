import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Mail outbox (sent by a retrying worker) and the teachers' opt-in for the daily digest of pending justifications. */
export class JustificationsMail1764300000000 implements MigrationInterface {
  name = 'JustificationsMail1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "digest_opt_in" boolean NOT NULL DEFAULT false`);
    await q.query(`
      CREATE TABLE "mail_outbox" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "kind" varchar(64) NOT NULL,
        "recipient" varchar(254) NOT NULL,
        "subject" varchar(300) NOT NULL,
        "text_body" text NOT NULL,
        "html_body" text,
        "dedupe_key" varchar(200),
        "status" varchar(16) NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        "locked_until" timestamptz,
        "last_error" varchar(1000),
        "sent_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "mail_outbox_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "mail_outbox_status_check" CHECK ("status" IN ('pending', 'sending', 'sent', 'failed'))
      )`);
    // At most one mail per dedupe key (e.g. one attendance warning per student, course and week); NULLs never clash.
    await q.query(`CREATE UNIQUE INDEX "mail_outbox_dedupe_key_key" ON "mail_outbox" ("dedupe_key")`);
    await q.query(
      `CREATE INDEX "mail_outbox_status_next_attempt_at_idx" ON "mail_outbox" ("status", "next_attempt_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "mail_outbox"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "digest_opt_in"`);
  }
}
