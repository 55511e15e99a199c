import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Attendance codes (fixed or rotating; at most one active per session) and the SQL function that derives a rotating
 * code, so the check-in statement can match it without any per-replica state.
 */
export class AttendanceCodes1764120000000 implements MigrationInterface {
  name = 'AttendanceCodes1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "attendance_codes" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "session_id" uuid NOT NULL,
        "mode" varchar(16) NOT NULL,
        "code" varchar(12),
        "key_inner" bytea,
        "key_outer" bytea,
        "slot_seconds" integer,
        "expires_at" timestamptz NOT NULL,
        "revoked_at" timestamptz,
        "created_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "attendance_codes_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "attendance_codes_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "class_sessions"("id") ON DELETE CASCADE,
        CONSTRAINT "attendance_codes_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL,
        CONSTRAINT "attendance_codes_mode_check" CHECK ("mode" IN ('fixed', 'rotating')),
        CONSTRAINT "attendance_codes_material_check" CHECK (("mode" = 'fixed' AND "code" IS NOT NULL) OR ("mode" = 'rotating' AND "key_inner" IS NOT NULL AND "key_outer" IS NOT NULL AND "slot_seconds" IS NOT NULL))
      )`);
    // At most one active code per session: a new code revokes the old one in the same transaction.
    await q.query(
      `CREATE UNIQUE INDEX "attendance_codes_active_key" ON "attendance_codes" ("session_id") WHERE "revoked_at" IS NULL`,
    );
    // Check-in by a fixed code: code → session (→ enrollment PK), also for expired/revoked codes (clear errors).
    await q.query(
      `CREATE INDEX "attendance_codes_code_idx" ON "attendance_codes" ("code", "session_id") WHERE "code" IS NOT NULL`,
    );
    // Check-in by a rotating code and the rotation ticker: the few active rotating codes.
    await q.query(
      `CREATE INDEX "attendance_codes_rotating_idx" ON "attendance_codes" ("session_id") WHERE "mode" = 'rotating' AND "revoked_at" IS NULL`,
    );

    // HMAC-SHA256(key, int8 slot) from the stored inner/outer padded keys (core sha256, no pgcrypto needed), mapped to
    // 6 characters of the code alphabet (CODE_ALPHABET in libs/contracts) from the first 56 bits.
    await q.query(`
      CREATE FUNCTION "attendance_rotating_code"(key_inner bytea, key_outer bytea, slot bigint) RETURNS text
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT string_agg(substr('ABCDEFGHJKMNPQRSTUVWXYZ23456789', ((d.v / power(31, i)::bigint) % 31)::int + 1, 1), '' ORDER BY i)
          FROM (SELECT ('x' || encode(substring(sha256(key_outer || sha256(key_inner || int8send(slot))) FROM 1 FOR 7), 'hex'))::bit(56)::bigint AS v) d,
               generate_series(0, 5) AS i
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION "attendance_rotating_code"(bytea, bytea, bigint)`);
    await q.query(`DROP TABLE "attendance_codes"`);
  }
}
