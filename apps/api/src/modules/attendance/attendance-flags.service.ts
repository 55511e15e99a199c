import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { type AttendanceFlag, ServerEvent } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AuditService } from '../audit/audit.service.js';
import type { RosterEntryDto } from './attendance.dto.js';
import { AttendanceErrors } from './attendance.errors.js';
import { ROSTER_ENTRY_SQL, type RosterRow, toEntry } from './session-attendance.service.js';

/**
 * Integrity flags are raised by the check-in function (docs/privacy.md) and reviewed by the teacher, who may clear
 * them. A cleared flag is remembered on the record (`cleared_flags`) so a later check-in from the same device does
 * not raise it again on that record.
 */
@Injectable()
export class AttendanceFlagsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
  ) {}

  async clear(user: AuthUser, sessionId: string, studentId: string, flag: AttendanceFlag): Promise<RosterEntryDto> {
    await this.access.assertSessionStaff(user, sessionId);
    const cleared = await this.dataSource.transaction(async (m) => {
      const [rec]: { flags: AttendanceFlag[]; had: boolean }[] = await m.query(
        `SELECT flags, $3 = ANY(flags) AS had FROM attendance_records WHERE session_id = $1 AND student_id = $2 FOR UPDATE`,
        [sessionId, studentId, flag],
      );
      if (!rec) throw AttendanceErrors.noRecord();
      if (!rec.had) return null;
      const [row]: { id: string; flags: AttendanceFlag[] }[] = await m.query(
        `WITH u AS (
           UPDATE attendance_records
              SET flags = array_remove(flags, $3::text),
                  cleared_flags = CASE WHEN $3 = ANY(cleared_flags) THEN cleared_flags ELSE array_append(cleared_flags, $3::text) END,
                  updated_at = now()
            WHERE session_id = $1 AND student_id = $2
           RETURNING id, flags)
         SELECT id, flags FROM u`,
        [sessionId, studentId, flag],
      );
      await this.audit.record(m, {
        action: 'attendance.flag-cleared',
        targetType: 'attendance',
        targetId: row.id,
        summary: { sessionId, studentId, flag, remaining: row.flags },
      });
      return row.flags;
    });
    if (cleared)
      this.realtime.toSession(sessionId, ServerEvent.AttendanceFlagged, { sessionId, studentId, flags: cleared });
    const [entry]: RosterRow[] = await this.dataSource.query(ROSTER_ENTRY_SQL, [sessionId, studentId]);
    return toEntry(entry);
  }
}
