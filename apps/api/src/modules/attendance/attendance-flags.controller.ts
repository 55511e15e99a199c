import { Controller, Delete, Param, ParseEnumPipe } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ATTENDANCE_FLAGS, AttendanceFlag, UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import { CommonErrors } from '../../common/app-error.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { RosterEntryDto } from './attendance.dto.js';
import { AttendanceFlagsService } from './attendance-flags.service.js';

/** The flag in the URL must be a known one: anything else is a 400 `validation/failed`. */
function parseFlag() {
  return new ParseEnumPipe(AttendanceFlag, {
    exceptionFactory: () =>
      CommonErrors.validation({
        message: `flag must be one of ${ATTENDANCE_FLAGS.join(', ')}`,
        details: [{ field: 'flag', messages: [`must be one of ${ATTENDANCE_FLAGS.join(', ')}`] }],
      }),
  });
}

@ApiTags('attendance')
@Roles(UserRole.Teacher, UserRole.Admin)
@Controller('sessions/:id/attendance/:studentId/flags')
export class AttendanceFlagsController {
  constructor(private readonly flags: AttendanceFlagsService) {}

  @Delete(':flag')
  @ApiOperation({
    summary: "Clear an integrity flag of a student's record after review (course teachers and admins).",
    description:
      'Audited. The flag is not raised again on this record. Pushes `attendance.flagged` with the remaining flags. ' +
      'Clearing a flag the record does not have changes nothing. 404 `attendance/no-record` without a record.',
  })
  @ApiParam({ name: 'flag', enum: ATTENDANCE_FLAGS, enumName: 'AttendanceFlag' })
  @ApiOkResponse({ type: RosterEntryDto })
  @ApiAuth(400, 404)
  clearAttendanceFlag(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Param('studentId', ParseId) studentId: string,
    @Param('flag', parseFlag()) flag: AttendanceFlag,
  ): Promise<RosterEntryDto> {
    return this.flags.clear(user, id, studentId, flag);
  }
}
