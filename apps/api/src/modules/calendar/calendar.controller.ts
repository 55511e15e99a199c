import { Controller, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ApiAuth, ApiErrors } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser, Public } from '../../common/decorators.js';
import { CalendarFeedDto } from './calendar.dto.js';
import { CalendarService, FEED_FUTURE_DAYS, FEED_PAST_DAYS } from './calendar.service.js';

@ApiTags('calendar')
@Controller()
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  @Get('me/calendar-feed')
  @ApiOperation({
    summary: 'My private calendar feed URL (created on first use).',
    description:
      `An iCalendar URL with my class sessions (students: enrolled courses; teachers: taught courses) from ${FEED_PAST_DAYS} days ago ` +
      `to ${FEED_FUTURE_DAYS} days ahead, for Google Calendar, Outlook or Apple Calendar. The URL needs no sign-in: keep it private.`,
  })
  @ApiOkResponse({ type: CalendarFeedDto })
  @ApiAuth()
  getMyCalendarFeed(@CurrentUser() user: AuthUser): Promise<CalendarFeedDto> {
    return this.calendar.getFeed(user.id);
  }

  @Post('me/calendar-feed/regenerate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace my calendar feed URL; the old URL stops working at once.' })
  @ApiOkResponse({ type: CalendarFeedDto })
  @ApiAuth()
  regenerateMyCalendarFeed(@CurrentUser() user: AuthUser): Promise<CalendarFeedDto> {
    return this.calendar.regenerate(user.id);
  }

  @Get('calendar/:token.ics')
  @Public()
  @ApiOperation({
    summary: 'A calendar feed (iCalendar) by its private token. No sign-in: the token in the URL is the credential.',
    description:
      'Each event is one class session: UID = session id, times with the course time zone (TZID + VTIMEZONE), summary "CODE — course name (title)", location = room.',
  })
  @ApiParam({ name: 'token', description: 'The token from GET /api/me/calendar-feed (43 characters).' })
  @ApiProduces('text/calendar')
  @ApiOkResponse({ description: 'The iCalendar document.', schema: { type: 'string' } })
  @ApiErrors(404)
  async getCalendarFeed(
    @Param('token') token: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const body = await this.calendar.render(token);
    // Headers only on success: an error answer stays JSON.
    void reply
      .header('Content-Type', 'text/calendar; charset=utf-8')
      .header('Cache-Control', 'private, max-age=300')
      .header('Content-Disposition', 'inline; filename="sysponto.ics"');
    return body;
  }
}
