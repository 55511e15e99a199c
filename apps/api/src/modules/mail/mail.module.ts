import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailAlertsService } from './mail-alerts.service.js';
import { MailOutboxEntity } from './mail-outbox.entity.js';
import { MailOutboxService } from './mail-outbox.service.js';

/** Email through a transactional outbox (see MailOutboxService). Configured by SMTP_URL and MAIL_* variables. */
@Module({
  imports: [TypeOrmModule.forFeature([MailOutboxEntity])],
  providers: [MailOutboxService, MailAlertsService],
  exports: [MailOutboxService, MailAlertsService],
})
export class MailModule {}
