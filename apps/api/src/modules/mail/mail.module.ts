import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { MAIL_CONFIG, loadMailConfig } from './mail.config.js';
import { MailAlertsService } from './mail-alerts.service.js';
import { MailOutboxService } from './mail-outbox.service.js';

/** Email through a transactional outbox (see MailOutboxService). Configured by SMTP_URL and MAIL_* variables. */
@Global()
@Module({
  providers: [
    {
      provide: MAIL_CONFIG,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => loadMailConfig(process.env, config.publicUrl),
    },
    MailOutboxService,
    MailAlertsService,
  ],
  exports: [MAIL_CONFIG, MailOutboxService, MailAlertsService],
})
export class MailModule {}
