import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AttendanceModule } from '../attendance/attendance.module.js';
import { MailModule } from '../mail/mail.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { StorageModule } from '../storage/storage.module.js';
import { JustificationFilingService } from './justification-filing.service.js';
import { JustificationReviewService } from './justification-review.service.js';
import { JustificationsController } from './justifications.controller.js';
import { JustificationEntity } from './justification.entity.js';
import { JustificationsService } from './justifications.service.js';
import { AuditModule } from '../audit/audit.module.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([JustificationEntity]),
    AuditModule,
    AttendanceModule,
    MailModule,
    NotificationsModule,
    StorageModule,
  ],
  controllers: [JustificationsController],
  providers: [JustificationsService, JustificationFilingService, JustificationReviewService],
  exports: [JustificationsService],
})
export class JustificationsModule {}
