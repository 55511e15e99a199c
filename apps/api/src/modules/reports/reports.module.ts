import { Module } from '@nestjs/common';
import { CourseReportService } from './course-report.service.js';
import { ExportsService } from './exports.service.js';
import { OverviewService } from './overview.service.js';
import { warningThresholdFromEnv } from './report-math.js';
import { ReportsController } from './reports.controller.js';
import { WARNING_THRESHOLD } from './reports.tokens.js';

@Module({
  controllers: [ReportsController],
  providers: [
    // ATTENDANCE_WARNING_PERCENT is read here (validated, default 75) until it moves into the shared app config.
    { provide: WARNING_THRESHOLD, useFactory: () => warningThresholdFromEnv(process.env) },
    CourseReportService,
    OverviewService,
    ExportsService,
  ],
})
export class ReportsModule {}
