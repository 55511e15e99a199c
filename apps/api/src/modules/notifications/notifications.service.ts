import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServerEvent } from '@sysponto/contracts';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { defineErrors } from '../../common/app-error.js';
import { pageOf } from '../../common/pagination.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import {
  type Locale,
  type NotificationParams,
  type NotificationType,
  renderNotification,
  toLocale,
} from './notification-messages.js';
import { NotificationEntity } from './notification.entity.js';
import { UserEntity } from '../users/user.entity.js';
import {
  type ListNotificationsQueryDto,
  type NotificationDto,
  type NotificationPageDto,
  toNotificationDto,
} from './notifications.dto.js';
import { insertNotifications } from './notifications.queries.js';

export const NotificationErrors = defineErrors({
  notFound: { code: 'notifications/not-found', status: 404, message: 'Notification not found.' },
});

/** A notification to create: its type and parameters (rendered per reader, see notification-messages.ts). */
export type NewNotification = {
  [T in NotificationType]: { userId: string; type: T; params: NotificationParams[T]; link?: string | null };
}[NotificationType];

@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly realtime: RealtimeService,
  ) {}

  /**
   * Persists notifications (inside the caller's transaction when given one). Push them with `publish` after the
   * transaction commits, so nobody is told about a change that was rolled back.
   */
  async create(items: NewNotification[], manager: EntityManager = this.dataSource.manager): Promise<NotificationDto[]> {
    if (items.length === 0) return [];
    // The stored title and body are the English rendering: what readers of the table (and old clients) see.
    const english = items.map((i) => renderNotification(i.type, i.params, 'en')!);
    const rows = await insertNotifications(
      manager,
      items.map((item, k) => ({
        userId: item.userId,
        type: item.type,
        title: english[k].title.slice(0, 200),
        body: english[k].body.slice(0, 1000),
        link: item.link ?? null,
        params: item.params,
      })),
    );
    return rows.map((r) => ({
      ...toNotificationDto(
        {
          id: r.id,
          type: r.type,
          title: r.title,
          body: r.body,
          link: r.link ?? null,
          params: r.params ?? null,
          readAt: null,
          createdAt: new Date(r.created_at),
        } as NotificationEntity,
        toLocale(r.locale),
      ),
      userId: r.user_id,
    })) as (NotificationDto & { userId: string })[];
  }

  /** Pushes `notification.created` to each owner's user room. */
  publish(created: NotificationDto[]) {
    for (const n of created as (NotificationDto & { userId: string })[]) {
      const { userId, ...payload } = n;
      this.realtime.toUser(userId, ServerEvent.NotificationCreated, payload);
    }
  }

  /** create + publish, for callers outside a transaction. */
  async notify(items: NewNotification[]): Promise<void> {
    this.publish(await this.create(items));
  }

  async list(userId: string, q: ListNotificationsQueryDto): Promise<NotificationPageDto> {
    const { page, pageSize, offset } = pageOf(q);
    const repo = this.dataSource.getRepository(NotificationEntity);
    const where = q.unread ? { userId, readAt: IsNull() } : { userId };
    const [rows, total] = await repo.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: offset,
      take: pageSize,
    });
    const unreadCount = q.unread ? total : await repo.count({ where: { userId, readAt: IsNull() } });
    const locale = await this.readerLocale(userId);
    return { items: rows.map((n) => toNotificationDto(n, locale)), total, page, pageSize, unreadCount };
  }

  async markRead(userId: string, id: string): Promise<NotificationDto> {
    const repo = this.dataSource.getRepository(NotificationEntity);
    await repo.update({ id, userId, readAt: IsNull() }, { readAt: () => 'now()' });
    const row = await repo.findOne({ where: { id, userId } });
    if (!row) throw NotificationErrors.notFound();
    return toNotificationDto(row, await this.readerLocale(userId));
  }

  /** The reader's stored language preference: notifications are rendered in it. */
  private async readerLocale(userId: string): Promise<Locale> {
    const u = await this.dataSource.manager.findOne(UserEntity, { select: { locale: true }, where: { id: userId } });
    return toLocale(u?.locale);
  }

  async markAllRead(userId: string): Promise<number> {
    const res = await this.dataSource
      .getRepository(NotificationEntity)
      .update({ userId, readAt: IsNull() }, { readAt: () => 'now()' });
    return res.affected ?? 0;
  }
}
