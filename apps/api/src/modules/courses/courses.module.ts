import { Module } from '@nestjs/common';
import { RevocationModule } from '../auth/revocation.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { CoursesController } from './courses.controller.js';
import { CoursesService } from './courses.service.js';
import { EnrollmentsController } from './enrollments.controller.js';
import { EnrollmentsService } from './enrollments.service.js';

@Module({
  imports: [NotificationsModule, RevocationModule],
  controllers: [CoursesController, EnrollmentsController],
  providers: [CoursesService, EnrollmentsService],
  exports: [CoursesService],
})
export class CoursesModule {}
