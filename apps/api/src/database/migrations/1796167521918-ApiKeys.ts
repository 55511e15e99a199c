import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys: hashed `spk_` tokens with scopes, owned by a user. */
export class ApiKeys1796167521918 implements MigrationInterface {
  name = 'ApiKeys1796167521918';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "owner_id" uuid NOT NULL,
        "name" varchar(100) NOT NULL,
        "scopes" text array NOT NULL,
        "prefix" varchar(16) NOT NULL,
        "token_hash" char(64) NOT NULL,
        "expires_at" timestamptz,
        "last_used_at" timestamptz,
        "revoked_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "api_keys_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE UNIQUE INDEX "api_keys_token_hash_key" ON "api_keys" ("token_hash")`);
    await q.query(`CREATE INDEX "api_keys_owner_id_idx" ON "api_keys" ("owner_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "api_keys"`);
  }
}
