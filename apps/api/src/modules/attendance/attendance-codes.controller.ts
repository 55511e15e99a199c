import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { AttendanceCodeDto, CreateCodeDto } from './attendance.dto.js';
import { AttendanceCodesService } from './attendance-codes.service.js';

@ApiTags('attendance')
@Roles(UserRole.Teacher, UserRole.Admin)
@Controller('sessions/:id/codes')
export class AttendanceCodesController {
  constructor(private readonly codes: AttendanceCodesService) {}

  @Post()
  @ApiOperation({
    summary: 'Generate the check-in code of a session (course teachers and admins), replacing the active one.',
    description:
      'Only while the session is open for check-in (from `checkinOpensMinutes` before the start until the end, not closed). ' +
      '`fixed`: 6 characters from an unambiguous alphabet, valid `validityMinutes` (default: the course policy). ' +
      '`rotating`: the shown code changes every `rotationSeconds` (HMAC of a per-code secret and the time slot); the previous ' +
      'one is still accepted for a few seconds; valid until the session ends unless `validityMinutes` is given. ' +
      'Pushes `code.rotated` to the session room.',
  })
  @ApiCreatedResponse({ type: AttendanceCodeDto })
  @ApiAuth(400, 404, 409)
  createAttendanceCode(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: CreateCodeDto,
  ): Promise<AttendanceCodeDto> {
    return this.codes.create(user, id, body);
  }

  @Get('current')
  @ApiOperation({ summary: 'The active code of a session, as shown now (rotating: the current slot, with rotatesAt).' })
  @ApiOkResponse({ type: AttendanceCodeDto })
  @ApiAuth(400, 404)
  getCurrentAttendanceCode(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
  ): Promise<AttendanceCodeDto> {
    return this.codes.current(user, id);
  }

  @Delete('current')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke the active code at once (check-ins with it fail as expired). Pushes `code.revoked`.',
  })
  @ApiNoContentResponse()
  @ApiAuth(400, 404)
  revokeAttendanceCode(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<void> {
    return this.codes.revoke(user, id);
  }
}
