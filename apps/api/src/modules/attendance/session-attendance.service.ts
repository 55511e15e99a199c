import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AttendanceFlag, AttendanceSource, AttendanceStatus } from '@sysponto/contracts';
import { DataSource } from 'typeorm';
import { AccessService, type SessionContext } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { iso } from '../../common/time.js';
import { NotificationsService } from '../notifications/notifications.service.js';
import { deriveSessionState } from '../sessions/session-state.js';
import { AttendanceChangesService } from './attendance-changes.service.js';
import { attendanceNotice, type SessionLabel } from './attendance-notices.js';
import type {
  AttendanceEventPageDto,
  BulkUpdateResultDto,
  ListAttendanceEventsQueryDto,
  RosterDto,
  RosterEntryDto,
  UpdateAttendanceDto,
} from './attendance.dto.js';
import { AttendanceErrors } from './attendance.errors.js';
import { CheckInLockoutService } from './check-in-lockout.service.js';
import { findLatestAttendanceEvent, offlineReason, offlineTime } from './offline-change.js';
import { validatePending } from './status-change.js';

export interface RosterRow {
  student_id: string;
  full_name: string;
  email: string;
  student_number: string | null;
  status: AttendanceStatus | null;
  checked_in_at: Date | null;
  validated_at: Date | null;
  source: AttendanceSource | null;
  note: string | null;
  flags: AttendanceFlag[] | null;
}

/**
 * The students of a session: those expected at it (attendance_expected: enrolled when it started, or attended),
 * plus, until it is held, whoever is enrolled now (a student who joins during the class may still check in) and
 * anyone with a record (a correction for a student who left).
 */
const ROSTER_SQL = `
WITH who AS (
  SELECT x.student_id FROM attendance_expected x WHERE x.session_id = $1
  UNION
  SELECT e.student_id FROM enrollments e JOIN class_sessions s ON s.id = $1
   WHERE e.course_id = $2 AND e.ended_at IS NULL AND NOT attendance_session_held(s.state, s.ends_at)
  UNION
  SELECT r.student_id FROM attendance_records r WHERE r.session_id = $1
)
SELECT u.id AS student_id, u.full_name, u.email, u.student_number, r.status, r.checked_in_at, r.validated_at, r.source, r.note, r.flags
  FROM who
  JOIN users u ON u.id = who.student_id
  LEFT JOIN attendance_records r ON r.session_id = $1 AND r.student_id = who.student_id
 ORDER BY (r.status IS NULL) DESC, u.full_name, u.id`;

/** One roster entry (also for students who left the course but keep a record). */
export const ROSTER_ENTRY_SQL = `
SELECT u.id AS student_id, u.full_name, u.email, u.student_number, r.status, r.checked_in_at, r.validated_at, r.source, r.note, r.flags
  FROM users u LEFT JOIN attendance_records r ON r.session_id = $1 AND r.student_id = u.id
 WHERE u.id = $2`;

