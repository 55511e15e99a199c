import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AttendanceStatus } from '@sysponto/contracts';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { AccessService, type SessionContext } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
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
import { readRoster, readRosterEntry } from './roster.queries.js';
import { AttendanceRecordEntity } from './attendance-record.entity.js';
import { AttendanceEventEntity } from './attendance-event.entity.js';
import { EnrollmentEntity } from '../courses/course.entity.js';
import { ClassSessionEntity } from '../sessions/class-session.entity.js';
import { UserEntity } from '../users/user.entity.js';

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
    const items = await readRoster(this.dataSource.manager, sessionId, ctx.courseId);
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
      const enrolled = await m.exists(EnrollmentEntity, {
        where: { courseId: ctx.courseId, studentId, endedAt: IsNull() },
      });
      const record = await m.findOne(AttendanceRecordEntity, {
        select: { sessionId: true, studentId: true, status: true, checkedInAt: true },
        where: { sessionId, studentId },
        lock: { mode: 'pessimistic_write' },
      });
      const current = { enrolled, status: record?.status ?? null, checked_in_at: record?.checkedInAt ?? null };
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
    return readRosterEntry(this.dataSource.manager, sessionId, studentId);
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
    const qb = this.dataSource
      .getRepository(AttendanceEventEntity)
      .createQueryBuilder('ev')
      .innerJoin(UserEntity, 'st', 'st.id = ev.studentId')
      .leftJoin(UserEntity, 'ac', 'ac.id = ev.actorId')
      .addSelect('st.fullName', 'student_name')
      .addSelect('ac.fullName', 'actor_name')
      .where('ev.sessionId = :sessionId', { sessionId });
    if (q.studentId) qb.andWhere('ev.studentId = :studentId', { studentId: q.studentId });
    const [{ entities, raw }, total] = await Promise.all([
      qb
        .clone()
        .orderBy('ev.createdAt', 'DESC')
        .addOrderBy('ev.id', 'DESC')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .getRawAndEntities<{ ev_id: string; student_name: string; actor_name: string | null }>(),
      qb.getCount(),
    ]);
    const names = new Map(raw.map((r) => [r.ev_id, r]));
    return {
      items: entities.map((ev) => ({
        id: ev.id,
        sessionId: ev.sessionId,
        studentId: ev.studentId,
        studentName: names.get(ev.id)!.student_name,
        fromStatus: ev.fromStatus,
        toStatus: ev.toStatus,
        source: ev.source,
        actorId: ev.actorId,
        actorName: names.get(ev.id)!.actor_name,
        reason: ev.reason,
        createdAt: ev.createdAt.toISOString(),
      })),
      total,
      page,
      pageSize,
    };
  }

  private async label(m: EntityManager, ctx: SessionContext): Promise<SessionLabel> {
    const s = await m.findOneOrFail(ClassSessionEntity, {
      select: { id: true, title: true, course: { id: true, code: true } },
      relations: { course: true },
      where: { id: ctx.id },
    });
    return { courseCode: s.course!.code, title: s.title, startsAt: ctx.startsAt, timezone: ctx.timezone };
  }
}

export function lateAfter(ctx: Pick<SessionContext, 'startsAt' | 'lateAfterMinutes'>): Date {
  return new Date(ctx.startsAt.getTime() + ctx.lateAfterMinutes * 60_000);
}
