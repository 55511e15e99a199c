import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CodeMode, ServerEvent, type CodeRotatedPayload } from '@sysponto/contracts';
import { DataSource, type EntityManager, IsNull, Raw } from 'typeorm';
import { AccessService, type SessionContext } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { isUniqueViolation } from '../../common/db-errors.js';
import { RealtimeService } from '../../realtime/realtime.service.js';
import { AuditService } from '../audit/audit.service.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { AttendanceClock } from './attendance-clock.js';
import { generateFixedCode, newRotatingKey, rotatingCode, slotOf } from './attendance-codes.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { AttendanceCodeDto, CreateCodeDto } from './attendance.dto.js';
import { AttendanceErrors } from './attendance.errors.js';
import { enqueueWebhookEvent } from '../webhooks/webhooks.queries.js';
import { CourseTeacherEntity } from '../courses/course.entity.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { AttendanceCodeEntity } from './attendance-code.entity.js';
import {
  type ActiveCode,
  findActiveCode,
  insertActiveCode,
  lockSessionCheckInOpen,
  revokeActiveCodes,
} from './attendance-codes.queries.js';

/**
 * Codes of a session: generate (replacing the active one), show, revoke, and rotate after abuse. Course staff only,
 * while the session is open for check-in.
 */
@Injectable()
export class AttendanceCodesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly clock: AttendanceClock,
    private readonly realtime: RealtimeService,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
  ) {}

  /**
   * A session's first code opens it for check-in, and so does the fresh code of a reopened session (`reopened`): the
   * `session.opened` webhook event, in the same transaction.
   */
  private async announceOpened(m: EntityManager, sessionId: string, reopened: boolean): Promise<boolean> {
    const qb = m
      .getRepository(ClassSessionEntity)
      .createQueryBuilder('s')
      .select(['s.id', 's.courseId', 's.startsAt', 's.endsAt'])
      .where('s.id = :sessionId', { sessionId });
    if (!reopened) qb.andWhere('NOT EXISTS (SELECT 1 FROM attendance_codes ac WHERE ac.session_id = s.id)');
    const s = await qb.getOne();
    if (!s) return false;
    await enqueueWebhookEvent(
      m,
      'session.opened',
      {
        sessionId,
        courseId: s.courseId,
        state: 'open',
        startsAt: s.startsAt.toISOString(),
        endsAt: s.endsAt.toISOString(),
      },
      sessionId,
    );
    return true;
  }

  async create(user: AuthUser, sessionId: string, dto: CreateCodeDto): Promise<AttendanceCodeDto> {
    const ctx = await this.access.assertSessionStaff(user, sessionId);
    let row: (ActiveCode & { opened: boolean }) | undefined;
    // A concurrent generation for the same session can win the partial unique index: retry once, then 409.
    for (let attempt = 0; !row; attempt++) {
      try {
        row = await this.dataSource.transaction(async (m) => {
          const opened = await this.openInTransaction(m, ctx, dto, user.id);
          if (!opened) throw AttendanceErrors.codeWindowClosed();
          return opened;
        });
      } catch (err) {
        if (!isUniqueViolation(err, 'attendance_codes_active_key')) throw err;
        if (attempt >= 1) throw AttendanceErrors.concurrentCode();
      }
    }
    return this.publishOpened(row);
  }

  /**
   * The open path (generating a code, reopening a closed session): while the check-in window is open, replaces the
   * active code by a fresh one, audited; null when the window is not open. Push with `publishOpened` after commit.
   */
  async openInTransaction(
    m: EntityManager,
    ctx: SessionContext,
    dto: CreateCodeDto,
    actorId: string,
    reopened = false,
  ): Promise<(ActiveCode & { opened: boolean }) | null> {
    const sessionId = ctx.id;
    if (!(await lockSessionCheckInOpen(m, sessionId))) return null;
    const opened = await this.announceOpened(m, sessionId, reopened);
    await revokeActiveCodes(m, sessionId);
    const inserted = await this.insertCode(
      m,
      sessionId,
      dto.mode,
      dto.validityMinutes ?? (dto.mode === CodeMode.Fixed ? ctx.codeValidityMinutes : null),
      actorId,
    );
    // Never the code itself: the trail says who opened check-in, not how to check in.
    await this.audit.record(m, {
      action: 'code.created',
      targetType: 'code',
      targetId: inserted.id,
      summary: { sessionId, courseId: ctx.courseId, mode: dto.mode, expiresAt: inserted.expiresAt },
    });
    return { ...inserted, opened };
  }

  /** After commit: what opening a session (its new code) pushes. Returns the code's DTO. */
  publishOpened(row: ActiveCode & { opened: boolean }): AttendanceCodeDto {
    const dto = this.toDto(row);
    this.realtime.toSession(dto.sessionId, ServerEvent.CodeRotated, this.rotatedPayload(dto));
    // The students: check-in opened, or (already open) the code they may have typed is no longer the one.
    const sessionId = dto.sessionId;
    if (row.opened)
      void this.realtime.toSessionStudents(sessionId, ServerEvent.SessionOpened, (courseId) => ({
        sessionId,
        courseId,
        state: 'open',
      }));
    else this.codeChanged(sessionId, 'new');
    return dto;
  }

  /** Tells the course's students that the session's code changed (never the code). */
  private codeChanged(sessionId: string, reason: 'new' | 'revoked') {
    void this.realtime.toSessionStudents(sessionId, ServerEvent.SessionCodeChanged, (courseId) => ({
      sessionId,
      courseId,
      reason,
    }));
  }

  async current(user: AuthUser, sessionId: string): Promise<AttendanceCodeDto> {
    await this.access.assertSessionStaff(user, sessionId);
    const row = await findActiveCode(this.dataSource.manager, sessionId);
    if (!row) throw AttendanceErrors.noActiveCode();
    return this.toDto(row);
  }

  async revoke(user: AuthUser, sessionId: string): Promise<void> {
    await this.access.assertSessionStaff(user, sessionId);
    // An expired code that was never revoked is closed off too; only a live one makes this a success.
    await this.dataSource.transaction(async (m) => {
      const { raw } = await m
        .createQueryBuilder()
        .update(AttendanceCodeEntity)
        .set({ revokedAt: () => 'now()' })
        .where('session_id = :sessionId AND revoked_at IS NULL', { sessionId })
        .returning('id, expires_at > now() AS live')
        .execute();
      const live = (raw as { id: string; live: boolean }[]).find((r) => r.live);
      if (!live) throw AttendanceErrors.noActiveCode();
      await this.audit.record(m, {
        action: 'code.revoked',
        targetType: 'code',
        targetId: live.id,
        summary: { sessionId },
      });
    });
    this.realtime.toSession(sessionId, ServerEvent.CodeRevoked, { sessionId, reason: 'revoked' });
    this.codeChanged(sessionId, 'revoked');
  }

  /**
   * The session's wrong-code budget is spent: replace its active code by a fresh one of the same mode and expiry
   * (someone may be guessing or a code leaked) and tell the course's teachers.
   */
  async rotateAfterAbuse(sessionId: string): Promise<void> {
    const result = await this.dataSource.transaction(async (m) => {
      const old = await m.findOne(AttendanceCodeEntity, {
        select: { id: true, mode: true, expiresAt: true, createdBy: true },
        where: { sessionId, revokedAt: IsNull(), expiresAt: Raw((at) => `${at} > now()`) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!old) return null;
      await m.update(AttendanceCodeEntity, { id: old.id }, { revokedAt: () => 'now()' });
      const row = await this.insertCode(m, sessionId, old.mode, null, old.createdBy, old.expiresAt);
      const teachers = await m
        .getRepository(CourseTeacherEntity)
        .createQueryBuilder('ct')
        .select(['ct.courseId', 'ct.teacherId', 'c.id', 'c.code'])
        .innerJoin('ct.course', 'c')
        .innerJoin(ClassSessionEntity, 's', 's.courseId = ct.courseId')
        .where('s.id = :sessionId', { sessionId })
        .getMany();
      const created = await this.notifications.create(
        teachers.map((t) => ({
          userId: t.teacherId,
          type: 'attendance.code-rotated' as const,
          params: { courseCode: t.course!.code },
          link: `/teacher/sessions/${sessionId}`,
        })),
        m,
      );
      return { row, created };
    });
    if (!result) return;
    this.realtime.toSession(sessionId, ServerEvent.CodeRotated, this.rotatedPayload(this.toDto(result.row)));
    this.codeChanged(sessionId, 'new');
    this.notifications.publish(result.created);
  }

  /** The payload of `code.rotated` for one active code row (used by the rotation ticker too). */
  rotatedPayload(dto: AttendanceCodeDto): CodeRotatedPayload {
    return {
      sessionId: dto.sessionId,
      code: dto.code,
      expiresAt: dto.expiresAt,
      mode: dto.mode,
      rotatesAt: dto.rotatesAt,
      checkInUrl: dto.checkInUrl,
      rotationSeconds: dto.rotationSeconds,
    };
  }

  toDto(row: ActiveCode): AttendanceCodeDto {
    let code = row.code ?? '';
    let rotatesAt: string | null = null;
    if (row.mode === CodeMode.Rotating && row.keyInner && row.keyOuter && row.slotSeconds) {
      const slot = slotOf(this.clock.now(), row.slotSeconds);
      code = rotatingCode({ inner: row.keyInner, outer: row.keyOuter }, slot);
      rotatesAt = new Date((slot + 1) * row.slotSeconds * 1000).toISOString();
    }
    return {
      sessionId: row.sessionId,
      code,
      mode: row.mode,
      expiresAt: new Date(row.expiresAt).toISOString(),
      rotatesAt,
      rotationSeconds: row.mode === CodeMode.Rotating ? row.slotSeconds : null,
      checkInUrl: `${this.config.publicUrl}/check-in?code=${encodeURIComponent(code)}`,
    };
  }

  /**
   * Inserts the session's new active code. Fixed: validity minutes from now. Rotating: until the session ends, or
   * fewer minutes when asked. `expiresAt` copies an expiry (rotation after abuse).
   */
  private insertCode(
    m: EntityManager,
    sessionId: string,
    mode: CodeMode,
    validityMinutes: number | null,
    createdBy: string | null,
    expiresAt?: Date,
  ): Promise<ActiveCode> {
    const key = mode === CodeMode.Rotating ? newRotatingKey() : null;
    return insertActiveCode(m, {
      sessionId,
      mode,
      code: key ? null : generateFixedCode(),
      keyInner: key?.inner ?? null,
      keyOuter: key?.outer ?? null,
      validityMinutes,
      expiresAt: expiresAt ?? null,
      createdBy,
    });
  }
}
