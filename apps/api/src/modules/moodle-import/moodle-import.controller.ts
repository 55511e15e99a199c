import { Controller, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { AcceptsMultipart } from '../../common/input-limits.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { MoodleImportQueryDto, MoodleImportReportDto } from './moodle-import.dto.js';
import { MoodleImportService } from './moodle-import.service.js';

@ApiTags('courses')
@Roles(UserRole.Admin, UserRole.Teacher)
@Controller('courses')
export class MoodleImportController {
  constructor(private readonly importer: MoodleImportService) {}

  @Post(':id/import/moodle-attendance')
  @AcceptsMultipart()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Import a course's attendance from Moodle's attendance export (teacher of the course or admin), with a dry-run preview.",
    description:
      'The file is the export of Moodle\'s attendance activity (Export → "Download in text format", or "Download in Excel format" as .xlsx; a copy saved as CSV works too), ' +
      'sent as multipart/form-data in the field `file` (≤ 2 MB, ≤ 5000 students, ≤ 400 sessions, ≤ 50000 statuses). It needs the "Email address" or "ID number" column ' +
      '(tick them under "Identify by"): students are matched by email, else by ID number against the student number, and must be enrolled in the course. ' +
      "Each session column (`5 Oct 2026 9.00AM All students`) becomes a closed session starting then (read in the course's timezone, or `timezone`) and lasting `durationMinutes`; " +
      "each cell's status acronym becomes a record with source `import` through `mapping` (default P=present, L=late, E=excused, A=absent); `?` (not taken) and empty cells are skipped, " +
      "and a session nobody has a status in is not created. A remarks column becomes the record's note. " +
      "dryRun=true (the default) returns the preview — the sessions and records to create, every row's and session's problems — and writes nothing. " +
      'dryRun=false imports everything in one transaction (audited; `attendance.updated` and `session.closed` webhooks; the changes feed shows the records), or — if there is any problem — ' +
      'nothing (400 `moodle-import/invalid-rows` with the report in details). A session already in the course at the same time is a problem, so importing a file twice is refused. ' +
      "A student's current enrollment that began after their first imported session is moved back to it, so the imported sessions count in their rates.",
    requestBody: {
      required: true,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object',
            required: ['file'],
            properties: {
              file: {
                type: 'string',
                format: 'binary',
                description: "Moodle attendance's export: .txt (tab-separated), .csv or .xlsx; ≤ 2 MB",
              },
            },
          },
        },
      },
    },
  })
  @ApiOkResponse({ type: MoodleImportReportDto })
  @ApiAuth(400, 404, 409, 413, 415)
  importMoodleAttendance(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Req() req: FastifyRequest,
    @Query() query: MoodleImportQueryDto,
  ): Promise<MoodleImportReportDto> {
    return this.importer.import(user, id, req, query);
  }
}
