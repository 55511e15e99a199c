import { Module } from '@nestjs/common';
import { AttendanceRecordsController } from './attendance-records.controller.js';
import { AttendanceRecordsService } from './attendance-records.service.js';

/** GET /api/attendance-records: the changes feed (see docs/integrations.md). */
@Module({ controllers: [AttendanceRecordsController], providers: [AttendanceRecordsService] })
export class AttendanceRecordsModule {}
