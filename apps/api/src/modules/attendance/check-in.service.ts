import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  type AttendanceSource,
  type AttendanceStatus,
  LocationMode,
  LocationVerdict,
  ServerEvent,
  UserRole,
} from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../common/auth-user.js';
import { iso } from '../../common/time.js';
import { RateLimiter } from '../../common/rate-limit/rate-limiter.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AttendanceClock } from './attendance-clock.js';
import { normalizeCode } from './attendance-codes.js';
import { AttendanceCodesService } from './attendance-codes.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { CheckInDto, CheckInResultDto } from './attendance.dto.js';
import { AttendanceErrors } from './attendance.errors.js';
import { wakeWebhookWorker } from '../webhooks/webhooks.queries.js';
import { deviceKey } from './device-hash.js';
import { CheckInBatcher } from './check-in-batcher.js';
import { findCheckInRecord, findCheckInSessionsOfStudent, type CheckInRow } from './check-in.queries.js';
import { CheckInLockoutService, wrongCodeKey } from './check-in-lockout.service.js';

/**
 * Students check in by the code alone. Only wrong codes count against the per-student limit (5 per 10 minutes by
 * default); valid check-ins are never throttled. A code that matches nothing of theirs gets one generic error.
 */
@Injectable()
export class CheckInService {
  private readonly logger = new Logger('CheckIn');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limiter: RateLimiter,
    private readonly clock: AttendanceClock,
    private readonly realtime: RealtimeService,
    private readonly codes: AttendanceCodesService,
    private readonly batcher: CheckInBatcher,
    private readonly lockout: CheckInLockoutService,
  ) {}

  async checkIn(user: AuthUser, dto: CheckInDto): Promise<{ created: boolean; result: CheckInResultDto }> {
    if (user.role !== UserRole.Student) throw AttendanceErrors.studentsOnly();
    const failKey = wrongCodeKey(user.id);
    const state = await this.limiter.peek(failKey);
    if (this.lockout.isLocked(state.count)) throw this.tooMany(state.retryAfterSeconds);

    const code = normalizeCode(dto.code);
    const source: AttendanceSource = dto.via === 'qr' ? 'qr' : 'code';
    // Only a keyed hash of the device id reaches the database; the location is used there for the verdict and dropped.
    const device = dto.deviceId ? deviceKey(this.config.attendance.deviceHashKey, dto.deviceId) : null;
    // Through the batcher: concurrent check-ins share one statement (check-in-batcher.ts); this one's row comes back.
    const row = await this.batcher.run({
      studentId: user.id,
      code,
      source,
      nowSeconds: this.clock.now() / 1000,
      deviceInner: device?.inner ?? null,
      deviceOuter: device?.outer ?? null,
      latitude: dto.location?.latitude ?? null,
      longitude: dto.location?.longitude ?? null,
      accuracy: dto.location?.accuracy ?? null,
    });

    if (row?.new_status) {
      if (Number(row.webhooks) > 0) wakeWebhookWorker();
      const checkedInAt = new Date(row.new_checked_in_at!).toISOString();
      const flagged = row.flagged ?? [];
      this.realtime.toSession(row.session_id, ServerEvent.AttendanceSubmitted, {
        sessionId: row.session_id,
        studentId: user.id,
        fullName: row.full_name,
        checkedInAt,
        status: row.new_status,
        flags: flagged.find((f) => f.student_id === user.id)?.flags ?? row.new_flags ?? [],
      });
      // Earlier check-ins from the same device are flagged now: the live roster updates those rows.
      for (const f of flagged)
        if (f.student_id !== user.id)
          this.realtime.toSession(row.session_id, ServerEvent.AttendanceFlagged, {
            sessionId: row.session_id,
            studentId: f.student_id,
            flags: f.flags,
          });
      return {
        created: true,
        result: this.toDto(
          row,
          user.id,
          { status: row.new_status, source: row.new_source!, checkedInAt, validatedAt: null, note: null },
          false,
        ),
      };
    }
    // Idempotent: the student's existing record answers a repeated check-in (even once the code has expired). A
    // record the student did not check in to (e.g. absent at closing) answers only a valid attempt.
    if (row?.old_status && (row.old_checked_in_at || (row.code_live && row.window_open)))
      return { created: false, result: this.existing(row, user.id) };
    // The in-room check refused it (mode require): not a wrong code, so not counted against the student.
    if (
      row &&
      row.code_live &&
      row.window_open &&
      row.location_mode === LocationMode.Require &&
      row.location_verdict === LocationVerdict.OutOfRange
    )
      throw AttendanceErrors.outOfRange({ details: { sessionId: row.session_id } });
    if (row && row.code_live && row.window_open && row.locked_state !== 'closed') {
      // Lost a race with a concurrent check-in of the same student: read the winner's record.
      const rec = await findCheckInRecord(this.dataSource, row.session_id, user.id);
      if (rec) {
        return {
          created: false,
          result: this.toDto(
            row,
            user.id,
            {
              status: rec.status,
              source: rec.source,
              checkedInAt: iso(rec.checkedInAt),
              validatedAt: iso(rec.validatedAt),
              note: rec.note,
            },
            true,
          ),
        };
      }
    }

    // A failure: count it, then answer. The one that reaches the limit already says what to do (ask the teacher),
    // and the teachers' live pages learn who is locked out.
    const failures = await this.limiter.hit(failKey, this.config.attendance.wrongAttemptWindowSeconds);
    if (!row) await this.spendSessionBudgets(user.id);
    if (this.lockout.isLocked(failures.count)) {
      await this.lockout.announce(user.id).catch((err: Error) => {
        this.logger.warn(`Lockout announcement failed: ${err.message}`);
      });
      throw this.tooMany(failures.retryAfterSeconds);
    }
    if (!row) throw AttendanceErrors.codeInvalid();
    if (!row.code_live) throw AttendanceErrors.codeExpired({ details: { sessionId: row.session_id } });
    throw AttendanceErrors.sessionNotOpen({
      message:
        new Date(row.opens_at) > new Date()
          ? 'Check-in for this session has not opened yet.'
          : 'Check-in for this session is closed.',
      details: { sessionId: row.session_id, opensAt: iso(row.opens_at), endsAt: iso(row.ends_at) },
    });
  }

  /**
   * A wrong code counts against the budget of each open session of the student's courses that has a live code
   * (the codes they could be guessing). When a session's budget for the minute is spent, its code is replaced.
   */
  private async spendSessionBudgets(studentId: string) {
    try {
      for (const session_id of await findCheckInSessionsOfStudent(this.dataSource, studentId)) {
        const { count } = await this.limiter.hit(`checkin-session-fail:${session_id}`, 60);
        if (count === this.config.attendance.sessionFailureBudget) {
          this.logger.warn(`Session ${session_id}: ${count} wrong codes in a minute, replacing its code`);
          await this.codes.rotateAfterAbuse(session_id);
        }
      }
    } catch (err) {
      this.logger.warn(`Failure budget bookkeeping failed: ${(err as Error).message}`);
    }
  }

  private tooMany(retryAfterSeconds: number) {
    return AttendanceErrors.tooManyAttempts({
      headers: { 'Retry-After': String(retryAfterSeconds) },
      details: { retryAfterSeconds },
    });
  }

  private existing(row: CheckInRow, studentId: string): CheckInResultDto {
    return this.toDto(
      row,
      studentId,
      {
        status: row.old_status!,
        source: row.old_source!,
        checkedInAt: iso(row.old_checked_in_at),
        validatedAt: iso(row.old_validated_at),
        note: row.old_note,
      },
      true,
    );
  }

  private toDto(
    row: CheckInRow,
    studentId: string,
    rec: {
      status: AttendanceStatus;
      source: AttendanceSource;
      checkedInAt: string | null;
      validatedAt: string | null;
      note: string | null;
    },
    already: boolean,
  ): CheckInResultDto {
    return {
      sessionId: row.session_id,
      courseId: row.course_id,
      courseCode: row.course_code,
      courseName: row.course_name,
      sessionTitle: row.title,
      startsAt: new Date(row.starts_at).toISOString(),
      endsAt: new Date(row.ends_at).toISOString(),
      studentId,
      ...rec,
      alreadyCheckedIn: already,
    };
  }
}
