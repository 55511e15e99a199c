import { Module } from '@nestjs/common';
import { CourseSessionsController, MySessionsController, SessionsController } from './sessions.controller.js';
import { SessionCancelService } from './session-cancel.service.js';
import { SessionsService } from './sessions.service.js';

@Module({
  controllers: [CourseSessionsController, SessionsController, MySessionsController],
  providers: [SessionsService, SessionCancelService],
  exports: [SessionsService, SessionCancelService],
})
export class SessionsModule {}
