import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import {
  AttendanceEventPageDto,
  BulkUpdateResultDto,
  CloseSessionResultDto,
  ReopenSessionResultDto,
  ListAttendanceEventsQueryDto,
  LockoutClearedDto,
  RosterDto,
  RosterEntryDto,
  UpdateAttendanceDto,
} from './attendance.dto.js';
import { SessionAttendanceService } from './session-attendance.service.js';
import { SessionCloseService } from './session-close.service.js';
import { SessionReopenService } from './session-reopen.service.js';
import { CheckInLockoutService } from './check-in-lockout.service.js';

@ApiTags('attendance')
@Roles(UserRole.Teacher, UserRole.Admin)
@Controller('sessions/:id')
export class SessionAttendanceController {
  constructor(
    private readonly attendance: SessionAttendanceService,
    private readonly closer: SessionCloseService,
    private readonly reopener: SessionReopenService,
    private readonly lockout: CheckInLockoutService,
  ) {}

  @Get('attendance')
  @ApiOperation({
    summary:
      'Live roster: every enrolled student with their status (null = no record yet), missing first, then by name.',
    description:
      'Course teachers and admins. Watch the session room (`session.watch`) for `attendance.submitted` and `attendance.updated`.',
  })
  @ApiOkResponse({ type: RosterDto })
  @ApiAuth(400, 404)
  getSessionRoster(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<RosterDto> {
    return this.attendance.roster(user, id);
  }

  @Patch('attendance/:studentId')
  @ApiOperation({
    summary: "Validate or override a student's status (present, late, absent, excused) with an optional note.",
    description:
      'Late rule: `present` for a student who checked in after startsAt + lateAfterMinutes is stored as `late` unless ' +
      '`override: true`. Works before and after closing. Writes an event, pushes `attendance.updated` (session room and the ' +
      'student) and notifies the student. A change made offline and sent later carries `recordedAt` (and an ' +
      '`Idempotency-Key`): the later change by server time wins, 409 `attendance/offline-conflict` otherwise.',
  })
  @ApiOkResponse({ type: RosterEntryDto })
  @ApiAuth(400, 404, 409)
  updateStudentAttendance(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Param('studentId', ParseId) studentId: string,
    @Body() body: UpdateAttendanceDto,
  ): Promise<RosterEntryDto> {
    return this.attendance.update(user, id, studentId, body);
  }

  @Delete('attendance/:studentId/lockout')
  @ApiOperation({
    summary: 'Let a student locked out of check-in (too many wrong codes) try again: clears their limit (audited).',
    description:
      'Course teachers and admins, for a student of the roster. Pushes `attendance.lockout-cleared` to the session room ' +
      'and to the student. To record them instead, mark them with `PATCH …/attendance/:studentId`.',
  })
  @ApiOkResponse({ type: LockoutClearedDto })
  @ApiAuth(400, 404)
  clearCheckInLockout(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Param('studentId', ParseId) studentId: string,
  ): Promise<LockoutClearedDto> {
    return this.lockout.clear(user, id, studentId);
  }

  @Post('attendance/validate-all')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Validate every pending check-in: present, or late when checked in after startsAt + lateAfterMinutes.',
  })
  @ApiOkResponse({ type: BulkUpdateResultDto })
  @ApiAuth(400, 404)
  validateAllAttendance(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<BulkUpdateResultDto> {
    return this.attendance.validateAll(user, id);
  }

  @Get('attendance/events')
  @ApiOperation({
    summary:
      "The session's append-only attendance event log (who, from, to, why, when), newest first; filter by student.",
  })
  @ApiOkResponse({ type: AttendanceEventPageDto })
  @ApiAuth(400, 404)
  listAttendanceEvents(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: ListAttendanceEventsQueryDto,
  ): Promise<AttendanceEventPageDto> {
    return this.attendance.events(user, id, query);
  }

  @Post('close')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Close the session: pending check-ins are validated (present/late), enrolled students without a record become absent.',
    description:
      'One transaction; an event and a notification per change; codes revoked. Allowed once check-in has opened ' +
      '(409 `attendance/session-not-started` before) and only once (409 `attendance/session-closed`). Sessions also close ' +
      'automatically when they end (source `auto-close`), except sessions created after their end (recorded afterwards): their teacher closes those.',
  })
  @ApiOkResponse({ type: CloseSessionResultDto })
  @ApiAuth(400, 404, 409)
  closeSession(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<CloseSessionResultDto> {
    return this.closer.close(user, id);
  }

  @Post('reopen')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reopen a closed session (teachers of the course, admins).',
    description:
      'Only a closed session (409 `attendance/session-not-closed` otherwise). The records stay as the close left them (absences too, until changed); ' +
      'each gets a `session reopened` line in the attendance event log; audited `session.reopened`. While the check-in window is open the session is open again ' +
      "with a fresh code of its last code's mode (pushed as when a code is generated, webhook `session.opened`); after its end it stays reopened until its teacher closes it " +
      '(the automatic close leaves it).',
  })
  @ApiOkResponse({ type: ReopenSessionResultDto })
  @ApiAuth(400, 404, 409)
  reopenSession(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<ReopenSessionResultDto> {
    return this.reopener.reopen(user, id);
  }
}
