import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Private calendar feeds: one per user. The feed token is derived from `seed` with an HMAC keyed by the server
 * secret, and only its SHA-256 is stored for the lookup, so a copy of the database alone does not reveal any feed URL.
 */
export class CalendarFeeds1764400000000 implements MigrationInterface {
  name = 'CalendarFeeds1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "calendar_feeds" (
        "user_id" uuid NOT NULL,
        "seed" varchar(64) NOT NULL,
        "token_hash" char(64) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "calendar_feeds_pkey" PRIMARY KEY ("user_id"),
        CONSTRAINT "calendar_feeds_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "calendar_feeds_token_hash_key" ON "calendar_feeds" ("token_hash")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "calendar_feeds"`);
  }
}
