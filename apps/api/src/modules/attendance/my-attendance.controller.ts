import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { MyAttendanceDto, MyAttendanceQueryDto } from './attendance.dto.js';
import { MyAttendanceService } from './my-attendance.service.js';

@ApiTags('me')
@Controller('me')
export class MyAttendanceController {
  constructor(private readonly mine: MyAttendanceService) {}

  @Get('attendance')
  @Roles(UserRole.Student)
  @ApiOperation({
    summary: 'My attendance history (students) with rates per course and overall.',
    description:
      'Items: held sessions of my courses (closed, or already ended) and any session where I have a record, newest first; ' +
      'filters courseId, from/to (session start), status (a held session without a record counts as `absent`). ' +
      'Rates ignore filters and paging: rate = (present + late + pending) ÷ (held − excused), where held = sessions of my ' +
      'courses that are closed or have ended, a held session without a record counts as absent, and a pending check-in ' +
      '(not validated yet) counts as attended; null when nothing counts yet. The same formula as the course reports.',
  })
  @ApiOkResponse({ type: MyAttendanceDto })
  @ApiAuth(400)
  getMyAttendance(@CurrentUser() user: AuthUser, @Query() query: MyAttendanceQueryDto): Promise<MyAttendanceDto> {
    return this.mine.get(user.id, query);
  }
}
