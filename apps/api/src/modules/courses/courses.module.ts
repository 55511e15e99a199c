import { Module } from '@nestjs/common';
import { CoursesController } from './courses.controller.js';
import { CoursesService } from './courses.service.js';
import { EnrollmentsController } from './enrollments.controller.js';
import { EnrollmentsService } from './enrollments.service.js';

@Module({
  controllers: [CoursesController, EnrollmentsController],
  providers: [CoursesService, EnrollmentsService],
  exports: [CoursesService],
})
export class CoursesModule {}
