import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AttendanceSource, ServerEvent } from '@sysponto/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { NotificationDto } from '../notifications/notifications.dto.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { AttendanceChangesService } from './attendance-changes.service.js';
import { attendanceNotice } from './attendance-notices.js';
import type { CloseSessionResultDto } from './attendance.dto.js';
import { AttendanceErrors } from './attendance.errors.js';
import { SessionLocationAnchorEntity } from './session-location-anchor.entity.js';
import { type AppliedChange, markMissingAbsent, validatePending } from './status-change.js';
import { enqueueWebhookEvent } from '../webhooks/webhooks.queries.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { revokeActiveCodes } from './attendance-codes.queries.js';
import { closeSessionRow } from './session-close.queries.js';

interface Closed {
  result: CloseSessionResultDto;
  changes: AppliedChange[];
  created: NotificationDto[];
}

/**
 * Closing a session, by a teacher or automatically at its end, in one transaction: the state becomes closed (an
 * `UPDATE … WHERE state <> 'closed'` — only one closer wins, on any number of replicas), pending check-ins are
 * validated (present/late), every enrolled student without a record becomes absent, codes are revoked; an event and
 * a notification per change. Pushes go out after commit.
 */
@Injectable()
export class SessionCloseService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly realtime: RealtimeService,
    private readonly notifications: NotificationsService,
    private readonly attendance: AttendanceChangesService,
    private readonly audit: AuditService,
  ) {}

  async close(user: AuthUser, sessionId: string): Promise<CloseSessionResultDto> {
    await this.access.assertSessionStaff(user, sessionId);
    const closed = await this.dataSource.transaction(async (m) => {
      const done = await this.closeInTransaction(m, sessionId, user.id, 'teacher');
      if (done) {
        const { validated, markedAbsent } = done.result;
        await this.audit.record(m, {
          action: 'session.closed',
          targetType: 'session',
          targetId: sessionId,
          summary: { validated, markedAbsent },
        });
        return done;
      }
      const s = await m.findOne(ClassSessionEntity, { select: { id: true, state: true }, where: { id: sessionId } });
      if (s?.state === 'cancelled') throw AttendanceErrors.sessionCancelled();
      throw s?.state === 'closed' ? AttendanceErrors.sessionClosed() : AttendanceErrors.sessionNotStarted();
    });
    this.publish(closed);
    return closed.result;
  }

  /**
   * Closes every session that has ended, a batch at a time. Sessions created after their end (a class recorded
   * afterwards) are left for their teacher to fill in and close: closing them at once would mark everyone absent. Safe to run on every replica at once: rows are claimed
   * with FOR UPDATE SKIP LOCKED and the closing UPDATE only matches sessions that are not closed yet.
   */
  async closeEndedSessions(batchSize = 50): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.dataSource.transaction(async (m) => {
        const due = await m
          .getRepository(ClassSessionEntity)
          .createQueryBuilder('s')
          .select('s.id')
          .where(`s.state NOT IN ('closed', 'cancelled') AND s.endsAt <= now()`)
          .andWhere('s.endsAt > COALESCE(s.reopenedAt, s.createdAt)')
          .orderBy('s.endsAt')
          .limit(batchSize)
          .setLock('pessimistic_write')
          .setOnLocked('skip_locked')
          .getMany();
        const out: Closed[] = [];
        for (const { id } of due) {
          const done = await this.closeInTransaction(m, id, null, 'auto-close');
          if (done) out.push(done);
        }
        return { due: due.length, out };
      });
      for (const c of batch.out) this.publish(c);
      total += batch.out.length;
      if (batch.due < batchSize) return total;
    }
  }

  /** null when the session is already closed or its check-in has not opened yet. */
  private async closeInTransaction(
    m: EntityManager,
    sessionId: string,
    actorId: string | null,
    source: AttendanceSource,
  ): Promise<Closed | null> {
    const s = await closeSessionRow(m, sessionId, actorId);
    if (!s) return null;
    const reason = source === 'auto-close' ? 'session ended' : 'session closed';
    const validated = await validatePending(m, { sessionId, lateAfter: s.lateAt, source, actorId, reason });
    // Those without a record become absent, or excused when they reported the absence in advance (approved).
    const missing = await markMissingAbsent(m, { sessionId, courseId: s.courseId, source, actorId, reason });
    const absent = missing.filter((c) => c.status === 'absent');
    await revokeActiveCodes(m, sessionId);
    // The room's position is needed only while students check in (docs/privacy.md).
    await m.getRepository(SessionLocationAnchorEntity).delete({ sessionId });
    const changes = [...validated, ...missing];
    await enqueueWebhookEvent(
      m,
      'session.closed',
      {
        sessionId,
        courseId: s.courseId,
        state: 'closed',
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
        validated: validated.length,
        markedAbsent: absent.length,
      },
      sessionId,
    );
    const label = { courseCode: s.code, title: s.title, startsAt: s.startsAt, timezone: s.timezone };
    const created = await this.notifications.create(
      changes.map((c) => attendanceNotice(c, label)),
      m,
    );
    return {
      result: {
        sessionId,
        state: 'closed',
        closedAt: s.closedAt!.toISOString(),
        validated: validated.length,
        markedAbsent: absent.length,
      },
      changes,
      created,
    };
  }

  private publish(c: Closed) {
    this.realtime.toSession(c.result.sessionId, ServerEvent.CodeRevoked, {
      sessionId: c.result.sessionId,
      reason: 'closed',
    });
    const { sessionId } = c.result;
    void this.realtime.toSessionStudents(sessionId, ServerEvent.SessionClosed, (courseId) => ({
      sessionId,
      courseId,
      state: 'closed',
    }));
    this.attendance.publish(c.changes, c.created);
  }
}
