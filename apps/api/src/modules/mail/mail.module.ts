import { Module } from '@nestjs/common';
import { MailAlertsService } from './mail-alerts.service.js';
import { MailOutboxService } from './mail-outbox.service.js';

/** Email through a transactional outbox (see MailOutboxService). Configured by SMTP_URL and MAIL_* variables. */
@Module({
  providers: [MailOutboxService, MailAlertsService],
  exports: [MailOutboxService, MailAlertsService],
})
export class MailModule {}
