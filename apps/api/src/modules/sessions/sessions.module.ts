import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { CourseSessionsController, MySessionsController, SessionsController } from './sessions.controller.js';
import { SessionCancelService } from './session-cancel.service.js';
import { SessionsService } from './sessions.service.js';
import { AuditModule } from '../audit/audit.module.js';
import { HolidaysController } from './holidays.controller.js';
import { HolidaysService } from './holidays.service.js';

@Module({
  imports: [AuditModule, NotificationsModule],
  controllers: [CourseSessionsController, SessionsController, MySessionsController, HolidaysController],
  providers: [SessionsService, SessionCancelService, HolidaysService],
  exports: [SessionsService, SessionCancelService],
})
export class SessionsModule {}
