import { Injectable, Logger } from '@nestjs/common';
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
  private readonly logger = new Logger('SessionClose');

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
      const [s]: { state: string }[] = await m.query(`SELECT state FROM class_sessions WHERE id = $1`, [sessionId]);
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
        const due: { id: string }[] = await m.query(
          `SELECT id FROM class_sessions
            WHERE state NOT IN ('closed', 'cancelled') AND ends_at <= now() AND ends_at > COALESCE(reopened_at, created_at)
            ORDER BY ends_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batchSize],
        );
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
    const [s]: {
      course_id: string;
      code: string;
      title: string | null;
      starts_at: Date;
      ends_at: Date;
      late_at: Date;
      timezone: string;
      closed_at: Date;
    }[] = await m.query(
      `WITH closed AS (
         UPDATE class_sessions s SET state = 'closed', closed_at = now(), closed_by = $2, updated_at = now()
           FROM courses c
          WHERE s.id = $1 AND c.id = s.course_id AND s.state NOT IN ('closed', 'cancelled')
            AND now() >= session_checkin_opens_at(s.starts_at, c.checkin_opens_minutes)
          RETURNING s.course_id, c.code, s.title, s.starts_at, s.ends_at, s.starts_at + make_interval(mins => c.late_after_minutes) AS late_at, c.timezone, s.closed_at
       )
       SELECT * FROM closed`,
      [sessionId, actorId],
    );
    if (!s) return null;
    const reason = source === 'auto-close' ? 'session ended' : 'session closed';
    const validated = await validatePending(m, { sessionId, lateAfter: new Date(s.late_at), source, actorId, reason });
    // Those without a record become absent, or excused when they reported the absence in advance (approved).
    const missing = await markMissingAbsent(m, { sessionId, courseId: s.course_id, source, actorId, reason });
    const absent = missing.filter((c) => c.status === 'absent');
    await m.query(`UPDATE attendance_codes SET revoked_at = now() WHERE session_id = $1 AND revoked_at IS NULL`, [
      sessionId,
    ]);
    // The room's position is needed only while students check in (docs/privacy.md).
    await m.getRepository(SessionLocationAnchorEntity).delete({ sessionId });
    const changes = [...validated, ...missing];
    await enqueueWebhookEvent(
      m,
      'session.closed',
      {
        sessionId,
        courseId: s.course_id,
        state: 'closed',
        startsAt: new Date(s.starts_at).toISOString(),
        endsAt: new Date(s.ends_at).toISOString(),
        validated: validated.length,
        markedAbsent: absent.length,
      },
      sessionId,
    );
    const label = { courseCode: s.code, title: s.title, startsAt: new Date(s.starts_at), timezone: s.timezone };
    const created = await this.notifications.create(
      changes.map((c) => attendanceNotice(c, label)),
      m,
    );
    return {
      result: {
        sessionId,
        state: 'closed',
        closedAt: new Date(s.closed_at).toISOString(),
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
