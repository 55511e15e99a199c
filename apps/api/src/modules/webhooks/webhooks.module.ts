import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { WEBHOOKS_CONFIG } from '../../config/webhooks.config.js';
import { WebhookDispatcher } from './webhook-dispatcher.service.js';
import { WebhookDeliveriesController, WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhooks per the Standard Webhooks specification: admin CRUD, the outbox (webhooks.queries.ts, written by the
 * services in their transactions and by the check-in SQL function), and the delivery worker on every replica.
 */
@Module({
  imports: [NotificationsModule, AuditModule],
  controllers: [WebhooksController, WebhookDeliveriesController],
  providers: [
    { provide: WEBHOOKS_CONFIG, useFactory: (c: AppConfig) => c.webhooks, inject: [APP_CONFIG] },
    WebhookDispatcher,
    WebhooksService,
  ],
  exports: [WebhookDispatcher],
})
export class WebhooksModule {}