/** The live roster of a session and the teacher's changes to it (validate, override, validate all), plus the event log. */
@Injectable()
export class SessionAttendanceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly notifications: NotificationsService,
    private readonly changes: AttendanceChangesService,
    private readonly lockout: CheckInLockoutService,
  ) {}

  async roster(user: AuthUser, sessionId: string): Promise<RosterDto> {
    const ctx = await this.access.assertSessionStaff(user, sessionId);
    const rows: RosterRow[] = await this.dataSource.query(ROSTER_SQL, [sessionId, ctx.courseId]);
    const items = rows.map(toEntry);
    const counts = { pending: 0, present: 0, late: 0, absent: 0, excused: 0, missing: 0 };
    for (const i of items) counts[i.status ?? 'missing']++;
    const state = deriveSessionState(ctx, ctx.checkinOpensMinutes);
    // Locked out matters while students may still check in; those already marked need nothing.
    const lockedOut =
      state === 'closed' || state === 'cancelled'
        ? []
        : await this.lockout.lockedOut(
            items.filter((i) => i.status === null || i.status === 'absent').map((i) => i.studentId),
          );
    return {
      sessionId,
      courseId: ctx.courseId,
      state,
      startsAt: ctx.startsAt.toISOString(),
      endsAt: ctx.endsAt.toISOString(),
      lateAfter: lateAfter(ctx).toISOString(),
      items,
      counts,
      total: items.length,
      missing: counts.missing,
      lockedOut,
    };
  }

  /**
   * Validate or override one student's status. The late rule: `present` for a check-in after startsAt +
   * lateAfterMinutes is stored as `late`, unless `override` is true. Allowed before and after closing.
   */
  async update(
    user: AuthUser,
    sessionId: string,
    studentId: string,
    dto: UpdateAttendanceDto,
  ): Promise<RosterEntryDto> {
    const ctx = await this.access.assertSessionStaff(user, sessionId);
    const { change, created } = await this.dataSource.transaction(async (m) => {
      const [{ enrolled }]: { enrolled: boolean }[] = await m.query(
        `SELECT EXISTS (SELECT 1 FROM enrollments WHERE course_id = $1 AND student_id = $2 AND ended_at IS NULL) AS enrolled`,
        [ctx.courseId, studentId],
      );
      const [record]: { status: AttendanceStatus; checked_in_at: Date | null }[] = await m.query(
        `SELECT status, checked_in_at FROM attendance_records WHERE session_id = $1 AND student_id = $2 FOR UPDATE`,
        [sessionId, studentId],
      );
      const current = { enrolled, status: record?.status ?? null, checked_in_at: record?.checked_in_at ?? null };
      // Students who left the course keep their record and may still be corrected.
      if (!current.enrolled && !current.status) throw AttendanceErrors.notEnrolled();
      let to: AttendanceStatus = dto.status;
      if (
        to === 'present' &&
        !dto.override &&
        current.checked_in_at &&
        new Date(current.checked_in_at) > lateAfter(ctx)
      )
        to = 'late';
      const validation = current.status === 'pending' && (to === 'present' || to === 'late');
      const offlineAt = dto.recordedAt ? offlineTime(dto.recordedAt) : null;
      if (offlineAt && current.status !== to) {
        const latest = await findLatestAttendanceEvent(m, sessionId, studentId);
        if (latest && latest.createdAt > offlineAt)
          throw AttendanceErrors.offlineConflict({
            details: [
              { studentId, status: current.status, source: latest.source, changedAt: latest.createdAt.toISOString() },
            ],
          });
      }
      const change = await this.changes.apply(m, {
        sessionId,
        studentId,
        to,
        source: 'teacher',
        actorId: user.id,
        note: dto.note ?? null,
        reason: offlineAt ? offlineReason(offlineAt, dto.note) : (dto.note ?? (validation ? 'validated' : 'override')),
        validate: true,
        keepSource: validation,
        at: offlineAt,
      });
      const created = change.changed
        ? await this.notifications.create([attendanceNotice(change, await this.label(m, ctx), dto.note)], m)
        : [];
      return { change, created };
    });
    if (change.changed) this.changes.publish([change], created);
    const [row]: RosterRow[] = await this.dataSource.query(ROSTER_ENTRY_SQL, [sessionId, studentId]);
    return toEntry(row);
  }

  /** Every pending check-in of the session → present, or late when checked in after the late threshold. */
  async validateAll(user: AuthUser, sessionId: string): Promise<BulkUpdateResultDto> {
    const ctx = await this.access.assertSessionStaff(user, sessionId);
    const { changes, created } = await this.dataSource.transaction(async (m) => {
      const changes = await validatePending(m, {
        sessionId,
        lateAfter: lateAfter(ctx),
        source: 'teacher',
        actorId: user.id,
        reason: 'validated (all)',
      });
      const label = changes.length ? await this.label(m, ctx) : null;
      const created = label
        ? await this.notifications.create(
            changes.map((c) => attendanceNotice(c, label)),
            m,
          )
        : [];
      return { changes, created };
    });
    this.changes.publish(changes, created);
    return { updated: changes.length };
  }

  async events(user: AuthUser, sessionId: string, q: ListAttendanceEventsQueryDto): Promise<AttendanceEventPageDto> {
    await this.access.assertSessionStaff(user, sessionId);
    const page = q.page ?? 1;
    const pageSize = q.pageSize ?? 50;
    const params = [sessionId, q.studentId ?? null];
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(
        `SELECT ev.id, ev.session_id, ev.student_id, st.full_name AS student_name, ev.from_status, ev.to_status, ev.source, ev.actor_id,
                ac.full_name AS actor_name, ev.reason, ev.created_at
           FROM attendance_events ev
           JOIN users st ON st.id = ev.student_id
           LEFT JOIN users ac ON ac.id = ev.actor_id
          WHERE ev.session_id = $1 AND ($2::uuid IS NULL OR ev.student_id = $2)
          ORDER BY ev.created_at DESC, ev.id DESC
          LIMIT $3 OFFSET $4`,
        [...params, pageSize, (page - 1) * pageSize],
      ) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(
        `SELECT count(*)::int AS total FROM attendance_events WHERE session_id = $1 AND ($2::uuid IS NULL OR student_id = $2)`,
        params,
      ) as Promise<{ total: number }[]>,
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id as string,
        sessionId: r.session_id as string,
        studentId: r.student_id as string,
        studentName: r.student_name as string,
        fromStatus: (r.from_status as AttendanceStatus | null) ?? null,
        toStatus: r.to_status as AttendanceStatus,
        source: r.source as AttendanceSource,
        actorId: (r.actor_id as string | null) ?? null,
        actorName: (r.actor_name as string | null) ?? null,
        reason: (r.reason as string | null) ?? null,
        createdAt: new Date(r.created_at as string).toISOString(),
      })),
      total,
      page,
      pageSize,
    };
  }

  private async label(m: { query: DataSource['query'] }, ctx: SessionContext): Promise<SessionLabel> {
    const [r]: { code: string; title: string | null }[] = await m.query(
      `SELECT c.code, s.title FROM class_sessions s JOIN courses c ON c.id = s.course_id WHERE s.id = $1`,
      [ctx.id],
    );
    return { courseCode: r.code, title: r.title, startsAt: ctx.startsAt, timezone: ctx.timezone };
  }
}

export function lateAfter(ctx: Pick<SessionContext, 'startsAt' | 'lateAfterMinutes'>): Date {
  return new Date(ctx.startsAt.getTime() + ctx.lateAfterMinutes * 60_000);
}

export function toEntry(r: RosterRow): RosterEntryDto {
  return {
    studentId: r.student_id,
    fullName: r.full_name,
    email: r.email,
    studentNumber: r.student_number,
    status: r.status,
    checkedInAt: iso(r.checked_in_at),
    validatedAt: iso(r.validated_at),
    source: r.source,
    note: r.note,
    flags: r.flags ?? [],
  };
}
