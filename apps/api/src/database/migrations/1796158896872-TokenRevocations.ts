import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Immediate revocation of access tokens: a per-user token version carried in every access token, and the recent
 * revocations each process loads at boot and re-reads as a safety net behind the pub/sub relay.
 */
export class TokenRevocations1796158896872 implements MigrationInterface {
  name = 'TokenRevocations1796158896872';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "users" ADD "token_version" integer NOT NULL DEFAULT 1`);
    await q.query(`
      CREATE TABLE "token_revocations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "session_id" uuid,
        "min_version" integer,
        "reason" varchar(32) NOT NULL,
        "revoked_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        CONSTRAINT "token_revocations_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "token_revocations_revoked_at_idx" ON "token_revocations" ("revoked_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "token_revocations"`);
    await q.query(`ALTER TABLE "users" DROP COLUMN "token_version"`);
  }
}
