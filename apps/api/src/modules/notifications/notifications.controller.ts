import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../../common/api-errors.decorator.js';
import type { AuthUser } from '../../common/auth-user.js';
import { CurrentUser } from '../../common/decorators.js';
import { ParseId } from '../../common/uuid.pipe.js';
import {
  ListNotificationsQueryDto,
  NotificationDto,
  NotificationPageDto,
  ReadAllResultDto,
} from './notifications.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({ summary: 'My notifications, newest first (unread=true for unread only), with the unread count.' })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiAuth(400)
  listNotifications(
    @CurrentUser() user: AuthUser,
    @Query() query: ListNotificationsQueryDto,
  ): Promise<NotificationPageDto> {
    return this.notifications.list(user.id, query);
  }

  @Post('read-all')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark all my notifications read.' })
  @ApiOkResponse({ type: ReadAllResultDto })
  @ApiAuth()
  async markAllNotificationsRead(@CurrentUser() user: AuthUser): Promise<ReadAllResultDto> {
    return { updated: await this.notifications.markAllRead(user.id) };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one of my notifications read.' })
  @ApiOkResponse({ type: NotificationDto })
  @ApiAuth(400, 404)
  markNotificationRead(@CurrentUser() user: AuthUser, @Param('id', ParseId) id: string): Promise<NotificationDto> {
    return this.notifications.markRead(user.id, id);
  }
}
