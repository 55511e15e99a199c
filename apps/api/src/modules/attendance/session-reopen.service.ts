import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CodeMode } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { AuditService } from '../audit/audit.service.js';
import { AttendanceCodesService } from './attendance-codes.service.js';
import type { ReopenSessionResultDto } from './attendance.dto.js';
import { AttendanceErrors } from './attendance.errors.js';

/**
 * Reopening a closed session (its teacher or an admin), in one transaction: the state is no longer closed, the records
 * stay as the close left them (absences too, until someone changes them), every record gets a `session reopened`
 * line in the attendance event log, and the audit trail `session.reopened`. While the check-in window is open the
 * session opens as when its first code is generated (the same open path and push, a fresh code of the last code's
 * mode); after its end it waits for its teacher to close it again (the auto-close leaves it, see SessionCloseService).
 */
@Injectable()
export class SessionReopenService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly codes: AttendanceCodesService,
    private readonly audit: AuditService,
  ) {}

  async reopen(user: AuthUser, sessionId: string): Promise<ReopenSessionResultDto> {
    const { reopenedAt, row } = await this.dataSource.transaction(async (m) => {
      const ctx = await this.access.assertSessionStaff(user, sessionId, m);
      const [s]: { reopened_at: Date; last_mode: CodeMode | null }[] = await m.query(
        // (WITH … SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].)
        `WITH u AS (
           UPDATE class_sessions
              SET state = 'scheduled', closed_at = NULL, closed_by = NULL, reopened_at = now(), reopened_by = $2, updated_at = now()
            WHERE id = $1 AND state = 'closed'
           RETURNING id, reopened_at
         )
         SELECT u.reopened_at,
                (SELECT mode FROM attendance_codes WHERE session_id = u.id ORDER BY created_at DESC LIMIT 1) AS last_mode
           FROM u`,
        [sessionId, user.id],
      );
      if (!s) throw AttendanceErrors.sessionNotClosed();
      const logged: { n: number }[] = await m.query(
        `WITH ev AS (
           INSERT INTO attendance_events (session_id, student_id, from_status, to_status, source, actor_id, reason)
           SELECT session_id, student_id, status, status, 'teacher', $2, 'session reopened'
             FROM attendance_records WHERE session_id = $1
           RETURNING 1
         ) SELECT count(*)::int AS n FROM ev`,
        [sessionId, user.id],
      );
      await this.audit.record(m, {
        action: 'session.reopened',
        targetType: 'session',
        targetId: sessionId,
        summary: { courseId: ctx.courseId, records: logged[0]?.n ?? 0 },
      });
      const opened = await this.codes.openInTransaction(m, ctx, { mode: s.last_mode ?? CodeMode.Fixed }, user.id, true);
      return { reopenedAt: new Date(s.reopened_at), row: opened };
    });
    const code = row ? this.codes.publishOpened(row) : null;
    return {
      sessionId,
      state: code ? 'open' : 'scheduled',
      reopenedAt: reopenedAt.toISOString(),
      code,
    };
  }
}
