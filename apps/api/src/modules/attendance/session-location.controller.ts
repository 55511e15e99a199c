import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { GeoFixDto, SessionLocationDto } from './attendance.dto.js';
import { SessionLocationService } from './session-location.service.js';

@ApiTags('attendance')
@Roles(UserRole.Teacher, UserRole.Admin)
@Controller('sessions/:id/location')
export class SessionLocationController {
  constructor(private readonly locations: SessionLocationService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: "Set the room's location for the in-room check (course teachers and admins), from the teacher's device.",
    description:
      'Replaces the previous anchor. Used when the course policy `location.mode` is `flag` or `require`: a check-in is ' +
      '`in-range` when its distance to this anchor minus both accuracies is within `location.radiusMeters`. Deleted when ' +
      'the session closes (409 `attendance/session-closed` afterwards).',
  })
  @ApiOkResponse({ type: SessionLocationDto })
  @ApiAuth(400, 404, 409)
  setSessionLocation(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: GeoFixDto,
  ): Promise<SessionLocationDto> {
    return this.locations.set(user, id, body);
  }

  @Get()
  @ApiOperation({ summary: "The room's location set for the session (404 `attendance/no-location` when none)." })
  @ApiOkResponse({ type: SessionLocationDto })
  @ApiAuth(400, 404)
  getSessionLocation(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<SessionLocationDto> {
    return this.locations.get(user, id);
  }
}
