import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { CourseSessionsController, MySessionsController, SessionsController } from './sessions.controller.js';
import { SessionCancelService } from './session-cancel.service.js';
import { SessionsService } from './sessions.service.js';
import { AuditModule } from '../audit/audit.module.js';

@Module({
  imports: [AuditModule, NotificationsModule],
  controllers: [CourseSessionsController, SessionsController, MySessionsController],
  providers: [SessionsService, SessionCancelService],
  exports: [SessionsService, SessionCancelService],
})
export class SessionsModule {}
