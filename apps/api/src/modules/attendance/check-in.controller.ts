import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { UserRole } from '@sysponto/contracts';
import type { FastifyReply } from 'fastify';
import { ApiAuth, ApiErrors } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Roles } from '../../common/decorators.js';
import { CheckInDto, CheckInResultDto } from './attendance.dto.js';
import { CheckInService } from './check-in.service.js';

@ApiTags('attendance')
@Controller('check-ins')
export class CheckInController {
  constructor(private readonly checkIns: CheckInService) {}

  @Post()
  @Roles(UserRole.Student)
  @ApiOperation({
    summary: 'Check in with the code alone (students).',
    description:
      'The server finds the session of one of your courses whose active code matches and that is open for check-in. ' +
      '201 with the new record (pending when the course validates check-ins, else present/late); 200 with the same record ' +
      'when you already have one (idempotent). Errors: `attendance/code-invalid` (400) for a code that matches nothing of ' +
      'yours; `attendance/code-expired` (410) and `attendance/session-not-open` (409) only for your own sessions; ' +
      '`attendance/too-many-attempts` (429, Retry-After) after 5 wrong codes in 10 minutes. Valid check-ins are never throttled. ' +
      'Integrity (docs/privacy.md): `deviceId` is stored only as a per-session keyed hash, and one device checking in two or ' +
      'more students flags each of their records `shared-device`; with the course policy `location.mode` on, `location` is ' +
      'turned into a verdict (only the verdict is stored) — `require` refuses an out-of-range check-in with 403 ' +
      '`attendance/out-of-range` (not counted as a wrong code). Flags never block a check-in.',
  })
  @ApiCreatedResponse({ type: CheckInResultDto, description: 'Checked in' })
  @ApiOkResponse({ type: CheckInResultDto, description: 'Already checked in: the existing record' })
  @ApiAuth(400, 409, 429)
  @ApiErrors(410)
  async checkIn(
    @CurrentUser() user: AuthUser,
    @Body() body: CheckInDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckInResultDto> {
    const { created, result } = await this.checkIns.checkIn(user, body);
    void reply.status(created ? 201 : 200);
    return result;
  }
}
