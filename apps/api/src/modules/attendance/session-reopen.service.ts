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
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { AttendanceCodeEntity } from './attendance-code.entity.js';
import { logSessionReopened } from './status-change.queries.js';

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
      const { raw } = await m
        .createQueryBuilder()
        .update(ClassSessionEntity)
        .set({ state: 'scheduled', closedAt: null, closedBy: null, reopenedAt: () => 'now()', reopenedBy: user.id })
        .where(`id = :sessionId AND state = 'closed'`, { sessionId })
        .returning('reopened_at')
        .execute();
      const [s] = raw as { reopened_at: Date }[];
      if (!s) throw AttendanceErrors.sessionNotClosed();
      // The new code takes the mode of the last one.
      const last = await m.findOne(AttendanceCodeEntity, {
        select: { id: true, mode: true },
        where: { sessionId },
        order: { createdAt: 'DESC' },
      });
      const records = await logSessionReopened(m, sessionId, user.id);
      await this.audit.record(m, {
        action: 'session.reopened',
        targetType: 'session',
        targetId: sessionId,
        summary: { courseId: ctx.courseId, records },
      });
      const opened = await this.codes.openInTransaction(m, ctx, { mode: last?.mode ?? CodeMode.Fixed }, user.id, true);
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
