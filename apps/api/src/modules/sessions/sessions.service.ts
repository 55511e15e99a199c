import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { UserRole, type AttendanceStatus, type JustificationStatus } from '@sysponto/contracts';
import { DataSource, In, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { AccessErrors, AccessService } from '../../common/access.service.js';
import type { AuthUser } from '../../common/auth-user.js';
import { likePattern, pageOf } from '../../common/pagination.js';
import {
  durationProblem,
  expandWeeklySeries,
  isoInZone,
  MAX_SERIES_SESSIONS,
  MAX_SESSION_HOURS,
  type PlannedSlot,
  retime,
  type SkippedDate,
} from './series.js';
import { holidaysBetween } from './holidays.queries.js';
import { checkinOpensAt, deriveSessionState } from './session-state.js';
import { SessionErrors } from './sessions.errors.js';
import { sessionsQuery, sessionsWithAttendance, type SessionView, updateSessionTimes } from './sessions.queries.js';
import { ClassSessionEntity } from './class-session.entity.js';
import { CourseEntity } from '../courses/course.entity.js';
import { AuditService, diffSnapshots } from '../audit/audit.service.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { canJustify as canFile } from '../justifications/justification-window.js';
import type {
  CreateSessionsDto,
  DeletedSessionsDto,
  ListCourseSessionsQueryDto,
  MySessionDto,
  MySessionsDto,
  MySessionsQueryDto,
  SessionDto,
  CreatedSeriesDto,
  SessionPageDto,
  SessionScope,
  UpdateSessionDto,
} from './sessions.dto.js';

export const MY_SESSIONS_MAX_DAYS = 366;
export const MY_SESSIONS_MAX_ITEMS = 2000;

/** What listMine adds for a student. */
interface MyRow {
  my_status: AttendanceStatus | null;
  my_justification: JustificationStatus | null;
  expected: boolean;
}

export function toSessionDto(r: SessionView, now = new Date()): SessionDto {
  const { timezone, checkinOpensMinutes } = r.course;
  const startsAt = new Date(r.startsAt);
  const endsAt = new Date(r.endsAt);
  return {
    id: r.id,
    courseId: r.courseId,
    courseCode: r.course.code,
    courseName: r.course.name,
    timezone,
    seriesId: r.seriesId,
    title: r.title,
    room: r.room,
    startsAt: isoInZone(startsAt, timezone),
    endsAt: isoInZone(endsAt, timezone),
    checkinOpensAt: isoInZone(checkinOpensAt(startsAt, checkinOpensMinutes), timezone),
    state: deriveSessionState({ state: r.state, startsAt, endsAt }, checkinOpensMinutes, now),
    closedAt: r.closedAt ? isoInZone(new Date(r.closedAt), timezone) : null,
    cancelledAt: r.cancelledAt ? isoInZone(new Date(r.cancelledAt), timezone) : null,
    cancelReason: r.cancelReason,
  };
}

/** A date-only value means 00:00 UTC that day. */
function instant(value: string): Date {
  return new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
}

/** Ends after :from. Sessions last at most 12 hours: the lower bound on starts_at lets the (course_id, starts_at) index do the work. */
const overlapsFrom = `s.ends_at > :from AND s.starts_at > CAST(:from AS timestamptz) - interval '${MAX_SESSION_HOURS} hours'`;

function invalidTimes(field: string, reason: string) {
  return SessionErrors.invalidTimes({ message: `${field} ${reason}.`, details: [{ field, messages: [reason] }] });
}

@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: AccessService,
    private readonly audit: AuditService,
  ) {}

  async listForCourse(user: AuthUser, courseId: string, q: ListCourseSessionsQueryDto): Promise<SessionPageDto> {
    await this.access.assertCourseVisible(user, courseId);
    const { page, pageSize, offset } = pageOf(q);
    const filter = <T extends ObjectLiteral>(qb: SelectQueryBuilder<T>) => {
      qb.where('s.course_id = :courseId', { courseId });
      if (q.from) qb.andWhere(overlapsFrom, { from: instant(q.from) });
      if (q.to) qb.andWhere('s.starts_at < :to', { to: instant(q.to) });
      if (q.search) qb.andWhere('(s.title ILIKE :search OR s.room ILIKE :search)', { search: likePattern(q.search) });
      return qb;
    };
    const total = await filter(this.dataSource.getRepository(ClassSessionEntity).createQueryBuilder('s')).getCount();
    const rows = await filter(sessionsQuery(this.dataSource.manager))
      .orderBy('s.starts_at')
      .addOrderBy('s.id')
      .limit(pageSize)
      .offset(offset)
      .getMany();
    const now = new Date();
    return { items: (rows as SessionView[]).map((r) => toSessionDto(r, now)), total, page, pageSize };
  }

  /** The caller's calendar: enrolled courses (students), taught courses (teachers), every course (admins). */
  async listMine(user: AuthUser, q: MySessionsQueryDto): Promise<MySessionsDto> {
    const from = instant(q.from);
    const to = instant(q.to);
    if (!(to > from))
      throw SessionErrors.invalidTimes({
        message: 'to must be after from.',
        details: [{ field: 'to', messages: ['must be after from'] }],
      });
    if (to.getTime() - from.getTime() > MY_SESSIONS_MAX_DAYS * 86_400_000) throw SessionErrors.rangeTooLong();
    const qb = sessionsQuery(this.dataSource.manager)
      .where(overlapsFrom, { from })
      .andWhere('s.starts_at < :to', { to })
      .setParameter('me', user.id);
    if (user.role === UserRole.Student) {
      qb.addSelect(
        '(SELECT r.status FROM attendance_records r WHERE r.session_id = s.id AND r.student_id = :me)',
        'my_status',
      )
        .addSelect(
          `(SELECT j.status FROM justifications j
             WHERE j.session_id = s.id AND j.student_id = :me AND j.status <> 'withdrawn')`,
          'my_justification',
        )
        .addSelect(
          'EXISTS (SELECT 1 FROM attendance_expected x WHERE x.session_id = s.id AND x.student_id = :me)',
          'expected',
        )
        // Sessions that overlap one of my enrollment periods (not those of a course before I joined or after I left).
        .andWhere(
          `EXISTS (SELECT 1 FROM enrollments e WHERE e.course_id = s.course_id AND e.student_id = :me
                      AND s.ends_at > e.enrolled_at AND (e.ended_at IS NULL OR s.starts_at < e.ended_at))`,
        );
    } else if (user.role === UserRole.Teacher) {
      qb.andWhere('EXISTS (SELECT 1 FROM course_teachers ct WHERE ct.course_id = s.course_id AND ct.teacher_id = :me)');
    }
    const { entities, raw } = await qb
      .orderBy('s.starts_at')
      .addOrderBy('s.id')
      .limit(MY_SESSIONS_MAX_ITEMS + 1)
      .getRawAndEntities<Partial<MyRow> & { s_id: string }>();
    const mine = new Map(raw.map((r) => [r.s_id, r]));
    const now = new Date();
    return {
      items: (entities as SessionView[])
        .slice(0, MY_SESSIONS_MAX_ITEMS)
        .map((r) => this.toMySessionDto(r, mine.get(r.id) ?? {}, now)),
      truncated: entities.length > MY_SESSIONS_MAX_ITEMS,
    };
  }

  private toMySessionDto(r: SessionView, my: Partial<MyRow>, now: Date): MySessionDto {
    const myStatus = my.my_status ?? null;
    const myJustification = my.my_justification ?? null;
    const canJustify = canFile(
      {
        startsAt: new Date(r.startsAt),
        endsAt: new Date(r.endsAt),
        expected: my.expected === true,
        status: myStatus,
        justification: myJustification,
      },
      now.getTime(),
      this.config.justifications.windowDays,
    );
    return { ...toSessionDto(r, now), myStatus, myJustification, canJustify };
  }

  async get(user: AuthUser, id: string): Promise<SessionDto> {
    await this.access.sessionContext(user, id);
    return this.load(id);
  }

  async load(id: string, m: EntityManager = this.dataSource.manager): Promise<SessionDto> {
    const session = await sessionsQuery(m).where('s.id = :id', { id }).getOne();
    if (!session) throw AccessErrors.sessionNotFound();
    return toSessionDto(session as SessionView);
  }

  /** One session → the session; a weekly series → {items}, all rows in one INSERT sharing one series id. */
  async create(user: AuthUser, courseId: string, dto: CreateSessionsDto): Promise<SessionDto | CreatedSeriesDto> {
    await this.access.assertCourseStaff(user, courseId);
    const single = dto.startsAt !== undefined || dto.endsAt !== undefined;
    if (single === (dto.series !== undefined)) throw SessionErrors.oneOrSeries();
    const course = await this.dataSource
      .getRepository(CourseEntity)
      .findOne({ select: { id: true, timezone: true }, where: { id: courseId } });
    if (!course) throw AccessErrors.courseNotFound();
    let slots: PlannedSlot[];
    let skipped: SkippedDate[] = [];
    let seriesId: string | null = null;
    if (single) {
      if (!dto.startsAt) throw invalidTimes('startsAt', 'is required with endsAt');
      if (!dto.endsAt) throw invalidTimes('endsAt', 'is required with startsAt');
      const slot = { startsAt: new Date(dto.startsAt), endsAt: new Date(dto.endsAt) };
      const problem = durationProblem(slot.startsAt, slot.endsAt);
      if (problem) throw invalidTimes('endsAt', problem);
      slots = [slot];
    } else {
      const holidays = await holidaysBetween(this.dataSource, dto.series!.from, dto.series!.to);
      const r = expandWeeklySeries(dto.series!, course.timezone, holidays);
      if ('problem' in r) {
        const details = [{ field: r.problem.field, messages: [r.problem.reason] }];
        throw r.problem.kind === 'too-many'
          ? SessionErrors.seriesTooLong({
              message: `A weekly series makes at most ${MAX_SERIES_SESSIONS} sessions; this one would make at least ${r.problem.count}. Shorten the date range or pick fewer weekdays.`,
              details,
            })
          : SessionErrors.invalidSeries({ message: `${r.problem.field} ${r.problem.reason}.`, details });
      }
      slots = r.slots;
      skipped = r.skipped;
      seriesId = randomUUID();
    }
    const ids = await this.dataSource.transaction(async (m) => {
      const { raw } = await m
        .createQueryBuilder()
        .insert()
        .into(ClassSessionEntity)
        .values(
          slots.map((slot) => ({
            courseId,
            seriesId,
            title: dto.title ?? null,
            room: dto.room ?? null,
            startsAt: slot.startsAt,
            endsAt: slot.endsAt,
          })),
        )
        .updateEntity(false)
        .returning('id, starts_at, ends_at')
        .execute();
      const inserted = raw as { id: string; starts_at: Date; ends_at: Date }[];
      await this.audit.record(
        m,
        inserted.map((r) => ({
          action: 'session.created' as const,
          targetType: 'session',
          targetId: r.id,
          summary: {
            courseId,
            startsAt: r.starts_at,
            endsAt: r.ends_at,
            title: dto.title ?? null,
            room: dto.room ?? null,
            ...(seriesId ? { seriesId, seriesCount: inserted.length } : {}),
          },
        })),
      );
      return inserted;
    });
    const rows = await sessionsQuery(this.dataSource.manager)
      .where('s.id IN (:...ids)', { ids: ids.map((r) => r.id) })
      .orderBy('s.starts_at')
      .addOrderBy('s.id')
      .getMany();
    const now = new Date();
    const items = (rows as SessionView[]).map((r) => toSessionDto(r, now));
    return single ? items[0] : { items, skipped };
  }

  /**
   * Edits this session, or (scope=following) this one and the later sessions of its series that are not closed.
   * startTime/endTime move each session on its own local date; startsAt/endsAt only with scope=one.
   */
  async update(user: AuthUser, id: string, scope: SessionScope, dto: UpdateSessionDto): Promise<SessionDto> {
    const retimes = dto.startTime !== undefined || dto.endTime !== undefined;
    const moves = dto.startsAt !== undefined || dto.endsAt !== undefined;
    if (retimes && moves) throw invalidTimes('startsAt', 'cannot be combined with startTime/endTime');
    if (moves && scope === 'following')
      throw invalidTimes('startsAt', 'applies to one session: use startTime/endTime with scope=following');
    await this.dataSource.transaction(async (m) => {
      const ctx = await this.access.assertSessionStaff(user, id, m);
      const targets = await this.lockTargets(m, id, scope);
      const changesTime = retimes || moves;
      if (changesTime && targets.some((t) => t.state === 'closed')) throw SessionErrors.closed();
      if (changesTime && targets.some((t) => t.state === 'cancelled')) throw SessionErrors.alreadyCancelled();
      const planned = targets.map((t) => {
        const slot = { startsAt: new Date(t.startsAt), endsAt: new Date(t.endsAt) };
        if (moves)
          return {
            id: t.id,
            startsAt: dto.startsAt ? new Date(dto.startsAt) : slot.startsAt,
            endsAt: dto.endsAt ? new Date(dto.endsAt) : slot.endsAt,
          };
        if (retimes) return { id: t.id, ...retime(slot, ctx.timezone, dto.startTime, dto.endTime) };
        return { id: t.id, ...slot };
      });
      for (const p of planned) {
        const problem = durationProblem(p.startsAt, p.endsAt);
        if (problem) throw invalidTimes(retimes ? 'endTime' : 'endsAt', problem);
      }
      await updateSessionTimes(m, planned, { title: dto.title, room: dto.room });
      const fields = Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
      await this.audit.record(
        m,
        planned.map((p, i) => ({
          action: 'session.updated' as const,
          targetType: 'session',
          targetId: p.id,
          summary: {
            courseId: ctx.courseId,
            scope,
            set: fields,
            ...(changesTime
              ? {
                  changes: diffSnapshots(
                    { startsAt: new Date(targets[i].startsAt), endsAt: new Date(targets[i].endsAt) },
                    { startsAt: p.startsAt, endsAt: p.endsAt },
                    ['startsAt', 'endsAt'],
                  ),
                }
              : {}),
          },
        })),
      );
    });
    return this.load(id);
  }

  /** Deletes this session (or this and the later, not closed sessions of its series); refused if any has attendance. */
  async remove(user: AuthUser, id: string, scope: SessionScope): Promise<DeletedSessionsDto> {
    return this.dataSource.transaction(async (m) => {
      await this.access.assertSessionStaff(user, id, m);
      // The row locks make a concurrent check-in (its FK check) wait until we are done, so none is lost by the cascade.
      const targets = await this.lockTargets(m, id, scope);
      const ids = targets.map((t) => t.id);
      const used = await sessionsWithAttendance(m, ids);
      if (used.length) throw SessionErrors.hasAttendance({ details: { sessionIds: used } });
      await m.getRepository(ClassSessionEntity).delete({ id: In(ids) });
      await this.audit.record(
        m,
        targets.map((t) => ({
          action: 'session.deleted' as const,
          targetType: 'session',
          targetId: t.id,
          summary: { scope, startsAt: new Date(t.startsAt), endsAt: new Date(t.endsAt) },
        })),
      );
      return { deleted: ids.length, ids };
    });
  }

  /** This session, plus (scope=following) the later sessions of its series that are not closed; locked FOR UPDATE. */
  private async lockTargets(m: EntityManager, id: string, scope: SessionScope): Promise<ClassSessionEntity[]> {
    const sessions = () =>
      m
        .getRepository(ClassSessionEntity)
        .createQueryBuilder('s')
        .select(['s.id', 's.seriesId', 's.startsAt', 's.endsAt', 's.state'])
        .setLock('pessimistic_write');
    const self = await sessions().where('s.id = :id', { id }).getOne();
    // Deleted by someone else since the access check.
    if (!self) throw AccessErrors.sessionNotFound();
    if (scope === 'one' || !self.seriesId) return [self];
    const rest = await sessions()
      .where('s.series_id = :seriesId AND s.id <> :id AND s.starts_at >= :startsAt', {
        seriesId: self.seriesId,
        id,
        startsAt: self.startsAt,
      })
      .andWhere(`s.state NOT IN ('closed', 'cancelled')`)
      .orderBy('s.starts_at')
      .addOrderBy('s.id')
      .getMany();
    return [self, ...rest];
  }
}
