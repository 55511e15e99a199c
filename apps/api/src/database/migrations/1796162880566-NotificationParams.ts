import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notifications keep their type and parameters (`params`), so each reader gets the texts in their language
 * (docs/notifications.md). Rows from before have none and keep their stored title and body.
 */
export class NotificationParams1796162880566 implements MigrationInterface {
  name = 'NotificationParams1796162880566';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" ADD "params" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "notifications" DROP COLUMN "params"`);
  }
}
