import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only audit trail. No foreign keys: the trail outlives the users and objects it names. A trigger refuses
 * UPDATE, DELETE and TRUNCATE, so application code (or a mistaken script) cannot rewrite history; a retention purge
 * would be a deliberate, separate migration or an owner-run statement with the trigger disabled.
 */
export class AuditEvents1796156515860 implements MigrationInterface {
  name = 'AuditEvents1796156515860';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "audit_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "occurred_at" timestamptz NOT NULL DEFAULT now(),
        "actor_id" uuid,
        "action" varchar(64) NOT NULL,
        "target_type" varchar(40) NOT NULL,
        "target_id" uuid,
        "summary" jsonb NOT NULL DEFAULT '{}',
        "request_id" varchar(64),
        "ip" varchar(64),
        CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`CREATE INDEX "audit_events_occurred_at_idx" ON "audit_events" ("occurred_at", "id")`);
    await q.query(`CREATE INDEX "audit_events_actor_idx" ON "audit_events" ("actor_id", "occurred_at")`);
    await q.query(
      `CREATE INDEX "audit_events_target_idx" ON "audit_events" ("target_type", "target_id", "occurred_at")`,
    );
    await q.query(`CREATE INDEX "audit_events_action_idx" ON "audit_events" ("action", "occurred_at")`);
    await q.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON "audit_events"
        FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await q.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON "audit_events"
        FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "audit_events"`);
    await q.query(`DROP FUNCTION audit_events_append_only()`);
  }
}
