import { Module } from '@nestjs/common';
import { CourseSessionsController, MySessionsController, SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';

@Module({
  controllers: [CourseSessionsController, SessionsController, MySessionsController],
  providers: [SessionsService],
  exports: [SessionsService],
})
export class SessionsModule {}
