import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CodeMode, ServerEvent, type CodeRotatedPayload } from '@sysponto/contracts';
import { DataSource, type EntityManager } from 'typeorm';
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

/** An active code row as read for display (keys included for rotating codes). */
export interface ActiveCodeRow {
  id: string;
  session_id: string;
  mode: CodeMode;
  code: string | null;
  key_inner: Buffer | null;
  key_outer: Buffer | null;
  slot_seconds: number | null;
  expires_at: Date;
}

const ACTIVE_COLUMNS = 'id, session_id, mode, code, key_inner, key_outer, slot_seconds, expires_at';

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
    const [s]: { course_id: string; starts_at: Date; ends_at: Date }[] = await m.query(
      `SELECT course_id, starts_at, ends_at FROM class_sessions s
        WHERE id = $1 AND ($2 OR NOT EXISTS (SELECT 1 FROM attendance_codes WHERE session_id = s.id))`,
      [sessionId, reopened],
    );
    if (!s) return false;
    await enqueueWebhookEvent(
      m,
      'session.opened',
      {
        sessionId,
        courseId: s.course_id,
        state: 'open',
        startsAt: new Date(s.starts_at).toISOString(),
        endsAt: new Date(s.ends_at).toISOString(),
      },
      sessionId,
    );
    return true;
  }

  async create(user: AuthUser, sessionId: string, dto: CreateCodeDto): Promise<AttendanceCodeDto> {
    const ctx = await this.access.assertSessionStaff(user, sessionId);
    let row: (ActiveCodeRow & { opened: boolean }) | undefined;
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
  ): Promise<(ActiveCodeRow & { opened: boolean }) | null> {
    const sessionId = ctx.id;
    const [w]: { open: boolean }[] = await m.query(
      `SELECT session_checkin_open(s.state, s.starts_at, s.ends_at, c.checkin_opens_minutes, now()) AS open
         FROM class_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1 FOR SHARE OF s`,
      [sessionId],
    );
    if (!w?.open) return null;
    const opened = await this.announceOpened(m, sessionId, reopened);
    await m.query(`UPDATE attendance_codes SET revoked_at = now() WHERE session_id = $1 AND revoked_at IS NULL`, [
      sessionId,
    ]);
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
      summary: { sessionId, courseId: ctx.courseId, mode: dto.mode, expiresAt: inserted.expires_at },
    });
    return { ...inserted, opened };
  }

  /** After commit: what opening a session (its new code) pushes. Returns the code's DTO. */
  publishOpened(row: ActiveCodeRow & { opened: boolean }): AttendanceCodeDto {
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
    const [row]: ActiveCodeRow[] = await this.dataSource.query(
      `SELECT ${ACTIVE_COLUMNS} FROM attendance_codes WHERE session_id = $1 AND revoked_at IS NULL AND expires_at > now()`,
      [sessionId],
    );
    if (!row) throw AttendanceErrors.noActiveCode();
    return this.toDto(row);
  }

  async revoke(user: AuthUser, sessionId: string): Promise<void> {
    await this.access.assertSessionStaff(user, sessionId);
    // An expired code that was never revoked is closed off too; only a live one makes this a success.
    await this.dataSource.transaction(async (m) => {
      const rows: { id: string; live: boolean }[] = await m.query(
        // (WITH … SELECT: TypeORM answers a bare UPDATE … RETURNING with [rows, count].)
        `WITH u AS (UPDATE attendance_codes SET revoked_at = now() WHERE session_id = $1 AND revoked_at IS NULL RETURNING id, expires_at > now() AS live) SELECT id, live FROM u`,
        [sessionId],
      );
      const live = rows.find((r) => r.live);
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
      const [old]: { id: string; mode: CodeMode; expires_at: Date; created_by: string | null }[] = await m.query(
        `SELECT id, mode, expires_at, created_by FROM attendance_codes WHERE session_id = $1 AND revoked_at IS NULL AND expires_at > now() FOR UPDATE`,
        [sessionId],
      );
      if (!old) return null;
      await m.query(`UPDATE attendance_codes SET revoked_at = now() WHERE id = $1`, [old.id]);
      const row = await this.insertCode(m, sessionId, old.mode, null, old.created_by, old.expires_at);
      const teachers: { teacher_id: string; code: string }[] = await m.query(
        `SELECT ct.teacher_id, c.code FROM class_sessions s JOIN courses c ON c.id = s.course_id JOIN course_teachers ct ON ct.course_id = c.id WHERE s.id = $1`,
        [sessionId],
      );
      const created = await this.notifications.create(
        teachers.map((t) => ({
          userId: t.teacher_id,
          type: 'attendance.code-rotated' as const,
          params: { courseCode: t.code },
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

  toDto(row: ActiveCodeRow): AttendanceCodeDto {
    let code = row.code ?? '';
    let rotatesAt: string | null = null;
    if (row.mode === CodeMode.Rotating && row.key_inner && row.key_outer && row.slot_seconds) {
      const slot = slotOf(this.clock.now(), row.slot_seconds);
      code = rotatingCode({ inner: row.key_inner, outer: row.key_outer }, slot);
      rotatesAt = new Date((slot + 1) * row.slot_seconds * 1000).toISOString();
    }
    return {
      sessionId: row.session_id,
      code,
      mode: row.mode,
      expiresAt: new Date(row.expires_at).toISOString(),
      rotatesAt,
      rotationSeconds: row.mode === CodeMode.Rotating ? row.slot_seconds : null,
      checkInUrl: `${this.config.publicUrl}/check-in?code=${encodeURIComponent(code)}`,
    };
  }

  /**
   * Inserts the session's new active code. Fixed: validity minutes from now. Rotating: until the session ends, or
   * fewer minutes when asked. `expiresAt` copies an expiry (rotation after abuse).
   */
  private async insertCode(
    m: EntityManager,
    sessionId: string,
    mode: CodeMode,
    validityMinutes: number | null,
    createdBy: string | null,
    expiresAt?: Date,
  ): Promise<ActiveCodeRow> {
    const key = mode === CodeMode.Rotating ? newRotatingKey() : null;
    // A rotating code takes its interval and grace from the course policy as it is now (replicas all read the row).
    const [row]: ActiveCodeRow[] = await m.query(
      `INSERT INTO attendance_codes (session_id, mode, code, key_inner, key_outer, slot_seconds, grace_seconds, expires_at, created_by)
       SELECT s.id, $2::varchar, $3::varchar, $4::bytea, $5::bytea,
              CASE WHEN $2::varchar = 'rotating' THEN c.rotating_interval_seconds END,
              CASE WHEN $2::varchar = 'rotating' THEN c.rotating_grace_seconds END,
              COALESCE($7::timestamptz,
                       CASE WHEN $2::varchar = 'rotating' THEN LEAST(s.ends_at, now() + make_interval(mins => COALESCE($6::int, 24 * 60)))
                            ELSE now() + make_interval(mins => $6::int) END),
              $8::uuid
         FROM class_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1
       RETURNING ${ACTIVE_COLUMNS}`,
      [
        sessionId,
        mode,
        key ? null : generateFixedCode(),
        key?.inner ?? null,
        key?.outer ?? null,
        validityMinutes,
        expiresAt ?? null,
        createdBy,
      ],
    );
    return row;
  }
}
