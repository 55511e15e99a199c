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
import { AttendanceRecordEntity } from './attendance-record.entity.js';
import { readRosterEntry } from './roster.queries.js';

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
      const rec = await m.findOne(AttendanceRecordEntity, {
        select: { sessionId: true, studentId: true, id: true, flags: true, clearedFlags: true },
        where: { sessionId, studentId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!rec) throw AttendanceErrors.noRecord();
      if (!rec.flags.includes(flag)) return null;
      const flags = rec.flags.filter((f) => f !== flag);
      const clearedFlags = rec.clearedFlags.includes(flag) ? rec.clearedFlags : [...rec.clearedFlags, flag];
      await m.update(AttendanceRecordEntity, { sessionId, studentId }, { flags, clearedFlags });
      await this.audit.record(m, {
        action: 'attendance.flag-cleared',
        targetType: 'attendance',
        targetId: rec.id,
        summary: { sessionId, studentId, flag, remaining: flags },
      });
      return flags;
    });
    if (cleared)
      this.realtime.toSession(sessionId, ServerEvent.AttendanceFlagged, { sessionId, studentId, flags: cleared });
    return readRosterEntry(this.dataSource.manager, sessionId, studentId);
  }
}
