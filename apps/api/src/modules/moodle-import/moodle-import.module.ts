import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { MoodleImportController } from './moodle-import.controller.js';
import { MoodleImportService } from './moodle-import.service.js';

/** POST /api/courses/:id/import/moodle-attendance: a course's attendance from Moodle's export. */
@Module({ imports: [AuditModule], controllers: [MoodleImportController], providers: [MoodleImportService] })
export class MoodleImportModule {}
