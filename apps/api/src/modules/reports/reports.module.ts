import { Module } from '@nestjs/common';
import { CourseReportService } from './course-report.service.js';
import { ExportsService } from './exports.service.js';
import { OverviewService } from './overview.service.js';
import { ReportsController } from './reports.controller.js';

@Module({
  controllers: [ReportsController],
  providers: [CourseReportService, OverviewService, ExportsService],
})
export class ReportsModule {}
