import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import { SessionCancelService } from './session-cancel.service.js';
import {
  CancelSessionDto,
  CreateSessionsDto,
  DeletedSessionsDto,
  ListCourseSessionsQueryDto,
  MySessionsDto,
  MySessionsQueryDto,
  SessionDto,
  CreatedSeriesDto,
  SessionPageDto,
  SessionScopeQueryDto,
  UpdateSessionDto,
} from './sessions.dto.js';
import { SessionsService } from './sessions.service.js';

@ApiTags('sessions')
@ApiExtraModels(SessionDto, CreatedSeriesDto)
@Controller('courses/:id/sessions')
export class CourseSessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOperation({
    summary:
      "A course's sessions overlapping [from, to) (anyone who sees the course). Search by title or room; sorted by start; paged.",
  })
  @ApiOkResponse({ type: SessionPageDto })
  @ApiAuth(400, 404)
  listCourseSessions(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: ListCourseSessionsQueryDto,
  ): Promise<SessionPageDto> {
    return this.sessions.listForCourse(user, id, query);
  }

  @Post()
  @ApiOperation({
    summary: 'Plan one session or a weekly series (teachers of the course, admins).',
    description:
      'One session: {startsAt, endsAt} (ISO 8601 with offset) → the session. Weekly series: {series: {weekdays, startTime, endTime, from, to, exceptDates?}} in the course time zone → {items, skipped}; ' +
      'a series skips its `exceptDates` and the holidays of the school calendar (`GET /api/holidays`), listed in `skipped`. ' +
      'each session keeps its local time across DST changes (a time inside a spring-forward gap moves forward by the gap). ' +
      'A session ends after it starts and lasts at most 12 hours (400 `sessions/invalid-times` / `sessions/invalid-series`); a series makes at most 400 sessions ' +
      '(400 `sessions/series-too-long`) and is same-day only (endTime after startTime). Sessions may lie in the past and may overlap.',
  })
  @ApiCreatedResponse({
    schema: { oneOf: [{ $ref: getSchemaPath(SessionDto) }, { $ref: getSchemaPath(CreatedSeriesDto) }] },
  })
  @ApiAuth(400, 404)
  createCourseSessions(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: CreateSessionsDto,
  ): Promise<SessionDto | CreatedSeriesDto> {
    return this.sessions.create(user, id, body);
  }
}

@ApiTags('sessions')
@Controller('sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly cancels: SessionCancelService,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'Get a session (teachers of its course, its enrolled students, admins).' })
  @ApiOkResponse({ type: SessionDto })
  @ApiAuth(400, 404)
  getSession(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<SessionDto> {
    return this.sessions.get(user, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Edit a session, or it and the rest of its series (teachers of the course, admins).',
    description:
      'scope=one (default): this session; startsAt/endsAt or startTime/endTime. scope=following: this session and the later sessions of its series that are not closed; ' +
      "title, room and startTime/endTime (local times of day in the course zone, applied on each session's own date). Times of a closed session cannot change (409 `sessions/closed`). " +
      'Answers the addressed session; re-read the list to see the others.',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiAuth(400, 404, 409)
  updateSession(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: SessionScopeQueryDto,
    @Body() body: UpdateSessionDto,
  ): Promise<SessionDto> {
    return this.sessions.update(user, id, query.scope ?? 'one', body);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel a session (teachers of the course, admins).',
    description:
      'State `cancelled` with the reason: never held, never counted in any rate, no check-in (its code is revoked). The enrolled students get a notification and ' +
      '`session.cancelled` (also pushed to the session room). A closed session cannot be cancelled (409 `sessions/closed`); cancelling twice is 409 `sessions/cancelled`.',
  })
  @ApiOkResponse({ type: SessionDto })
  @ApiAuth(400, 404, 409)
  async cancelSession(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Body() body: CancelSessionDto,
  ): Promise<SessionDto> {
    await this.cancels.cancel(user, id, body.reason);
    return this.sessions.load(id);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Delete a session, or it and the rest of its series (teachers of the course, admins).',
    description:
      'scope=following also deletes the later sessions of the series that are not closed. All or nothing: if any of them has attendance records or justifications, ' +
      'nothing is deleted and the answer is 409 `sessions/has-attendance` (close the session instead; details.sessionIds lists them).',
  })
  @ApiOkResponse({ type: DeletedSessionsDto })
  @ApiAuth(400, 404, 409)
  deleteSession(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseId) id: string,
    @Query() query: SessionScopeQueryDto,
  ): Promise<DeletedSessionsDto> {
    return this.sessions.remove(user, id, query.scope ?? 'one');
  }
}

@ApiTags('me')
@Controller('me')
export class MySessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get('sessions')
  @ApiOperation({
    summary:
      'My calendar: sessions overlapping [from, to) of the courses I am enrolled in (students), teach (teachers), or all (admins).',
    description:
      'At most 366 days per request (400 `sessions/range-too-long`) and 2000 sessions (then truncated=true); sorted by start.',
  })
  @ApiOkResponse({ type: MySessionsDto })
  @ApiAuth(400)
  listMySessions(@CurrentUser() user: AuthUser, @Query() query: MySessionsQueryDto): Promise<MySessionsDto> {
    return this.sessions.listMine(user, query);
  }
}
