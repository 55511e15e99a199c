import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination.js';
import type { NotificationEntity } from './notification.entity.js';

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  /** e.g. attendance.validated, justification.reviewed, justification.submitted */
  @ApiProperty() type: string;
  @ApiProperty() title: string;
  @ApiProperty() body: string;
  /** SPA route to open. */
  @ApiProperty({ type: String, nullable: true }) link: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export function toNotificationDto(n: NotificationEntity): NotificationDto {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    body: n.body,
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
