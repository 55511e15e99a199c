import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser } from '../../common/decorators.js';
import { AttendanceRecordChangesDto, AttendanceRecordChangesQueryDto } from './attendance-records.dto.js';
import { AttendanceRecordsService } from './attendance-records.service.js';

@ApiTags('attendance')
@Controller('attendance-records')
export class AttendanceRecordsController {
  constructor(private readonly records: AttendanceRecordsService) {}

  @Get()
  @ApiOperation({
    summary: 'The attendance changes feed (synchronisation).',
    description:
      'Every attendance record that changed, oldest change first, keyset-paginated: store `nextCursor` and send it as ' +
      '`cursor` next time to get exactly the changes since (none missed, none repeated; a record changed again comes ' +
      'again). `nextCursor` is returned on every page, also an empty one; `hasMore` says whether to fetch the next page ' +
      'now or poll later. Filters courseId, sessionId, studentId, updatedSince (keep the same filters while following a ' +
      'cursor). Scope: admins see every record, teachers their courses, students their own; API keys need ' +
      '`attendance:read`. Changes appear once the transaction that made them — and any older one still running — has ' +
      'ended (normally within milliseconds). `attendance-records/cursor-invalid` (400) for a cursor not made here.',
  })
  @ApiOkResponse({ type: AttendanceRecordChangesDto })
  @ApiAuth(400)
  listAttendanceRecordChanges(
    @CurrentUser() user: AuthUser,
    @Query() query: AttendanceRecordChangesQueryDto,
  ): Promise<AttendanceRecordChangesDto> {
    return this.records.changes(user, query);
  }
}
