import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ServerEvent } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import { AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AuditService } from '../audit/audit.service.js';
import { UserEntity } from '../users/user.entity.js';
import { AttendanceErrors } from './attendance.errors.js';
import { findCheckInSessionsOfStudent, isOnSessionRoster } from './check-in.queries.js';

/** The per-student counter of wrong codes (a fixed window of CHECKIN_WRONG_ATTEMPT_WINDOW_SECONDS). */
export const wrongCodeKey = (studentId: string) => `checkin-fail:${studentId}`;

/**
 * Check-in lockout (issue 13): after CHECKIN_MAX_WRONG_ATTEMPTS wrong codes a student cannot check in until the
 * window ends or a teacher lets them try again. The teachers of the sessions they could be checking in to see it on
 * the live page (`attendance.locked-out`) and can clear it (audited, `attendance.lockout-cleared`) or mark them.
 */
@Injectable()
export class CheckInLockoutService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly access: AccessService,
    private readonly realtime: RealtimeService,
    private readonly audit: AuditService,
  ) {}

  /** Whether the counter of this state means "locked out". */
  isLocked(count: number): boolean {
    return count >= this.config.attendance.maxWrongAttempts;
  }

  /** The students of the list who are locked out now. */
  async lockedOut(studentIds: readonly string[]): Promise<string[]> {
    const states = await Promise.all(studentIds.map((id) => this.limiter.peek(wrongCodeKey(id))));
    return studentIds.filter((_id, i) => this.isLocked(states[i]!.count));
  }

  /** Tells the live pages of the sessions the student could be checking in to. */
  async announce(studentId: string): Promise<void> {
    const sessions = await findCheckInSessionsOfStudent(this.dataSource, studentId);
    if (!sessions.length) return;
    const student = await this.dataSource.getRepository(UserEntity).findOne({ where: { id: studentId } });
    const fullName = student?.fullName ?? '';
    for (const sessionId of sessions)
      this.realtime.toSession(sessionId, ServerEvent.AttendanceLockedOut, { sessionId, studentId, fullName });
  }

  /** DELETE /api/sessions/:id/attendance/:studentId/lockout: the student may try codes again (audited). */
  async clear(user: AuthUser, sessionId: string, studentId: string): Promise<{ wasLockedOut: boolean }> {
    await this.access.assertSessionStaff(user, sessionId);
    if (!(await isOnSessionRoster(this.dataSource, sessionId, studentId))) throw AttendanceErrors.notEnrolled();
    const key = wrongCodeKey(studentId);
    const { count } = await this.limiter.peek(key);
    await this.limiter.reset(key);
    await this.dataSource.transaction((m) =>
      this.audit.record(m, {
        action: 'user.check-in-unlocked',
        targetType: 'user',
        targetId: studentId,
        summary: { sessionId, wrongCodes: count, wasLockedOut: this.isLocked(count) },
      }),
    );
    this.realtime.toSession(sessionId, ServerEvent.AttendanceLockoutCleared, { sessionId, studentId });
    this.realtime.toUser(studentId, ServerEvent.AttendanceLockoutCleared, { sessionId, studentId });
    return { wasLockedOut: this.isLocked(count) };
  }
}
