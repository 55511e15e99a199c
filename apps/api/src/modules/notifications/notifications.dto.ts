import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';
import { type Locale, renderNotification } from './notification-messages.js';
import type { NotificationEntity } from './notification.entity.js';

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  /** e.g. attendance.validated, justification.reviewed, justification.submitted (docs/notifications.md). */
  @ApiProperty() type: string;
  /** In the reader's language (their profile's `locale`), rendered from `type` and `params`. */
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  /** The notification's parameters (course code, session start, status…); null for notifications from before. */
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true })
  params: Record<string, unknown> | null;
  /** SPA route to open. */
  @ApiProperty({ type: String, nullable: true }) link: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

/** The DTO for a reader: title and body in their locale; stored text for rows without parameters (older ones). */
export function toNotificationDto(n: NotificationEntity, locale: Locale): NotificationDto {
  const texts = renderNotification(n.type, n.params, locale);
  return {
    id: n.id,
    type: n.type,
    title: texts?.title ?? n.title,
    body: texts?.body ?? n.body,
    params: n.params ?? null,
    link: n.link,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}

export class NotificationPageDto extends PageMetaDto {
  @ApiProperty({ type: [NotificationDto] }) items: NotificationDto[];
  /** Unread notifications in total (for the badge). */
  @ApiProperty() unreadCount: number;
}

export class ListNotificationsQueryDto extends PageQueryDto {
  /** true: only unread ones. */
  @ApiPropertyOptional({ type: Boolean })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

export class ReadAllResultDto {
  /** How many were marked read. */
  @ApiProperty() updated: number;
}
