import type { MigrationInterface, QueryRunner } from 'typeorm';
import { applySqlFunction } from '../functions/sql-functions.js';

/**
 * Webhooks (Standard Webhooks): endpoints, the durable outbox of messages, and one delivery per message × endpoint;
 * the check-in function now writes attendance.submitted into that outbox.
 */
export class Webhooks1796162768181 implements MigrationInterface {
  name = 'Webhooks1796162768181';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "webhook_endpoints" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "url" varchar(2000) NOT NULL,
        "description" varchar(500),
        "events" text array NOT NULL,
        "secret" varchar(100) NOT NULL,
        "enabled" boolean NOT NULL DEFAULT true,
        "consecutive_failures" integer NOT NULL DEFAULT 0,
        "disabled_reason" varchar(300),
        "created_by" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_endpoints_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_endpoints_created_by_fkey" FOREIGN KEY ("created_by") REFERENCES "users"("id") ON DELETE SET NULL
      )`);
    await q.query(`
      CREATE TABLE "webhook_messages" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "event_type" varchar(64) NOT NULL,
        "body" text NOT NULL,
        "ordering_key" uuid,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_messages_pkey" PRIMARY KEY ("id")
      )`);
    await q.query(`
      CREATE TABLE "webhook_deliveries" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "seq" BIGSERIAL NOT NULL,
        "endpoint_id" uuid NOT NULL,
        "message_id" uuid NOT NULL,
        "ordering_key" uuid,
        "status" varchar(16) NOT NULL DEFAULT 'pending',
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NOT NULL DEFAULT now(),
        "locked_until" timestamptz,
        "last_status_code" integer,
        "last_duration_ms" integer,
        "last_error" varchar(1000),
        "last_response" varchar(2000),
        "delivered_at" timestamptz,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_deliveries_status_check" CHECK ("status" IN ('pending', 'sending', 'succeeded', 'failed')),
        CONSTRAINT "webhook_deliveries_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE,
        CONSTRAINT "webhook_deliveries_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "webhook_messages"("id") ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" ("status", "next_attempt_at")`);
    await q.query(`CREATE INDEX "webhook_deliveries_endpoint_id_idx" ON "webhook_deliveries" ("endpoint_id", "seq")`);
    await q.query(
      `CREATE INDEX "webhook_deliveries_ordering_idx" ON "webhook_deliveries" ("endpoint_id", "ordering_key", "seq")`,
    );
    // The check-in function writes the attendance.submitted outbox rows in its one statement.
    await applySqlFunction(q, 'attendance_check_in', '1f754e02c51d');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "webhook_deliveries"`);
    await q.query(`DROP TABLE "webhook_messages"`);
    await q.query(`DROP TABLE "webhook_endpoints"`);
  }
}
