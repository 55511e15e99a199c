import { Module } from '@nestjs/common';
import { RevocationModule } from '../auth/revocation.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { CoursesController } from './courses.controller.js';
import { CoursesService } from './courses.service.js';
import { EnrollmentsController } from './enrollments.controller.js';
import { EnrollmentsService } from './enrollments.service.js';
import { AuditModule } from '../audit/audit.module.js';

@Module({
  imports: [AuditModule, NotificationsModule, RevocationModule],
  controllers: [CoursesController, EnrollmentsController],
  providers: [CoursesService, EnrollmentsService],
  exports: [CoursesService],
})
export class CoursesModule {}
