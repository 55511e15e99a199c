import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency-Key store: one row per (principal, key), claimed with INSERT … ON CONFLICT, kept 24 h. */
export class IdempotencyKeys1796156638642 implements MigrationInterface {
  name = 'IdempotencyKeys1796156638642';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "idempotency_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "principal" varchar(80) NOT NULL,
        "key" varchar(255) NOT NULL,
        "fingerprint" char(64) NOT NULL,
        "state" varchar(16) NOT NULL DEFAULT 'running',
        "status_code" integer,
        "response_body" text,
        "locked_until" timestamptz NOT NULL,
        "expires_at" timestamptz NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "completed_at" timestamptz,
        CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "idempotency_keys_state_check" CHECK ("state" IN ('running', 'completed'))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX "idempotency_keys_principal_key_key" ON "idempotency_keys" ("principal", "key")`,
    );
    await q.query(`CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys" ("expires_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "idempotency_keys"`);
  }
}
