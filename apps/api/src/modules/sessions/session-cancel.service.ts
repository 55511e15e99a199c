import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServerEvent } from '@sysponto/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { NotificationDto } from '../notifications/notifications.dto.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { ClassSessionEntity } from './class-session.entity.js';
import { cancelSessionRows, type CancelledSessionRow } from './sessions.queries.js';
import { SessionErrors } from './sessions.errors.js';

export interface CancelOutcome {
  rows: CancelledSessionRow[];
  created: NotificationDto[];
}

/**
 * Cancelling sessions (a teacher or admin, or a holiday): state `cancelled` with who, when and why, codes revoked,
 * the enrolled students told (a notification each), all in the caller's transaction; `publish` pushes after commit.
 * A cancelled session is never held and never counted (`attendance_expected` leaves it out).
 */
@Injectable()
export class SessionCancelService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly realtime: RealtimeService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  async cancel(user: AuthUser, sessionId: string, reason: string): Promise<void> {
    const outcome = await this.dataSource.transaction(async (m) => {
      await this.access.assertSessionStaff(user, sessionId, m);
      const s = await m
        .getRepository(ClassSessionEntity)
        .createQueryBuilder('s')
        .select(['s.id', 's.state'])
        .where('s.id = :sessionId', { sessionId })
        .setLock('pessimistic_write')
        .getOne();
      if (s?.state === 'closed') throw SessionErrors.closedCannotCancel();
      if (s?.state === 'cancelled') throw SessionErrors.alreadyCancelled();
      return this.cancelInTransaction(m, [sessionId], user.id, reason);
    });
    this.publish(outcome);
  }

  /** Cancels the given sessions that are neither closed nor cancelled yet; returns what to push after commit. */
  async cancelInTransaction(
    m: EntityManager,
    sessionIds: string[],
    actorId: string,
    reason: string,
  ): Promise<CancelOutcome> {
    const rows = await cancelSessionRows(m, sessionIds, actorId, reason);
    await this.audit.record(
      m,
      rows.map((r) => ({
        action: 'session.cancelled' as const,
        targetType: 'session',
        targetId: r.id,
        summary: { courseCode: r.course_code, reason },
      })),
    );
    const created = await this.notifications.create(
      rows.flatMap((r) =>
        r.student_ids.map((userId) => ({
          userId,
          type: 'session.cancelled' as const,
          params: {
            courseCode: r.course_code,
            title: r.title,
            startsAt: new Date(r.starts_at).toISOString(),
            timezone: r.timezone,
            reason,
          },
          link: '/calendar',
        })),
      ),
      m,
    );
    return { rows, created };
  }

  publish({ rows, created }: CancelOutcome) {
    for (const r of rows) {
      const payload = {
        sessionId: r.id,
        courseId: r.course_id,
        state: 'cancelled' as const,
        reason: r.cancel_reason,
      };
      this.realtime.toSession(r.id, ServerEvent.SessionCancelled, payload);
      this.realtime.toUser(r.student_ids, ServerEvent.SessionCancelled, payload);
      this.realtime.toSession(r.id, ServerEvent.CodeRevoked, { sessionId: r.id, reason: 'revoked' });
    }
    this.notifications.publish(created);
  }
}
